import type { Environment } from '../config';
import type { ConnectClient, LiveConnector } from '../connectors/connect/client';
import { diff, hasChanges } from '../connectors/connect/plan';
import { pipelines as allPipelines, type PipelineDefinition } from '../connectors/pipelines';
import { renderEnvironment, type RenderedConnector } from '../connectors/render';
import { clientFor } from '../connectors/connect/environment-client';

/**
 * `cdcctl gitops health --env <name>`: after an apply, the gate before the next environment.
 * Apply already waits for each changed connector's state; this checks the whole environment —
 * every defined connector in its wanted state, no failed connector or task, nothing left to change —
 * and keeps checking for a settle period, because a task that cannot reach its database often fails
 * only some seconds after it reported RUNNING.
 */

export interface HealthAssessment {
  /** Connectors and tasks that are FAILED, with the first line of their trace. */
  readonly failed: readonly string[];
  /** Connectors not (yet) in the state main wants. */
  readonly waiting: readonly string[];
  /** Whether a plan against this live state would change anything. */
  readonly converged: boolean;
}

/** Pure: desired connectors + one read of the worker → what is not healthy. */
export function assessHealth(desired: readonly RenderedConnector[], live: readonly LiveConnector[], managedPrefix: string): HealthAssessment {
  const byName = new Map(live.map((connector) => [connector.name, connector]));
  const failed: string[] = [];
  const waiting: string[] = [];
  for (const connector of desired) {
    const status = byName.get(connector.name)?.status;
    if (!status) {
      waiting.push(`${connector.name}: no status yet`);
      continue;
    }
    const firstLine = (trace?: string) => (trace ? `: ${trace.split('\n')[0]}` : '');
    if (status.connector.state === 'FAILED') failed.push(`${connector.name}: connector FAILED${firstLine(status.connector.trace)}`);
    for (const task of status.tasks.filter((candidate) => candidate.state === 'FAILED')) failed.push(`${connector.name}: task ${task.id} FAILED${firstLine(task.trace)}`);
    const tasksReady = connector.state === 'STOPPED' ? status.tasks.length === 0 : status.tasks.length > 0 && status.tasks.every((task) => task.state === connector.state);
    if (status.connector.state !== connector.state || !tasksReady) {
      waiting.push(`${connector.name}: ${status.connector.state} (tasks ${status.tasks.map((task) => `${task.id}:${task.state}`).join(' ') || 'none'}), main wants ${connector.state}`);
    }
  }
  const converged = !hasChanges(diff(desired, live, { managedPrefix }));
  return { failed, waiting, converged };
}

export interface WaitHealthyOptions {
  readonly client?: ConnectClient;
  readonly pipelines?: readonly PipelineDefinition[];
  /** How long everything must stay healthy. @default 30000 */
  readonly settleMs?: number;
  /** @default 2000 */
  readonly pollIntervalMs?: number;
  /** Give up after this long in total. @default 300000 */
  readonly timeoutMs?: number;
  readonly onProgress?: (message: string) => void;
}

export interface HealthReport {
  readonly healthy: boolean;
  readonly last: HealthAssessment;
  readonly markdown: string;
}

export async function waitHealthy(environment: Environment, options: WaitHealthyOptions = {}): Promise<HealthReport> {
  const { settleMs = 30_000, pollIntervalMs = 2_000, timeoutMs = 300_000, onProgress = () => {} } = options;
  const client = options.client ?? clientFor(environment);
  const desired = renderEnvironment(environment, options.pipelines ?? allPipelines);
  const deadline = Date.now() + timeoutMs;
  let healthySince: number | undefined;
  let lastReport = '';
  for (;;) {
    const last = assessHealth(desired, await client.listConnectors(), environment.managedConnectorPrefix);
    const report = (healthy: boolean) => ({
      healthy,
      last,
      markdown: [`### Connectors health: ${environment.name}`, '', healthy ? `${desired.length} connectors in their wanted state for ${settleMs / 1000} s, nothing left to change.` : 'Not healthy:', '',
        ...[...last.failed, ...last.waiting, ...(last.converged ? [] : ['the live state still differs from main (see the plan)'])].map((line) => `- ${line}`), ''].join('\n'),
    });
    if (last.failed.length) return report(false);
    const ok = last.waiting.length === 0 && last.converged;
    if (!ok) healthySince = undefined;
    else healthySince ??= Date.now();
    if (healthySince !== undefined && Date.now() - healthySince >= settleMs) return report(true);
    const line = ok ? `all ${desired.length} connectors healthy; settling` : `waiting: ${[...last.waiting, ...(last.converged ? [] : ['live state differs from main'])].join('; ')}`;
    if (line !== lastReport) onProgress(line);
    lastReport = line;
    if (Date.now() > deadline) return report(false);
    await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
  }
}
