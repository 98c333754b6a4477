import { findPlugin, type ConnectorKind } from '../catalog';
import { DEBEZIUM_MONGODB_SOURCE_CLASS } from '../catalog/debezium-mongodb-source';
import type { ConnectorState } from '../render';
import type { ConnectClient, ConnectorStatus, LiveConnector } from './client';
import { offsetsSnapshotSchema, type OffsetEntry, type OffsetsSnapshot } from './offsets-snapshot';
import { describeWaiting, firstFailureCause, progressTowards } from './desired-state';
import { ConnectError } from './errors';
import { matchesTopicsRegex } from './topics-regex';
import { waitUntil } from './poll';

/**
 * Rollback of offsets: a snapshot written by `connectors apply` (before a change) or by
 * `connectors offsets export` is put back with stop → PATCH /connectors/{name}/offsets → resume
 * (KIP-875, Kafka ≥ 3.6). Everything is checked before the first write, and every mismatch is
 * reported at once: a snapshot restored into the wrong connector silently skips or replays data.
 */

/** The snapshot cannot be restored as asked: every reason, one per line. Nothing was written. */
export class OffsetsRestoreRefused extends Error {
  override name = 'OffsetsRestoreRefused';
  constructor(readonly problems: readonly string[]) {
    super(`offsets restore refused, nothing was changed:\n  ${problems.join('\n  ')}`);
  }
}

/** Parses a snapshot file's JSON; every problem is named with its path in the file. */
export function parseOffsetsSnapshot(json: unknown, origin: string): OffsetsSnapshot {
  const result = offsetsSnapshotSchema.safeParse(json);
  if (result.success) return result.data;
  throw new OffsetsRestoreRefused(result.error.issues.map((issue) => `${origin}: ${issue.path.join('.') || '(root)'}: ${issue.message}`));
}

/** Kafka Connect accepts offset changes from 3.6 on (KIP-875). */
export const MINIMUM_KAFKA_FOR_OFFSETS: readonly [number, number] = [3, 6];

export function supportsOffsetChanges(kafkaVersion: string): boolean {
  const [major = 0, minor = 0] = kafkaVersion.split(/[.-]/).map((part) => Number.parseInt(part, 10));
  const [needMajor, needMinor] = MINIMUM_KAFKA_FOR_OFFSETS;
  return major > needMajor || (major === needMajor && minor >= needMinor);
}

export interface RestoreTarget {
  readonly connector: string;
  readonly kind: ConnectorKind;
  readonly offsets: readonly OffsetEntry[];
  /** The live state before the restore (the state to go back to when the config does not say). */
  readonly liveState?: ConnectorStatus['connector']['state'];
}

export interface RestoreCheck {
  readonly targets: readonly RestoreTarget[];
  /** Reasons to refuse; when any, nothing may be written. */
  readonly problems: readonly string[];
  /** Worth saying, not a reason to refuse (a connector with nothing to restore, say). */
  readonly notes: readonly string[];
}

export interface RestoreSelection {
  /** Restore only these connectors of the snapshot. @default every connector in the snapshot */
  readonly connectors?: readonly string[];
}

const show = (value: unknown) => JSON.stringify(value);

/**
 * `topics` (comma list) or `topics.regex` of a live sink: whether the topic's offsets may be set,
 * or why that cannot be told here (a Java pattern JavaScript cannot evaluate safely).
 */
function subscribes(config: Readonly<Record<string, string>>, topic: string): boolean | string {
  const topics = (config.topics ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
  if (topics.includes(topic)) return true;
  const regex = config['topics.regex'];
  return regex !== undefined && matchesTopicsRegex(regex, topic);
}

function isWholeNumber(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** Sink offsets are Kafka consumer offsets: `{kafka_topic, kafka_partition}` → `{kafka_offset}`. */
function sinkEntryProblems(name: string, index: number, entry: OffsetEntry, live: LiveConnector): string[] {
  const problems: string[] = [];
  const where = `${name}: offsets[${index}]`;
  const keys = Object.keys(entry.partition).sort();
  if (keys.join(',') !== 'kafka_partition,kafka_topic') {
    problems.push(`${where}.partition: a sink connector's partition is {kafka_topic, kafka_partition} (got ${show(entry.partition)})`);
    return problems;
  }
  const topic = entry.partition.kafka_topic;
  const subscribed = typeof topic === 'string' && topic.length > 0 ? subscribes(live.config, topic) : undefined;
  if (subscribed === undefined) problems.push(`${where}.partition.kafka_topic: must be a topic name (got ${show(topic)})`);
  else if (typeof subscribed === 'string') {
    problems.push(`${where}.partition.kafka_topic: cannot tell whether the live connector consumes ${show(topic)}: ${subscribed}; list its topics in topics, or check the snapshot by hand`);
  } else if (!subscribed) {
    problems.push(`${where}.partition.kafka_topic: the live connector does not consume this topic (got ${show(topic)}; it consumes ${show(live.config.topics ?? live.config['topics.regex'] ?? '')})`);
  }
  if (!isWholeNumber(entry.partition.kafka_partition)) problems.push(`${where}.partition.kafka_partition: must be a whole number ≥ 0 (got ${show(entry.partition.kafka_partition)})`);
  if (entry.offset !== null && (Object.keys(entry.offset).join(',') !== 'kafka_offset' || !isWholeNumber(entry.offset.kafka_offset))) {
    problems.push(`${where}.offset: a sink connector's offset is {kafka_offset: <whole number>} or null (got ${show(entry.offset)})`);
  }
  return problems;
}

/** Source offsets are the plugin's own; what can be checked: not a sink's shape, and Debezium's logical name. */
function sourceEntryProblems(name: string, index: number, entry: OffsetEntry, live: LiveConnector): string[] {
  const where = `${name}: offsets[${index}]`;
  if ('kafka_topic' in entry.partition || 'kafka_partition' in entry.partition) {
    return [`${where}.partition: this is a sink connector's partition, the live connector is a source (got ${show(entry.partition)})`];
  }
  if (live.config['connector.class'] === DEBEZIUM_MONGODB_SOURCE_CLASS && entry.partition.server_id !== live.config['topic.prefix']) {
    return [`${where}.partition.server_id: Debezium keys its offsets by topic.prefix, which is ${show(live.config['topic.prefix'])} live (got ${show(entry.partition.server_id)})`];
  }
  return [];
}

function kindOf(live: LiveConnector): ConnectorKind | undefined {
  const reported = live.status?.type;
  if (reported === 'source' || reported === 'sink') return reported;
  return findPlugin(live.config['connector.class'] ?? '')?.kind;
}

/**
 * Snapshot + live connectors → what may be restored, or why not. Pure: the live state was read once.
 * Refuses a connector that is absent, whose `connector.class` differs from the snapshot's, or whose
 * snapshot partitions do not fit the connector (a sink's topics, a source's logical name).
 */
export function checkRestore(snapshot: OffsetsSnapshot, live: readonly LiveConnector[], selection: RestoreSelection = {}): RestoreCheck {
  const problems: string[] = [];
  const notes: string[] = [];
  const targets: RestoreTarget[] = [];
  const inSnapshot = Object.keys(snapshot.connectors).sort();
  const names = selection.connectors?.length ? [...selection.connectors] : inSnapshot;
  const liveByName = new Map(live.map((connector) => [connector.name, connector]));
  if (names.length === 0) problems.push(`the snapshot taken at ${snapshot.takenAt} holds no connectors`);
  for (const name of names) {
    const saved = snapshot.connectors[name];
    if (!saved) {
      problems.push(`${name}: not in the snapshot (it holds: ${inSnapshot.join(', ') || 'nothing'})`);
      continue;
    }
    const current = liveByName.get(name);
    if (!current) {
      problems.push(`${name}: no such connector on the worker: create it first (cdcctl connectors apply), then restore its offsets`);
      continue;
    }
    const savedClass = saved.config['connector.class'];
    const liveClass = current.config['connector.class'];
    if (!savedClass) {
      problems.push(`${name}: connector.class: missing from the snapshot's config, so it cannot be matched to the live connector (live: ${show(liveClass)})`);
      continue;
    }
    if (savedClass !== liveClass) {
      problems.push(`${name}: connector.class: the snapshot was taken from ${show(savedClass)}, the live connector is ${show(liveClass)}`);
      continue;
    }
    const kind = kindOf(current);
    if (!kind) {
      problems.push(`${name}: cannot tell whether ${show(liveClass)} is a source or a sink (the worker reports no type and the catalog does not know the class)`);
      continue;
    }
    if (saved.offsets.length === 0) {
      notes.push(`${name}: the snapshot holds no offsets (none were committed when it was taken): left as it is`);
      continue;
    }
    const entryProblems = saved.offsets.flatMap((entry, index) => (kind === 'sink' ? sinkEntryProblems(name, index, entry, current) : sourceEntryProblems(name, index, entry, current)));
    problems.push(...entryProblems);
    if (entryProblems.length === 0) targets.push({ connector: name, kind, offsets: saved.offsets, liveState: current.status?.connector.state });
  }
  return { targets, problems, notes };
}

/** Canonical JSON (keys sorted) so that partitions compare whatever order the worker writes keys in. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Snapshot entries the worker does not report back as written (null offsets must be gone). */
export function offsetsNotMatching(wanted: readonly OffsetEntry[], actual: readonly OffsetEntry[]): OffsetEntry[] {
  const actualByPartition = new Map(actual.map((entry) => [canonical(entry.partition), entry.offset]));
  return wanted.filter((entry) => {
    const found = actualByPartition.get(canonical(entry.partition));
    return entry.offset === null ? found !== undefined && found !== null : found === undefined || canonical(found) !== canonical(entry.offset);
  });
}

/** The state to go back to: what the config asks for, else what the connector was doing before. */
export function stateAfterRestore(target: RestoreTarget, desired: ReadonlyMap<string, ConnectorState> | undefined): ConnectorState {
  const wanted = desired?.get(target.connector);
  if (wanted) return wanted;
  if (target.liveState === 'PAUSED' || target.liveState === 'STOPPED') return target.liveState;
  return 'RUNNING';
}

export interface RestoreOptions extends RestoreSelection {
  /** The state each connector should end in, from the environment's rendered connectors. @default the state before the restore */
  readonly desiredStates?: ReadonlyMap<string, ConnectorState>;
  /** How long to wait for each stop and each resume. @default 60000 */
  readonly waitTimeoutMs?: number;
  /** @default 500 */
  readonly pollIntervalMs?: number;
  /** Check and report only; write nothing. @default false */
  readonly dryRun?: boolean;
  readonly onProgress?: (message: string) => void;
}

export interface RestoredConnector {
  readonly connector: string;
  readonly kind: ConnectorKind;
  /** Offsets before the restore and as the worker reported them after the PATCH (while stopped). */
  readonly before: readonly OffsetEntry[];
  readonly after: readonly OffsetEntry[];
  /** Partitions the connector has offsets for that the snapshot does not mention: left as they were. */
  readonly untouched: readonly OffsetEntry[];
  readonly finalState: ConnectorState;
}

export interface RestoreResult {
  readonly check: RestoreCheck;
  readonly kafkaVersion: string;
  readonly restored: readonly RestoredConnector[];
}

/** Waits until the connector reaches `want` (the one desired-state rule); a FAILED part on the way up ends the wait. */
async function waitForState(client: ConnectClient, name: string, want: ConnectorState, options: { waitTimeoutMs: number; pollIntervalMs: number }): Promise<void> {
  let status: ConnectorStatus | undefined;
  const reached = await waitUntil(async () => {
    status = await client.status(name);
    const progress = progressTowards(status, want);
    if (progress === 'failed') {
      throw new ConnectError(`${name}: FAILED while going to ${want} after the offsets restore: ${firstFailureCause(status)}`, {
        method: 'GET', url: `${client.url}/connectors/${name}/status`, connector: name,
        suggestion: `see cdcctl connectors status ${name}; the offsets are restored, fix the cause and cdcctl connectors restart ${name}`,
      });
    }
    return progress === 'reached';
  }, options.waitTimeoutMs, options.pollIntervalMs);
  if (!reached) throw new Error(`${name}: still ${describeWaiting(status, want)} after ${options.waitTimeoutMs} ms`);
}

async function moveTo(client: ConnectClient, name: string, state: ConnectorState): Promise<void> {
  if (state === 'RUNNING') await client.resume(name);
  else if (state === 'PAUSED') await client.pause(name);
  else await client.stop(name);
}

/**
 * Puts the snapshot's offsets back: checks everything first (worker version, every connector), then
 * per connector stop → wait STOPPED → PATCH offsets → read them back → resume to the wanted state.
 * When the PATCH fails the connector is put back in its wanted state; when the read-back differs it
 * is left STOPPED, so nothing consumes from offsets nobody asked for.
 */
export async function restoreOffsets(client: ConnectClient, snapshot: OffsetsSnapshot, options: RestoreOptions = {}): Promise<RestoreResult> {
  const { waitTimeoutMs = 60_000, pollIntervalMs = 500, onProgress = () => {} } = options;
  const wait = { waitTimeoutMs, pollIntervalMs };
  const { version } = await client.serverInfo();
  if (!supportsOffsetChanges(version)) {
    throw new OffsetsRestoreRefused([`worker ${client.url}: runs Kafka ${version}; changing offsets needs Kafka ≥ ${MINIMUM_KAFKA_FOR_OFFSETS.join('.')} (KIP-875)`]);
  }
  const check = checkRestore(snapshot, await client.listConnectors(), options);
  if (check.problems.length) throw new OffsetsRestoreRefused(check.problems);
  for (const note of check.notes) onProgress(note);
  if (options.dryRun) return { check, kafkaVersion: version, restored: [] };

  const restored: RestoredConnector[] = [];
  for (const target of check.targets) {
    const name = target.connector;
    const finalState = stateAfterRestore(target, options.desiredStates);
    const before = (await client.getOffsets(name)).offsets;
    onProgress(`${name}: stopping (offsets can only change while stopped)`);
    await client.stop(name);
    await waitForState(client, name, 'STOPPED', wait);
    try {
      await client.patchOffsets(name, { offsets: [...target.offsets] });
    } catch (error) {
      onProgress(`${name}: the worker refused the offsets; putting it back to ${finalState}`);
      await moveTo(client, name, finalState);
      throw error;
    }
    const after = (await client.getOffsets(name)).offsets;
    const wrong = offsetsNotMatching(target.offsets, after);
    if (wrong.length) {
      throw new Error(`${name}: after the PATCH the worker reports other offsets for ${wrong.map((entry) => canonical(entry.partition)).join(', ')}: left STOPPED so nothing consumes from them; compare cdcctl connectors offsets get ${name} with the snapshot`);
    }
    const mentioned = new Set(target.offsets.map((entry) => canonical(entry.partition)));
    const untouched = after.filter((entry) => !mentioned.has(canonical(entry.partition)));
    onProgress(`${name}: ${target.offsets.length} partition offsets restored; going to ${finalState}`);
    if (finalState !== 'STOPPED') {
      await moveTo(client, name, finalState);
      await waitForState(client, name, finalState, wait);
    }
    restored.push({ connector: name, kind: target.kind, before, after, untouched, finalState });
  }
  return { check, kafkaVersion: version, restored };
}
