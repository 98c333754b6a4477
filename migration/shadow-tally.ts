import { compareRows, fieldPattern, type DifferenceKind, type FieldDifference, type Tolerances } from './compare';

/**
 * The compare step of shadow validation: each pair of rows through `compareRows`, each row missing
 * on one side, counted, and every discrepancy handed to a sink (which checks it against the source,
 * persists it, or neither) with the rows it was found in. Memory stays flat: counters, and at most
 * FIELD_STATS_LIMIT differing field patterns.
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

type Row = Readonly<Record<string, unknown>>;

/** One row's discrepancy: missing on one side (no differences), or its differing fields. */
export interface RowDiscrepancy {
  readonly key: string;
  readonly kind: MissingKind | 'differences';
  /** Undefined on the side that lacks the row. */
  readonly triggerRow?: Row;
  readonly streamRow?: Row;
  readonly differences: readonly FieldDifference[];
}

/** Where each discrepancy goes. */
export interface DiscrepancySink {
  record(discrepancy: RowDiscrepancy): Promise<void>;
}

export interface Tally {
  /** A row both sides have. */
  compare(key: string, triggerRow: Row, streamRow: Row): Promise<void>;
  /** A row one side lacks; `row` is the other side's. */
  missing(key: string, kind: MissingKind, row: Row): Promise<void>;
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
      for (const difference of differences) countField(difference.field, difference.kind);
      await sink.record({ key, kind: 'differences', triggerRow, streamRow, differences });
    },
    async missing(key, kind, row) {
      counts.rowsExamined += 1;
      if (kind === 'missing_on_stream') counts.missingOnStream += 1;
      else counts.missingOnTrigger += 1;
      await sink.record({ key, kind, ...(kind === 'missing_on_stream' ? { triggerRow: row } : { streamRow: row }), differences: [] });
    },
    counts: () => ({ ...counts }),
    fields: () =>
      [...fieldStats.entries()].map(([field, entry]) => ({ field, count: entry.count, kinds: entry.kinds })).sort((a, b) => b.count - a.count || a.field.localeCompare(b.field)),
  };
}
