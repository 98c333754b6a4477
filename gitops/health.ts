import type { Environment } from '../config';
import type { ConnectClient, LiveConnector } from '../connectors/connect/client';
import { describeWaiting, failures, progressTowards } from '../connectors/connect/desired-state';
import { diff, hasChanges } from '../connectors/connect/plan';
import { waitUntil } from '../connectors/connect/poll';
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

/** Pure: desired connectors + one read of the worker → what is not healthy (the one desired-state rule). */
export function assessHealth(desired: readonly RenderedConnector[], live: readonly LiveConnector[], managedPrefix: string): HealthAssessment {
  const byName = new Map(live.map((connector) => [connector.name, connector]));
  const failed: string[] = [];
  const waiting: string[] = [];
  for (const connector of desired) {
    const status = byName.get(connector.name)?.status;
    failed.push(...failures(connector.name, status));
    if (progressTowards(status, connector.state) !== 'reached') waiting.push(`${connector.name}: ${describeWaiting(status, connector.state)}`);
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

function healthMarkdown(environment: string, desiredCount: number, settleMs: number, healthy: boolean, last: HealthAssessment): string {
  const problems = [...last.failed, ...last.waiting, ...(last.converged ? [] : ['the live state still differs from main (see the plan)'])];
  const verdict = healthy ? `${desiredCount} connectors in their wanted state for ${settleMs / 1000} s, nothing left to change.` : 'Not healthy:';
  return [`### Connectors health: ${environment}`, '', verdict, '', ...problems.map((line) => `- ${line}`), ''].join('\n');
}

/**
 * Polls until every connector has been healthy for `settleMs` (healthy), any is FAILED (not healthy,
 * at once), or `timeoutMs` has passed (not healthy).
 */
export async function waitHealthy(environment: Environment, options: WaitHealthyOptions = {}): Promise<HealthReport> {
  const { settleMs = 30_000, pollIntervalMs = 2_000, timeoutMs = 300_000, onProgress = () => {} } = options;
  const client = options.client ?? clientFor(environment);
  const desired = renderEnvironment(environment, options.pipelines ?? allPipelines);
  let healthySince: number | undefined;
  let lastReport = '';
  let last: HealthAssessment = { failed: [], waiting: [], converged: false };
  const settled = await waitUntil(async () => {
    last = assessHealth(desired, await client.listConnectors(), environment.managedConnectorPrefix);
    if (last.failed.length) return true;
    const ok = last.waiting.length === 0 && last.converged;
    healthySince = ok ? (healthySince ?? Date.now()) : undefined;
    if (healthySince !== undefined && Date.now() - healthySince >= settleMs) return true;
    const line = ok ? `all ${desired.length} connectors healthy; settling` : `waiting: ${[...last.waiting, ...(last.converged ? [] : ['live state differs from main'])].join('; ')}`;
    if (line !== lastReport) onProgress((lastReport = line));
    return false;
  }, timeoutMs, pollIntervalMs);
  const healthy = settled && last.failed.length === 0;
  return { healthy, last, markdown: healthMarkdown(environment.name, desired.length, settleMs, healthy, last) };
}
