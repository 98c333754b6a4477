import { createServer, type Server } from 'node:http';
import type { Command } from 'commander';
import { clientFor } from '../../connectors/connect/environment-client';
import { newSupervisorState, supervise, superviseOnce, supervisorMetrics, type SupervisionEvent } from '../../connectors/connect/supervise';
import { CliError, environmentFromFlags, environmentOptions, progress, type EnvironmentFlags } from '../support';

function describe(event: SupervisionEvent, maxRestarts: number): string {
  const what = event.decision === 'restart' ? `restarted (restart ${event.restarts} of at most ${maxRestarts})` : `given up after ${event.restarts} restarts: left FAILED for a person`;
  return `${event.connector}: ${what}${event.failures.length ? `: ${event.failures.join('; ')}` : ''}`;
}

/** Serves the supervisor's metrics on 127.0.0.1 (or the given host) for Prometheus. */
function serveMetrics(port: number, host: string, metrics: () => string): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metrics());
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error) => reject(new CliError(`--metrics-port ${port}: ${(error as Error).message}`)));
    server.listen(port, host, () => resolve(server));
  });
}

function wholeNumber(flag: string, value: string | undefined, minimum: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < minimum) throw new CliError(`${flag} must be a whole number ≥ ${minimum} (got ${value})`);
  return parsed;
}

/**
 * `cdcctl connectors supervise --env E`: restarts failed connectors and tasks of the environment's
 * worker with a growing delay and a cap (the environment's connect.supervisor), until stopped.
 */
export function registerSupervise(connectors: Command): void {
  environmentOptions(
    connectors
      .command('supervise')
      .description("restart failed connectors and tasks with backoff and a cap (Strimzi's autoRestart), until stopped; --once for one round")
      .option('--once', 'one round: restart what is due, print what was done, exit')
      .option('--metrics-port <port>', 'serve Prometheus metrics (restarts, give-ups) on this port')
      .option('--metrics-host <host>', 'address the metrics listen on', '127.0.0.1'),
  ).action(async (flags: EnvironmentFlags & { once?: boolean; metricsPort?: string; metricsHost: string }) => {
    const environment = environmentFromFlags(flags);
    const policy = { unitMs: environment.connect.supervisor.restartUnitMs, maxDelayMs: environment.connect.supervisor.maxRestartDelayMs, maxRestarts: environment.connect.supervisor.maxRestarts, healthyResetMs: environment.connect.supervisor.healthyResetMs };
    const metricsPort = wholeNumber('--metrics-port', flags.metricsPort, 1);
    const client = clientFor(environment);
    const state = newSupervisorState();
    const report = (event: SupervisionEvent) => process.stdout.write(`${new Date().toISOString()} ${describe(event, policy.maxRestarts)}\n`);
    if (flags.once) {
      for (const event of await superviseOnce(client, state, { policy, managedPrefix: environment.managedConnectorPrefix })) report(event);
      return;
    }
    const server = metricsPort === undefined ? undefined : await serveMetrics(metricsPort, flags.metricsHost, () => supervisorMetrics(state));
    const stop = new AbortController();
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
    progress(`supervising ${environment.connect.url} (connectors ${environment.managedConnectorPrefix}*), every ${environment.connect.supervisor.intervalMs / 1000} s${server ? `, metrics on ${flags.metricsHost}:${metricsPort}/metrics` : ''}`);
    await supervise(client, {
      policy,
      managedPrefix: environment.managedConnectorPrefix,
      intervalMs: environment.connect.supervisor.intervalMs,
      signal: stop.signal,
      state,
      onEvent: report,
      onError: (error) => progress(`cannot read the worker this round: ${error.message}`),
    });
    server?.close();
  });
}
