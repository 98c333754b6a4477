import { compareRows, fieldPattern, type DifferenceKind, type Tolerances } from './compare';

/**
 * The compare step of shadow validation: each pair of rows through `compareRows`, each row missing
 * on one side, counted, and every discrepancy handed to a sink (which persists it, or not). Memory
 * stays flat: counters, and at most FIELD_STATS_LIMIT differing field patterns.
 */

export type MissingKind = 'missing_on_stream' | 'missing_on_trigger';

export interface FieldCount {
  readonly field: string;
  readonly count: number;
  readonly kinds: Readonly<Partial<Record<DifferenceKind, number>>>;
}

export interface TallyCounts {
  readonly rowsExamined: number;
  readonly rowsMatching: number;
  readonly rowsWithDifferences: number;
  readonly missingOnStream: number;
  readonly missingOnTrigger: number;
}

/** Where each discrepancy goes: `field` and the values are null for a missing row. */
export interface DiscrepancySink {
  record(key: string, kind: DifferenceKind | MissingKind, field: string | null, triggerValue: unknown, streamValue: unknown): Promise<void>;
}

export interface Tally {
  /** A row both sides have. */
  compare(key: string, triggerRow: Readonly<Record<string, unknown>>, streamRow: Readonly<Record<string, unknown>>): Promise<void>;
  /** A row one side lacks. */
  missing(key: string, kind: MissingKind): Promise<void>;
  counts(): TallyCounts;
  /** Most differing fields first; array elements grouped (`items[].sku`). */
  fields(): FieldCount[];
}

/** Differing field patterns counted one by one; any further pattern counts as `(other fields)`. */
export const FIELD_STATS_LIMIT = 10_000;
export const OTHER_FIELDS = '(other fields)';

export function createTally(comparedColumns: readonly string[], tolerances: Tolerances, sink: DiscrepancySink): Tally {
  const counts = { rowsExamined: 0, rowsMatching: 0, rowsWithDifferences: 0, missingOnStream: 0, missingOnTrigger: 0 };
  const fieldStats = new Map<string, { count: number; kinds: Partial<Record<DifferenceKind, number>> }>();
  const countField = (field: string, kind: DifferenceKind) => {
    const pattern = fieldPattern(field);
    const key = fieldStats.has(pattern) || fieldStats.size < FIELD_STATS_LIMIT ? pattern : OTHER_FIELDS;
    const entry = fieldStats.get(key) ?? { count: 0, kinds: {} };
    entry.count += 1;
    entry.kinds[kind] = (entry.kinds[kind] ?? 0) + 1;
    fieldStats.set(key, entry);
  };
  return {
    async compare(key, triggerRow, streamRow) {
      counts.rowsExamined += 1;
      const differences = compareRows(triggerRow, streamRow, comparedColumns, tolerances);
      if (differences.length === 0) {
        counts.rowsMatching += 1;
        return;
      }
      counts.rowsWithDifferences += 1;
      for (const difference of differences) {
        countField(difference.field, difference.kind);
        await sink.record(key, difference.kind, difference.field, difference.trigger, difference.stream);
      }
    },
    async missing(key, kind) {
      counts.rowsExamined += 1;
      if (kind === 'missing_on_stream') counts.missingOnStream += 1;
      else counts.missingOnTrigger += 1;
      await sink.record(key, kind, null, null, null);
    },
    counts: () => ({ ...counts }),
    fields: () =>
      [...fieldStats.entries()].map(([field, entry]) => ({ field, count: entry.count, kinds: entry.kinds })).sort((a, b) => b.count - a.count || a.field.localeCompare(b.field)),
  };
}
