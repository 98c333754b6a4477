import type { RenderedConnector } from '../render';
import type { ConnectClient, ConnectorStatus, LiveConnector } from './client';
import { describeWaiting, firstFailureCause, progressTowards } from './desired-state';
import { ConnectError } from './errors';
import { snapshotOffsets, type OffsetsSnapshot } from './offsets-snapshot';
import { diff, type Change, type Plan, type PlanOptions } from './plan';
import { waitUntil } from './poll';

export interface ApplyOptions extends PlanOptions {
  /** Changes in flight at once. @default 4 */
  readonly concurrency?: number;
  /** How long to wait for every changed connector to reach its desired state. @default 120000 */
  readonly waitTimeoutMs?: number;
  /** Poll interval while waiting. @default 500 */
  readonly pollIntervalMs?: number;
  /** Also restart failed connectors/tasks seen in the plan. @default false */
  readonly restartFailed?: boolean;
  /** Called with progress lines. */
  readonly onProgress?: (message: string) => void;
  /** Receives the offsets of connectors about to be updated or deleted, before any write. */
  readonly onOffsetsSnapshot?: (snapshot: OffsetsSnapshot) => void | Promise<void>;
  /** The clock, for the snapshot's timestamp (kept injectable so the reconciler stays testable). */
  readonly now?: () => Date;
}

export interface ApplyResult {
  readonly plan: Plan;
  readonly applied: readonly Change[];
  readonly notApplied: readonly Change[];
  readonly restarted: readonly string[];
  readonly error?: Error;
}

/** Runs `work` over items with at most `limit` in flight; after the first failure starts no new item. */
export async function runBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<{ done: T[]; failed?: { item: T; error: Error } }> {
  const done: T[] = [];
  let failed: { item: T; error: Error } | undefined;
  let next = 0;
  async function lane(): Promise<void> {
    while (!failed && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
        done.push(item);
      } catch (error) {
        failed ??= { item, error: error as Error };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return { done, failed };
}

/**
 * Reconciles the worker with the desired connectors: one read, a pure diff, then only the changes,
 * at bounded concurrency. Offsets of connectors about to change are snapshotted first. The first
 * failure stops further changes; what was and was not applied is reported, and a second apply
 * converges because it starts again from a fresh read.
 */
export async function apply(client: ConnectClient, desired: readonly RenderedConnector[], options: ApplyOptions): Promise<ApplyResult> {
  const { concurrency = 4, waitTimeoutMs = 120_000, pollIntervalMs = 500, onProgress = () => {} } = options;
  const live = await client.listConnectors();
  const plan = diff(desired, live, options);
  const byName = new Map(desired.map((connector) => [connector.name, connector]));
  const changes = plan.changes.filter((change) => change.action !== 'none');
  await snapshotBeforeChanges(client, live, changes, options);

  const { done, failed } = await runBounded(changes, concurrency, async (change) => {
    await writeChange(client, change, byName.get(change.connector));
    onProgress(`${change.action} ${change.connector}`);
  });
  const notApplied = changes.filter((change) => !done.includes(change));
  if (failed) return { plan, applied: done, notApplied, restarted: [], error: failed.error };

  const restarted = options.restartFailed ? await restartFailed(client, plan, onProgress) : [];
  const waitFor = [...done.filter((change) => change.action !== 'delete').map((change) => change.connector), ...restarted];
  const error = await waitForDesiredStates(client, waitFor, byName, { waitTimeoutMs, pollIntervalMs, onProgress });
  return { plan, applied: done, notApplied, restarted, error };
}

/** The restore point: offsets of the live connectors an update or delete is about to touch. */
async function snapshotBeforeChanges(client: ConnectClient, live: readonly LiveConnector[], changes: readonly Change[], options: ApplyOptions): Promise<void> {
  const touched = new Set(changes.filter((change) => change.action === 'update' || change.action === 'delete').map((change) => change.connector));
  if (touched.size === 0 || !options.onOffsetsSnapshot) return;
  const now = options.now ?? (() => new Date());
  await options.onOffsetsSnapshot(await snapshotOffsets(client, live.filter((connector) => touched.has(connector.name)), now()));
}

/** One change, as the REST calls it takes. */
async function writeChange(client: ConnectClient, change: Change, connector: RenderedConnector | undefined): Promise<void> {
  switch (change.action) {
    case 'create':
      await client.createConnector(change.connector, { ...connector!.config }, connector!.state);
      return;
    case 'update':
      await client.putConfig(change.connector, { ...connector!.config });
      if (change.then) await client[change.then](change.connector);
      return;
    case 'delete':
      await client.deleteConnector(change.connector);
      return;
    case 'pause':
    case 'resume':
    case 'stop':
      await client[change.action](change.connector);
      return;
    case 'none':
      return;
  }
}

/** `POST …/restart?includeTasks=true&onlyFailed=true` for every connector the plan saw failed (not those being deleted). */
async function restartFailed(client: ConnectClient, plan: Plan, onProgress: (message: string) => void): Promise<string[]> {
  const restarted: string[] = [];
  for (const change of plan.changes.filter((candidate) => candidate.failed && candidate.action !== 'delete')) {
    await client.restart(change.connector, { includeTasks: true, onlyFailed: true });
    restarted.push(change.connector);
    onProgress(`restart failed tasks of ${change.connector}`);
  }
  return restarted;
}

function failedAfterApply(client: ConnectClient, name: string, status: ConnectorStatus): ConnectError {
  return new ConnectError(`${name}: FAILED after apply: ${firstFailureCause(status)}`, {
    method: 'GET', url: `${client.url}/connectors/${name}/status`, connector: name,
    suggestion: `see the trace with cdcctl connectors status ${name}; fix the definition and apply again, or cdcctl connectors restart ${name} --only-failed`,
  });
}

/** Polls every changed connector's status (one read per poll for all of them) until each reaches its desired state. */
async function waitForDesiredStates(
  client: ConnectClient,
  names: readonly string[],
  desired: ReadonlyMap<string, RenderedConnector>,
  options: { waitTimeoutMs: number; pollIntervalMs: number; onProgress: (message: string) => void },
): Promise<Error | undefined> {
  if (names.length === 0) return undefined;
  const pending = new Map(names.map((name) => [name, desired.get(name)?.state ?? ('RUNNING' as const)]));
  let lastReport = '';
  let lastStatuses = new Map<string, ConnectorStatus>();
  const settled = await waitUntil(async () => {
    lastStatuses = await client.listStatuses();
    for (const [name, want] of pending) {
      const progress = progressTowards(lastStatuses.get(name), want);
      if (progress === 'failed') throw failedAfterApply(client, name, lastStatuses.get(name)!);
      if (progress === 'reached') pending.delete(name);
    }
    const report = `waiting for ${pending.size}/${names.length} connectors to reach their desired state`;
    if (pending.size && report !== lastReport) options.onProgress((lastReport = report));
    return pending.size === 0;
  }, options.waitTimeoutMs, options.pollIntervalMs).catch((error: Error) => error);
  if (settled instanceof Error) return settled;
  if (!settled) {
    const waiting = [...pending].map(([name, want]) => `${name}: ${describeWaiting(lastStatuses.get(name), want)}`);
    return new Error(`timed out after ${options.waitTimeoutMs} ms waiting for: ${waiting.join('; ')}`);
  }
  options.onProgress(`${names.length} connectors reached their desired state`);
  return undefined;
}
