import type { RenderedConnector } from '../render';
import { displayValue } from '../secrets';
import type { LiveConnector } from './client';

export type Action = 'create' | 'update' | 'delete' | 'pause' | 'resume' | 'stop' | 'none';

export interface FieldChange {
  readonly field: string;
  /** Values as they may be shown: secrets masked, placeholders shown. */
  readonly before?: string;
  readonly after?: string;
}

export interface Change {
  readonly connector: string;
  readonly action: Action;
  readonly diff: readonly FieldChange[];
  /** For an update: the state change that follows the config write, if any. */
  readonly then?: 'pause' | 'resume' | 'stop';
  readonly desiredState?: RenderedConnector['state'];
  /** Why this change deserves a second look before merging (delete, re-snapshot, lost offsets…). */
  readonly destructive: readonly string[];
  /** Failed connector or tasks seen live (restart with `cdcctl connectors restart --only-failed`). */
  readonly failed?: { readonly connector: boolean; readonly tasks: readonly number[] };
}

export interface Plan {
  readonly changes: readonly Change[];
  /** Connectors on the worker this repository does not manage (outside the name prefix): never touched. */
  readonly unmanaged: readonly string[];
  /** Managed connectors no longer defined, kept because prune was not asked for. */
  readonly orphaned: readonly string[];
}

export interface PlanOptions {
  /** Only connectors whose name starts with it are managed (and may be pruned). */
  readonly managedPrefix: string;
  /** Plan deletes of managed connectors that are no longer defined. @default false */
  readonly prune?: boolean;
}

/** Keys Connect adds or that do not change behaviour; ignored so that a no-op plan is a no-op. */
const IGNORED_KEYS = new Set(['name']);

/** Changing these makes the source re-read or skip data: called out at the top of a plan. */
const RESNAPSHOT_KEYS = new Set([
  'snapshot.mode',
  'collection.include.list',
  'collection.exclude.list',
  'database.include.list',
  'database.exclude.list',
  'capture.scope',
  'capture.target',
  'capture.mode',
  'topic.prefix',
  'mongodb.connection.string',
  'cursor.pipeline',
]);
const SINK_TARGET_KEYS = new Set(['collection.name.format', 'topics', 'topics.regex', 'connection.url', 'primary.key.mode', 'primary.key.fields']);

export function normaliseConfig(config: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).filter(([key]) => !IGNORED_KEYS.has(key)));
}

export function diffConfig(desired: Readonly<Record<string, string>>, actual: Readonly<Record<string, string>>): FieldChange[] {
  const want = normaliseConfig(desired);
  const have = normaliseConfig(actual);
  const connectorClass = want['connector.class'] ?? have['connector.class'];
  const keys = [...new Set([...Object.keys(want), ...Object.keys(have)])].sort();
  return keys
    .filter((key) => want[key] !== have[key])
    .map((key) => ({ field: key, before: displayValue(connectorClass, key, have[key]), after: displayValue(connectorClass, key, want[key]) }));
}

function stateTransition(desired: RenderedConnector['state'], live: LiveConnector): 'pause' | 'resume' | 'stop' | undefined {
  const actual = live.status?.connector.state;
  if (!actual) return undefined;
  if (desired === 'RUNNING') return actual === 'PAUSED' || actual === 'STOPPED' ? 'resume' : undefined;
  // Kafka pauses a stopped connector directly (resuming first would start its tasks for a moment).
  if (desired === 'PAUSED') return actual === 'PAUSED' ? undefined : 'pause';
  return actual === 'STOPPED' ? undefined : 'stop';
}

function destructiveReasons(diff: readonly FieldChange[]): string[] {
  const reasons: string[] = [];
  for (const change of diff) {
    if (RESNAPSHOT_KEYS.has(change.field)) reasons.push(`${change.field} changes what the source captures: expect a re-snapshot or a gap; offsets are snapshotted before apply`);
    if (SINK_TARGET_KEYS.has(change.field)) reasons.push(`${change.field} changes where the sink writes or how rows are keyed`);
    if (change.field === 'connector.class') reasons.push('connector.class changes: the connector is a different plugin, its offsets do not carry over');
  }
  return reasons;
}

/** desired vs actual → the changes. Pure: the live state was read once, before. */
export function diff(desired: readonly RenderedConnector[], actual: readonly LiveConnector[], options: PlanOptions): Plan {
  const live = new Map(actual.map((connector) => [connector.name, connector]));
  const wanted = new Set(desired.map((connector) => connector.name));
  const changes: Change[] = [];
  for (const connector of desired) {
    const current = live.get(connector.name);
    if (!current) {
      changes.push({
        connector: connector.name,
        action: 'create',
        diff: diffConfig(connector.config, {}),
        desiredState: connector.state,
        destructive: [],
      });
      continue;
    }
    const fieldChanges = diffConfig(connector.config, current.config);
    const transition = stateTransition(connector.state, current);
    const failedTasks = current.status?.tasks.filter((task) => task.state === 'FAILED').map((task) => task.id) ?? [];
    const failedConnector = current.status?.connector.state === 'FAILED';
    const failed = failedConnector || failedTasks.length ? { connector: failedConnector, tasks: failedTasks } : undefined;
    const action: Action = fieldChanges.length ? 'update' : transition ?? 'none';
    changes.push({
      connector: connector.name,
      action,
      diff: fieldChanges,
      ...(fieldChanges.length && transition ? { then: transition } : {}),
      desiredState: connector.state,
      destructive: destructiveReasons(fieldChanges),
      ...(failed ? { failed } : {}),
    });
  }
  const unmanaged: string[] = [];
  const orphaned: string[] = [];
  for (const current of actual) {
    if (wanted.has(current.name)) continue;
    if (!current.name.startsWith(options.managedPrefix)) {
      unmanaged.push(current.name);
      continue;
    }
    if (!options.prune) {
      orphaned.push(current.name);
    } else {
      changes.push({
        connector: current.name,
        action: 'delete',
        diff: diffConfig({}, current.config),
        destructive: ['the connector is deleted: its tasks stop; its offsets stay in the offsets topic (snapshotted before apply)'],
      });
    }
  }
  return { changes: changes.sort((a, b) => a.connector.localeCompare(b.connector)), unmanaged: unmanaged.sort(), orphaned: orphaned.sort() };
}

/** Exit codes of every plan (connectors and stacks), like `terraform plan -detailed-exitcode`. */
export const EXIT = { ok: 0, error: 1, changes: 2 } as const;

export function hasChanges(plan: Plan): boolean {
  return plan.changes.some((change) => change.action !== 'none');
}
