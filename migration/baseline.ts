import { LOG_RETENTION_DAYS, type AdminLogEntry } from './admin-api';

/**
 * The seed's step-1 performance baseline per trigger, from the app's logs over a window: how often
 * it ran, how often it failed, how long an execution took (completed − started) and what failed
 * most. These are the figures the stream path must beat.
 */
export interface TriggerBaseline {
  readonly executions: number;
  /** Executions whose function failed (an error entry of the trigger kind's log type). */
  readonly failures: number;
  readonly p50_ms: number | null;
  readonly p95_ms: number | null;
  readonly top_errors: ReadonlyArray<ErrorCount>;
  /**
   * Times the trigger itself failed (`TRIGGER_FAILURE` entries: a change stream that could not
   * resume, say); no function ran, so they are neither executions nor `failures`.
   */
  readonly trigger_failures: number;
  readonly top_trigger_failures: ReadonlyArray<ErrorCount>;
}

export interface ErrorCount {
  readonly message: string;
  readonly count: number;
}

export interface BaselineAccumulator {
  /** An execution; `failed` says which query the entry came from (the API returns errors and successes separately). */
  add(entry: AdminLogEntry, failed: boolean): void;
  /** A `TRIGGER_FAILURE` entry. */
  addTriggerFailure(entry: AdminLogEntry): void;
  baselineOf(trigger: { readonly id: string; readonly name: string }): TriggerBaseline;
  /** Entries that named no trigger of this app. */
  readonly unattributed: () => number;
}

interface Tally {
  executions: number;
  failures: number;
  durations: number[];
  errors: Map<string, number>;
  triggerFailures: number;
  triggerFailureErrors: Map<string, number>;
}

const TOP_ERRORS = 5;
const ERROR_MESSAGE_LENGTH = 200;
/** Distinct error messages kept per trigger; the rest are counted under one line. */
const DISTINCT_ERRORS = 1000;

/** Nearest-rank percentile of an ascending list. */
export function percentile(sortedAscending: readonly number[], p: number): number | null {
  if (sortedAscending.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sortedAscending.length));
  return sortedAscending[rank - 1]!;
}

function emptyTally(): Tally {
  return { executions: 0, failures: 0, durations: [], errors: new Map(), triggerFailures: 0, triggerFailureErrors: new Map() };
}

function countError(errors: Map<string, number>, entry: AdminLogEntry): void {
  const message = (entry.error || entry.error_code || '(no error message)').replace(/\s+/g, ' ').trim().slice(0, ERROR_MESSAGE_LENGTH);
  const key = errors.has(message) || errors.size < DISTINCT_ERRORS ? message : '(other errors)';
  errors.set(key, (errors.get(key) ?? 0) + 1);
}

function addCounts(into: Map<string, number>, from: ReadonlyMap<string, number>): void {
  for (const [message, count] of from) into.set(message, (into.get(message) ?? 0) + count);
}

function merge(tallies: Array<Tally | undefined>): Tally {
  const merged = emptyTally();
  for (const tally of tallies) {
    if (!tally) continue;
    merged.executions += tally.executions;
    merged.failures += tally.failures;
    for (const duration of tally.durations) merged.durations.push(duration);
    addCounts(merged.errors, tally.errors);
    merged.triggerFailures += tally.triggerFailures;
    addCounts(merged.triggerFailureErrors, tally.triggerFailureErrors);
  }
  return merged;
}

function topErrors(errors: ReadonlyMap<string, number>): ErrorCount[] {
  return [...errors.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, TOP_ERRORS)
    .map(([message, count]) => ({ message, count }));
}

export function createBaselineAccumulator(): BaselineAccumulator {
  const byId = new Map<string, Tally>();
  const byName = new Map<string, Tally>();
  let unattributed = 0;
  /** An entry carrying the trigger id is attributed by id; by name only when the id is missing. */
  const tallyOf = (entry: AdminLogEntry): Tally | undefined => {
    const id = entry.event_subscription_id ?? undefined;
    const name = entry.event_subscription_name ?? undefined;
    if (!id && !name) {
      unattributed += 1;
      return undefined;
    }
    const [map, key] = id ? [byId, id] : [byName, name!];
    if (!map.has(key)) map.set(key, emptyTally());
    return map.get(key)!;
  };
  return {
    add(entry, failed) {
      const tally = tallyOf(entry);
      if (!tally) return;
      tally.executions += 1;
      if (failed) {
        tally.failures += 1;
        countError(tally.errors, entry);
      }
      const started = entry.started ? Date.parse(entry.started) : NaN;
      const completed = entry.completed ? Date.parse(entry.completed) : NaN;
      if (Number.isFinite(started) && Number.isFinite(completed) && completed >= started) tally.durations.push(completed - started);
    },
    addTriggerFailure(entry) {
      const tally = tallyOf(entry);
      if (!tally) return;
      tally.triggerFailures += 1;
      countError(tally.triggerFailureErrors, entry);
    },
    baselineOf(trigger) {
      const tally = merge([byId.get(trigger.id), byName.get(trigger.name)]);
      const durations = [...tally.durations].sort((a, b) => a - b);
      return {
        executions: tally.executions,
        failures: tally.failures,
        p50_ms: percentile(durations, 50),
        p95_ms: percentile(durations, 95),
        top_errors: topErrors(tally.errors),
        trigger_failures: tally.triggerFailures,
        top_trigger_failures: topErrors(tally.triggerFailureErrors),
      };
    },
    unattributed: () => unattributed,
  };
}

/** `7d`, `12h`, `30m`, `45s` or an ISO 8601 instant → the instant it designates, counted back from `now`. */
export function parseSince(value: string, now: Date, flag = '--since'): Date {
  const relative = /^(\d+)\s*(d|h|m|s)$/i.exec(value.trim());
  if (relative) {
    const unit = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 }[relative[2]!.toLowerCase() as 'd' | 'h' | 'm' | 's'];
    return new Date(now.getTime() - Number(relative[1]) * unit);
  }
  const absolute = Date.parse(value);
  if (Number.isNaN(absolute) || !/^\d{4}-\d{2}-\d{2}/.test(value.trim())) {
    throw new Error(`${flag} must be a duration such as 7d, 12h, 30m or an ISO 8601 time such as 2026-01-31T00:00:00Z (got ${JSON.stringify(value)})`);
  }
  return new Date(absolute);
}

const DAY_MS = 86_400_000;

/**
 * Why the baseline cannot start at `since`, if it cannot: not before `now`, and not further back than
 * the logs are kept. Refused rather than shortened: a baseline over fewer days than asked would be
 * read as covering them all, and the stream path is measured later over the window written here.
 */
export function baselineWindowProblem(since: Date, now: Date): string | undefined {
  const back = now.getTime() - since.getTime();
  if (back <= 0) return `--since ${since.toISOString()} is not before now (${now.toISOString()})`;
  if (back <= LOG_RETENTION_DAYS * DAY_MS) return undefined;
  return (
    `--since ${since.toISOString()} is ${(back / DAY_MS).toFixed(1)} days back, but App Services keeps logs ${LOG_RETENTION_DAYS} days: ` +
    `the baseline would count only the last ${LOG_RETENTION_DAYS}; give --since ${LOG_RETENTION_DAYS}d or less (older logs exist only where they were forwarded)`
  );
}
