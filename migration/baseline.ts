import type { AdminLogEntry } from './admin-api';

/**
 * The seed's step-1 performance baseline per trigger, from the app's logs over a window: how often
 * it ran, how often it failed, how long an execution took (completed − started) and what failed
 * most. These are the figures the stream path must beat.
 */
export interface TriggerBaseline {
  readonly executions: number;
  readonly failures: number;
  readonly p50_ms: number | null;
  readonly p95_ms: number | null;
  readonly top_errors: ReadonlyArray<{ readonly message: string; readonly count: number }>;
}

export interface BaselineAccumulator {
  /** `failed` says which query the entry came from (the API returns errors and successes separately). */
  add(entry: AdminLogEntry, failed: boolean): void;
  baselineOf(trigger: { readonly id: string; readonly name: string }): TriggerBaseline;
  /** Entries that named no trigger of this app. */
  readonly unattributed: () => number;
}

interface Tally {
  executions: number;
  failures: number;
  durations: number[];
  errors: Map<string, number>;
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

export function createBaselineAccumulator(): BaselineAccumulator {
  const byId = new Map<string, Tally>();
  const byName = new Map<string, Tally>();
  let unattributed = 0;
  const tallyFor = (map: Map<string, Tally>, key: string) => {
    let tally = map.get(key);
    if (!tally) map.set(key, (tally = { executions: 0, failures: 0, durations: [], errors: new Map() }));
    return tally;
  };
  const merge = (tallies: Array<Tally | undefined>): Tally => {
    const merged: Tally = { executions: 0, failures: 0, durations: [], errors: new Map() };
    for (const tally of tallies) {
      if (!tally) continue;
      merged.executions += tally.executions;
      merged.failures += tally.failures;
      for (const duration of tally.durations) merged.durations.push(duration);
      for (const [message, count] of tally.errors) merged.errors.set(message, (merged.errors.get(message) ?? 0) + count);
    }
    return merged;
  };
  return {
    add(entry, failed) {
      const id = entry.event_subscription_id ?? undefined;
      const name = entry.event_subscription_name ?? undefined;
      if (!id && !name) {
        unattributed += 1;
        return;
      }
      // An entry carrying the trigger id is attributed by id; name only when the id is missing.
      const tally = id ? tallyFor(byId, id) : tallyFor(byName, name!);
      tally.executions += 1;
      if (failed) {
        tally.failures += 1;
        const message = (entry.error || entry.error_code || '(no error message)').replace(/\s+/g, ' ').trim().slice(0, ERROR_MESSAGE_LENGTH);
        const key = tally.errors.has(message) || tally.errors.size < DISTINCT_ERRORS ? message : '(other errors)';
        tally.errors.set(key, (tally.errors.get(key) ?? 0) + 1);
      }
      const started = entry.started ? Date.parse(entry.started) : NaN;
      const completed = entry.completed ? Date.parse(entry.completed) : NaN;
      if (Number.isFinite(started) && Number.isFinite(completed) && completed >= started) tally.durations.push(completed - started);
    },
    baselineOf(trigger) {
      const tally = merge([byId.get(trigger.id), byName.get(trigger.name)]);
      const durations = [...tally.durations].sort((a, b) => a - b);
      const topErrors = [...tally.errors.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, TOP_ERRORS)
        .map(([message, count]) => ({ message, count }));
      return { executions: tally.executions, failures: tally.failures, p50_ms: percentile(durations, 50), p95_ms: percentile(durations, 95), top_errors: topErrors };
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
