import type { RenderedConnector } from '../render';
import type { ConnectClient, ConnectorOffsets, ConnectorStatus, LiveConnector } from './client';
import { ConnectError } from './errors';
import { diff, type Change, type Plan, type PlanOptions } from './plan';

export interface OffsetsSnapshot {
  readonly takenAt: string;
  readonly worker: string;
  readonly connectors: Readonly<Record<string, { readonly config: Readonly<Record<string, string>>; readonly offsets: ConnectorOffsets['offsets'] }>>;
}

/** Reads the offsets of the given live connectors: the restore point before a change. */
export async function snapshotOffsets(client: ConnectClient, connectors: readonly LiveConnector[], takenAt: Date): Promise<OffsetsSnapshot> {
  const entries: Record<string, OffsetsSnapshot['connectors'][string]> = {};
  for (const connector of connectors) entries[connector.name] = { config: connector.config, offsets: (await client.getOffsets(connector.name)).offsets };
  return { takenAt: takenAt.toISOString(), worker: client.url, connectors: entries };
}

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
async function runBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<{ done: T[]; failed?: { item: T; error: Error } }> {
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

function reached(status: ConnectorStatus | undefined, desired: RenderedConnector['state']): 'yes' | 'no' | 'failed' {
  if (!status) return 'no';
  if (status.connector.state === 'FAILED' || status.tasks.some((task) => task.state === 'FAILED')) return 'failed';
  if (desired === 'RUNNING') return status.connector.state === 'RUNNING' && status.tasks.length > 0 && status.tasks.every((task) => task.state === 'RUNNING') ? 'yes' : 'no';
  if (desired === 'PAUSED') return status.connector.state === 'PAUSED' ? 'yes' : 'no';
  return status.connector.state === 'STOPPED' ? 'yes' : 'no';
}

function firstTraceLine(status: ConnectorStatus): string {
  const trace = status.connector.trace ?? status.tasks.find((task) => task.trace)?.trace ?? '';
  return trace.split('\n')[0] ?? '';
}

/**
 * Reconciles the worker with the desired connectors: one read, a pure diff, then only the changes,
 * at bounded concurrency. Offsets of connectors about to change are snapshotted first. The first
 * failure stops further changes; what was and was not applied is reported, and a second apply
 * converges because it starts again from a fresh read.
 */
export async function apply(client: ConnectClient, desired: readonly RenderedConnector[], options: ApplyOptions): Promise<ApplyResult> {
  const { concurrency = 4, waitTimeoutMs = 120_000, pollIntervalMs = 500, onProgress = () => {}, now = () => new Date() } = options;
  const live = await client.listConnectors();
  const plan = diff(desired, live, options);
  const byName = new Map(desired.map((connector) => [connector.name, connector]));
  const changes = plan.changes.filter((change) => change.action !== 'none');

  const touched = new Set(changes.filter((change) => change.action === 'update' || change.action === 'delete').map((change) => change.connector));
  if (touched.size && options.onOffsetsSnapshot) {
    await options.onOffsetsSnapshot(await snapshotOffsets(client, live.filter((connector) => touched.has(connector.name)), now()));
  }

  const { done, failed } = await runBounded(changes, concurrency, async (change) => {
    const connector = byName.get(change.connector);
    switch (change.action) {
      case 'create':
        await client.createConnector(change.connector, { ...connector!.config }, connector!.state);
        break;
      case 'update':
        await client.putConfig(change.connector, { ...connector!.config });
        if (change.then) await client[change.then](change.connector);
        break;
      case 'delete':
        await client.deleteConnector(change.connector);
        break;
      case 'pause':
      case 'resume':
      case 'stop':
        await client[change.action](change.connector);
        break;
    }
    onProgress(`${change.action} ${change.connector}`);
  });

  const restarted: string[] = [];
  if (!failed && options.restartFailed) {
    for (const change of plan.changes.filter((candidate) => candidate.failed && candidate.action !== 'delete')) {
      await client.restart(change.connector, { includeTasks: true, onlyFailed: true });
      restarted.push(change.connector);
      onProgress(`restart failed tasks of ${change.connector}`);
    }
  }

  const notApplied = changes.filter((change) => !done.includes(change));
  if (failed) return { plan, applied: done, notApplied, restarted, error: failed.error };

  const waitFor = [...done.filter((change) => change.action !== 'delete').map((change) => change.connector), ...restarted];
  const error = await waitForDesiredStates(client, waitFor, byName, { waitTimeoutMs, pollIntervalMs, onProgress });
  return { plan, applied: done, notApplied, restarted, error };
}

async function waitForDesiredStates(
  client: ConnectClient,
  names: readonly string[],
  desired: ReadonlyMap<string, RenderedConnector>,
  options: { waitTimeoutMs: number; pollIntervalMs: number; onProgress: (message: string) => void },
): Promise<Error | undefined> {
  if (names.length === 0) return undefined;
  const deadline = Date.now() + options.waitTimeoutMs;
  const pending = new Set(names);
  let lastReport = '';
  while (pending.size) {
    const statuses = await client.listStatuses();
    for (const name of [...pending]) {
      const want = desired.get(name)?.state ?? 'RUNNING';
      const status = statuses.get(name);
      const outcome = reached(status, want);
      if (outcome === 'yes') pending.delete(name);
      if (outcome === 'failed') {
        return new ConnectError(`${name}: FAILED after apply: ${firstTraceLine(status!)}`, {
          method: 'GET', url: `${client.url}/connectors/${name}/status`, connector: name,
          suggestion: `see the trace with cdcctl connectors status ${name}; fix the definition and apply again, or cdcctl connectors restart ${name} --only-failed`,
        });
      }
    }
    const report = `waiting for ${pending.size}/${names.length} connectors to reach their desired state`;
    if (pending.size && report !== lastReport) {
      options.onProgress(report);
      lastReport = report;
    }
    if (!pending.size) break;
    if (Date.now() > deadline) {
      return new Error(`timed out after ${options.waitTimeoutMs} ms waiting for: ${[...pending].join(', ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs));
  }
  options.onProgress(`${names.length} connectors reached their desired state`);
  return undefined;
}
