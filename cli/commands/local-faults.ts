import type { Command } from 'commander';
import { FAULT_SCENARIOS, SCENARIO_BROKERS, STAND_IN_SCENARIOS, runFaultScenarios, scenariosFor, type FaultResult, type FaultScenario } from '../../local/faults';
import { status } from '../../local/runtime';
import type { RuntimeOptions } from '../../local/options';
import { CliError, EXIT, progress } from '../support';
import { addStateFlags, runtimeOptionsFrom, type RuntimeFlags } from './local';

type Skipped = ReturnType<typeof scenariosFor>['skipped'];

/** `all` is every scenario this runtime can run (broker-kill needs 3 brokers): the others are reported as skipped, with why. */
function scenariosFrom(value: string, runtime: RuntimeOptions): { names: FaultScenario[]; skipped: Skipped } {
  if (value === 'all') {
    const current = status(runtime);
    const { runnable, skipped } = scenariosFor(current.brokers, current.services.mongodb.state === 'running');
    return { names: runnable, skipped };
  }
  return { names: namedScenarios(value), skipped: [] };
}

function namedScenarios(value: string): FaultScenario[] {
  const names = value.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(FAULT_SCENARIOS as readonly string[]).includes(name));
  if (unknown.length) throw new CliError(`--scenario: unknown ${unknown.map((name) => JSON.stringify(name)).join(', ')} (known: ${FAULT_SCENARIOS.join(', ')}, or all)`);
  return names as FaultScenario[];
}

function wholeNumber(flag: string, value: string, minimum: number): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < minimum) throw new CliError(`${flag} must be a whole number ≥ ${minimum} (got ${value})`);
  return parsed;
}

/** The table, then what each scenario observed, its rate and level, the broker it killed, and what was skipped. */
export function formatText(results: readonly FaultResult[], skipped: Skipped): string {
  const header = ['SCENARIO', 'EVENTS', 'ROWS', 'LOST', 'DUPLICATES', 'RESTARTS', 'RECOVERY', 'MANUAL STEPS'];
  const rows = results.map((result) => [result.name, String(result.events), String(result.rows), String(result.lost), String(result.duplicates), String(result.restarts), `${result.recovery_s} s`, String(result.manual_steps)]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  const observed = results.filter((result) => result.observed).map((result) => `${result.name}: ${Object.entries(result.observed!).map(([key, value]) => `${key}=${value}`).join(' ')}`);
  const levels = results.flatMap((result) => [
    ...(result.write_rate_per_s !== undefined ? [`${result.name}: orders written at ${result.write_rate_per_s}/s`] : []),
    ...(result.exactly_once_source ? [`${result.name}: the worker's exactly.once.source.support=${result.exactly_once_source}`] : []),
  ]);
  const killed = results.flatMap((result) =>
    result.broker ? [`${result.name}: killed ${result.broker.service} (pid ${result.broker.pid_before}); it came back as pid ${result.broker.pid_after}, ${result.broker.back_in_isr ? 'back in every ISR' : 'NOT back in every ISR'}`] : [],
  );
  const skippedLines = skipped.map((entry) => `${entry.name}: skipped, ${entry.reason}`);
  return `${[line(header), ...rows.map(line)].join('\n')}\nduplicates: changes the sink delivered again, which the upsert by key absorbs\n${[...observed, ...levels, ...killed, ...skippedLines].map((text) => `${text}\n`).join('')}`;
}

/**
 * `cdcctl local faults`: faults injected into the running local runtime while realistic orders
 * stream, the warehouse compared with what was written afterwards (local/faults.ts).
 */
export function registerLocalFaults(local: Command): Command {
  addStateFlags(
    local
      .command('faults')
      .description(
        'inject faults into the running local runtime while orders stream (warehouse stopped or locked, worker killed, connectors added and removed, 200 ms between Connect and Kafka, worker killed during an initial load, worker killed while the Debezium source captures the MongoDB stand-in, a broker killed) and count what was lost and duplicated',
      )
      .option(
        '--scenario <names>',
        `${FAULT_SCENARIOS.join('|')}, a comma-separated list, or all: every scenario the runtime supports (${Object.entries(SCENARIO_BROKERS)
          .map(([name, brokers]) => `${name} needs ${brokers} brokers, cdcctl local up --brokers ${brokers}; on fewer, all skips it and says so`)
          .join('; ')}; ${STAND_IN_SCENARIOS.join(', ')} needs the MongoDB stand-in, which cdcctl local up starts)`,
        'all',
      )
      .option('--events <n>', 'orders written during each fault', '500')
      .option('--fault-seconds <s>', 'how long an outage, a lock, a delay or a killed broker lasts', '20')
      .option('--rate <n>', 'orders written per second, as an application writes (e.g. 1000 with --events 120000: 2 minutes) (default: as fast as Kafka takes them; source-worker-kill, through the MongoDB stand-in: 100; initial-load-kill writes its snapshot as fast as Kafka takes it)')
      .option('--output <format>', 'text or json ({"scenarios": [{name, events, rows, lost, duplicates, restarts, recovery_s, manual_steps, observed?, write_rate_per_s?, exactly_once_source?, broker?}], "skipped": [{name, reason}]})', 'text'),
  ).action(async (flags: RuntimeFlags & { scenario: string; events: string; faultSeconds: string; rate?: string; output: string }) => {
    if (flags.output !== 'text' && flags.output !== 'json') throw new CliError(`--output must be text or json (got ${flags.output})`);
    const runtime = runtimeOptionsFrom(flags);
    const { names, skipped } = scenariosFrom(flags.scenario, runtime);
    const events = wholeNumber('--events', flags.events, 1);
    const faultMs = wholeNumber('--fault-seconds', flags.faultSeconds, 1) * 1000;
    const ratePerSecond = flags.rate === undefined ? undefined : wholeNumber('--rate', flags.rate, 1);
    for (const entry of skipped) progress(`${entry.name} skipped: ${entry.reason}`);
    const results = await runFaultScenarios(runtime, names, { events, faultMs, ratePerSecond, onProgress: progress });
    process.stdout.write(flags.output === 'json' ? `${JSON.stringify({ scenarios: results, skipped }, null, 2)}\n` : formatText(results, skipped));
    process.exitCode = results.some((result) => result.lost > 0) ? EXIT.error : EXIT.ok;
  });
  return local;
}
