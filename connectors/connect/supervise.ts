import type { ConnectClient, ConnectorStatus } from './client';
import { failures } from './desired-state';
import { sleep } from './poll';

/**
 * The supervisor: restarts failed connectors and tasks with a growing delay and a cap, as Strimzi's
 * `autoRestart` does, so that a passing fault (the warehouse away for a minute, a broker restart) is
 * mended without a person; a connector that keeps failing is given up on, and the alerts page.
 *
 * The delay before restart n+1 (n restarts so far) is `unit × (n² + n)`, capped at `maxDelay`:
 * immediately, then 2, 6, 12, 20, 30… units — Strimzi's formula, whose unit is one minute. A
 * connector that has stayed healthy for `healthyResetMs` since its last restart starts again at 0.
 */
export interface RestartPolicy {
  /** The delay unit of the n² + n formula. */
  readonly unitMs: number;
  /** No delay longer than this. */
  readonly maxDelayMs: number;
  /** Restarts before the supervisor gives up on a connector (it then stays FAILED and pages). */
  readonly maxRestarts: number;
  /** Healthy this long after a restart and the count starts again at 0. */
  readonly healthyResetMs: number;
}

export function restartDelayMs(previousRestarts: number, policy: RestartPolicy): number {
  return Math.min(policy.unitMs * (previousRestarts * previousRestarts + previousRestarts), policy.maxDelayMs);
}

/** What the supervisor remembers of one connector. */
export interface RestartRecord {
  readonly restarts: number;
  readonly lastRestartAt?: number;
  readonly gaveUp: boolean;
  /** When each restart happened (ms), for the history a person reads when paged. */
  readonly history: readonly number[];
}

export const FRESH_RECORD: RestartRecord = { restarts: 0, gaveUp: false, history: [] };

export type Decision = 'healthy' | 'restart' | 'wait' | 'give-up' | 'given-up';

/**
 * Pure: a connector's record + whether it is failed now → what to do, and the record after it.
 * A healthy connector past the reset period starts afresh, a given-up one too once it is healthy again
 * (a person restarted it).
 */
export function decide(record: RestartRecord, failed: boolean, now: number, policy: RestartPolicy): { decision: Decision; record: RestartRecord } {
  if (!failed) {
    const settled = record.lastRestartAt === undefined || now - record.lastRestartAt >= policy.healthyResetMs;
    return { decision: 'healthy', record: settled && (record.restarts > 0 || record.gaveUp) ? FRESH_RECORD : record };
  }
  if (record.gaveUp) return { decision: 'given-up', record };
  if (record.restarts >= policy.maxRestarts) return { decision: 'give-up', record: { ...record, gaveUp: true } };
  const due = record.lastRestartAt === undefined ? now : record.lastRestartAt + restartDelayMs(record.restarts, policy);
  if (now < due) return { decision: 'wait', record };
  return { decision: 'restart', record: { restarts: record.restarts + 1, lastRestartAt: now, gaveUp: false, history: [...record.history, now].slice(-20) } };
}

export interface SupervisionEvent {
  readonly connector: string;
  readonly decision: Exclude<Decision, 'healthy' | 'wait'>;
  /** Restarts so far (after this one, for `restart`). */
  readonly restarts: number;
  /** What failed, one line per part, with its root cause. */
  readonly failures: readonly string[];
}

/** Every restart and give-up since the supervisor started, per connector: what its metrics report. */
export interface SupervisorState {
  readonly records: Map<string, RestartRecord>;
  readonly restartsTotal: Map<string, number>;
  lastCheckAt?: number;
}

export function newSupervisorState(): SupervisorState {
  return { records: new Map(), restartsTotal: new Map() };
}

function isFailed(status: ConnectorStatus): boolean {
  return status.connector.state === 'FAILED' || status.tasks.some((task) => task.state === 'FAILED');
}

/**
 * One round: one read of every connector's status, a decision per managed connector, and
 * `POST …/restart?includeTasks=true&onlyFailed=true` for each that is due. Connectors gone from the
 * worker are forgotten.
 */
export async function superviseOnce(client: ConnectClient, state: SupervisorState, options: { readonly policy: RestartPolicy; readonly managedPrefix: string; readonly now?: () => number }): Promise<SupervisionEvent[]> {
  const now = (options.now ?? Date.now)();
  const statuses = await client.listStatuses();
  const events: SupervisionEvent[] = [];
  for (const name of [...state.records.keys()]) if (!statuses.has(name)) state.records.delete(name);
  for (const [name, status] of [...statuses].filter(([candidate]) => candidate.startsWith(options.managedPrefix)).sort(([a], [b]) => a.localeCompare(b))) {
    const { decision, record } = decide(state.records.get(name) ?? FRESH_RECORD, isFailed(status), now, options.policy);
    state.records.set(name, record);
    if (decision === 'healthy' || decision === 'wait' || decision === 'given-up') continue;
    if (decision === 'restart') {
      await client.restart(name, { includeTasks: true, onlyFailed: true });
      state.restartsTotal.set(name, (state.restartsTotal.get(name) ?? 0) + 1);
    }
    events.push({ connector: name, decision, restarts: record.restarts, failures: failures(name, status) });
  }
  state.lastCheckAt = now;
  return events;
}

export interface SuperviseOptions {
  readonly policy: RestartPolicy;
  readonly managedPrefix: string;
  /** Time between rounds. */
  readonly intervalMs: number;
  /** Ends the loop (after the round in progress). */
  readonly signal: AbortSignal;
  readonly state?: SupervisorState;
  readonly onEvent?: (event: SupervisionEvent) => void;
  /** A round that could not read the worker: the supervisor keeps going. */
  readonly onError?: (error: Error) => void;
}

/** Rounds until the signal aborts; a worker that cannot be read is reported and tried again next round. */
export async function supervise(client: ConnectClient, options: SuperviseOptions): Promise<SupervisorState> {
  const state = options.state ?? newSupervisorState();
  while (!options.signal.aborted) {
    try {
      for (const event of await superviseOnce(client, state, options)) options.onEvent?.(event);
    } catch (error) {
      options.onError?.(error as Error);
    }
    if (!options.signal.aborted) await sleep(options.intervalMs);
  }
  return state;
}

/** The supervisor's metrics in Prometheus' text format (served on its own port, scraped beside the workers). */
export function supervisorMetrics(state: SupervisorState): string {
  const label = (name: string) => `{connector="${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"}`;
  const lines = [
    '# HELP cdc_supervisor_restarts_total Restarts of failed connectors and tasks made by the supervisor.',
    '# TYPE cdc_supervisor_restarts_total counter',
    ...[...state.restartsTotal].sort(([a], [b]) => a.localeCompare(b)).map(([name, count]) => `cdc_supervisor_restarts_total${label(name)} ${count}`),
    '# HELP cdc_supervisor_gave_up 1 when the supervisor stopped restarting a connector that keeps failing.',
    '# TYPE cdc_supervisor_gave_up gauge',
    ...[...state.records].sort(([a], [b]) => a.localeCompare(b)).map(([name, record]) => `cdc_supervisor_gave_up${label(name)} ${record.gaveUp ? 1 : 0}`),
    '# HELP cdc_supervisor_last_check_timestamp_seconds When the supervisor last read the worker.',
    '# TYPE cdc_supervisor_last_check_timestamp_seconds gauge',
    ...(state.lastCheckAt === undefined ? [] : [`cdc_supervisor_last_check_timestamp_seconds ${Math.floor(state.lastCheckAt / 1000)}`]),
  ];
  return `${lines.join('\n')}\n`;
}
