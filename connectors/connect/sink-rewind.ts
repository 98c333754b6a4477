import type { ConnectClient } from './client';
import { ConnectError } from './errors';
import { waitUntil } from './poll';

/**
 * The cut-over's gapless step (issue 13, proved by tests/integration/cutover-rehearsal.test.ts): the
 * stream path's sink moves from the shadow table to the production table AND replays its topic from
 * the earliest offset. A sink switched "from its current offset" has already passed every event the
 * lagging trigger has not processed yet (it wrote them to the shadow), so disabling the trigger would
 * lose them; replayed, every event reaches the production table, and the warehouse's version guard
 * (warehouse/functions-sql.ts) makes the replay harmless: an older version never replaces a newer
 * row, a deleted document never comes back. The trigger is disabled only once the sink has caught up.
 */

export interface SinkRewindOptions {
  /** How long each wait may take: a stop or resume, an offsets reset the worker refuses for a moment. @default 60000 */
  readonly timeoutMs?: number;
  /**
   * Where the sink reads from in its new table: `earliest` replays the topic; `current` keeps its
   * offsets — the order the runbook gave before the rehearsal, kept only to show what it loses. @default 'earliest'
   */
  readonly from?: 'earliest' | 'current';
}

async function waitForState(client: ConnectClient, name: string, state: 'STOPPED' | 'RUNNING', timeoutMs: number): Promise<void> {
  const reached = await waitUntil(async () => {
    const status = await client.status(name);
    return status.connector.state === state && (state === 'STOPPED' || status.tasks.every((task) => task.state === 'RUNNING'));
  }, timeoutMs, 200);
  if (!reached) throw new Error(`sink ${name}: not ${state} within ${timeoutMs / 1000} s`);
}

/** The worker refuses a reset while the stopped sink's consumer group still has members: retried until it accepts. */
async function resetOffsets(client: ConnectClient, name: string, timeoutMs: number): Promise<void> {
  let last: unknown;
  const done = await waitUntil(async () => {
    try {
      await client.resetOffsets(name);
      return true;
    } catch (error) {
      if (!(error instanceof ConnectError)) throw error;
      last = error;
      return false;
    }
  }, timeoutMs, 500);
  if (!done) throw new Error(`sink ${name}: offsets not reset within ${timeoutMs / 1000} s: ${(last as Error | undefined)?.message ?? 'no answer'}`);
}

/** Stop → reset offsets (earliest) → the new config (its table) → resume, waiting for each. */
export async function rewindSinkTo(client: ConnectClient, name: string, config: Readonly<Record<string, string>>, options: SinkRewindOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  await client.stop(name);
  await waitForState(client, name, 'STOPPED', timeoutMs);
  if ((options.from ?? 'earliest') === 'earliest') await resetOffsets(client, name, timeoutMs);
  await client.putConfig(name, { ...config });
  await client.resume(name);
  await waitForState(client, name, 'RUNNING', timeoutMs);
}

/** The sink's committed position per topic partition (`<topic>/<partition>` → next offset to read). */
export async function sinkPositions(client: ConnectClient, name: string): Promise<Map<string, number>> {
  const { offsets } = await client.getOffsets(name);
  return new Map(offsets.map((entry) => [`${String(entry.partition.kafka_topic)}/${String(entry.partition.kafka_partition)}`, Number(entry.offset?.kafka_offset ?? 0)]));
}

/** Waits until the sink has committed every record up to `ends` (`<topic>/<partition>` → offset): it has taken over. */
export async function waitUntilSinkReached(client: ConnectClient, name: string, ends: ReadonlyMap<string, number>, timeoutMs = 60_000): Promise<void> {
  let positions = new Map<string, number>();
  const reached = await waitUntil(async () => {
    positions = await sinkPositions(client, name);
    return [...ends].every(([partition, end]) => (positions.get(partition) ?? 0) >= end);
  }, timeoutMs, 250);
  if (!reached) {
    const behind = [...ends].map(([partition, end]) => `${partition} at ${positions.get(partition) ?? 'none'} of ${end}`).join(', ');
    throw new Error(`sink ${name}: not caught up within ${timeoutMs / 1000} s (${behind})`);
  }
}

/**
 * The positions of the topics the sink reads with `config` (`topics`, a comma-separated list): its
 * committed offsets also name topics it no longer reads (a topic list changed, a topic deleted), whose
 * positions the replay would never pass. With `topics.regex`, every position is kept.
 */
export function readFrom(positions: ReadonlyMap<string, number>, config: Readonly<Record<string, string>>): Map<string, number> {
  const topics = config.topics?.split(',').map((topic) => topic.trim());
  if (!topics) return new Map(positions);
  return new Map([...positions].filter(([partition]) => topics.includes(partition.slice(0, partition.lastIndexOf('/')))));
}

/**
 * The whole cut-over of a sink: stopped, its position noted (where it had got writing the old table),
 * rewound and switched (rewindSinkTo), then waited for until its replay has passed that position:
 * from then on every change the old writer may not have reached is in the new table, and the trigger
 * can be disabled. Returns the position it replayed to.
 */
export async function cutOverSink(client: ConnectClient, name: string, config: Readonly<Record<string, string>>, options: SinkRewindOptions = {}): Promise<Map<string, number>> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  await client.stop(name);
  await waitForState(client, name, 'STOPPED', timeoutMs);
  const reached = readFrom(await sinkPositions(client, name), config);
  await rewindSinkTo(client, name, config, options);
  await waitUntilSinkReached(client, name, reached, timeoutMs);
  return reached;
}
