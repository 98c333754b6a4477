import { Double, strictJson, javaDouble, type BsonDocument, type BsonValue } from '../connectors/contracts/bson';
import { compareRows, normalise, type Tolerances } from './compare';

/**
 * Which side of a discrepancy the source collection agrees with. Pure: the rows as shadow validation
 * read them, the source's document as the collection holds it now (or none), the instant the run
 * started.
 *
 * What is compared is the document as the row holds it: its `doc` (the sink's text parsed by the
 * table's trigger), else its `doc_text` (kept when it did not parse), against the source document
 * rendered as the sink would write it (Debezium's strict JSON, the pipeline's excluded fields
 * removed, what the trigger cannot hold repaired as it repairs it). The contract's typed columns are
 * derived from that document by the table's trigger, so comparing the document decides them too,
 * without re-implementing the contract's casts here; compare.ts reads the extended-JSON wrappers
 * ($oid, $numberDecimal, $date) as the values they wrap, with the run's tolerances.
 *
 * A version is the document's `versionField` (`updated_at`, a date). The rule, per side:
 * - it agrees when it holds the source's document;
 * - it is behind when it does not, the source's version is after the run started, and the side
 *   holds an older version or no row: the change may have come after the side was read, so the side
 *   cannot be blamed (a side holding the same version with other content is wrong whatever the time);
 * - otherwise it is wrong. A document the collection no longer has leaves no version to date its
 *   deletion: a side holding a row for it is wrong, a side without one agrees.
 * The verdict: both agree → `undecided` (the rows differ outside the document, or within the
 * tolerances); a side wrong → that side (`both wrong` when both are); else a side is behind →
 * `source changed since`.
 */

export const SOURCE_VERDICTS = ['trigger-side wrong', 'stream-side wrong', 'both wrong', 'source changed since', 'undecided'] as const;
export type SourceVerdict = (typeof SOURCE_VERDICTS)[number];
export type VerdictCounts = Readonly<Record<SourceVerdict, number>>;

/** The columns a pipeline table holds its document in (warehouse/contract-sql.ts), in the order they are read. */
export const DOCUMENT_COLUMNS = ['doc', 'doc_text'] as const;

type Row = Readonly<Record<string, unknown>>;

/** The source's side of one discrepancy: its document as the sink would write it, or null when the collection has none. */
export type SourceDocument = unknown;

export interface VerdictInput {
  /** The trigger side's row; undefined when it lacks the row. */
  readonly triggerRow?: Row;
  readonly streamRow?: Row;
  /** From sourceDocument(); null when the collection has no document with this `_id`. */
  readonly source: SourceDocument | null;
  readonly startedAtMs: number;
  readonly versionField: string;
  readonly tolerances: Tolerances;
}

type Judgement = 'agrees' | 'behind' | 'wrong';

/** The document a row holds: `doc` when set, else `doc_text`; undefined when it holds none. */
export function rowDocument(row: Row): unknown {
  for (const column of DOCUMENT_COLUMNS) if (row[column] !== null && row[column] !== undefined) return row[column];
  return undefined;
}

/** A document's version in ms (its `versionField` as a date), undefined when it has none. */
export function documentVersion(document: unknown, versionField: string): number | undefined {
  const parsed = normalise(document);
  if (parsed.type !== 'object') return undefined;
  const version = normalise(parsed.value[versionField]);
  return version.type === 'timestamp' ? version.value : undefined;
}

/** As cdc.repair_json repairs what jsonb cannot hold: a non-finite double as {"$numberDouble"}, U+0000 as U+FFFD. */
function asRowHoldsIt(value: BsonValue): unknown {
  if (typeof value === 'string') return value.replace(/\u0000/g, '\ufffd');
  if (value instanceof Double && !Number.isFinite(value.value)) return { $numberDouble: javaDouble(value.value) };
  if (Array.isArray(value)) return value.map(asRowHoldsIt);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value as BsonDocument).map(([key, item]) => [key, asRowHoldsIt(item)]));
  }
  return JSON.parse(strictJson(value));
}

function withoutPath(document: unknown, path: readonly string[]): unknown {
  if (path.length === 0 || document === null || typeof document !== 'object' || Array.isArray(document)) return document;
  const [head, ...rest] = path as [string, ...string[]];
  if (!Object.prototype.hasOwnProperty.call(document, head)) return document;
  const { [head]: inner, ...others } = document as Record<string, unknown>;
  return rest.length === 0 ? others : { ...others, [head]: withoutPath(inner, rest) };
}

/** The source document as the sink would write it into a row: strict JSON values, `excludeFields` (dot paths) removed as the table's trigger removes them. */
export function sourceDocument(document: BsonDocument, excludeFields: readonly string[] = []): SourceDocument {
  return excludeFields.reduce((held, field) => withoutPath(held, field.split('.')), asRowHoldsIt(document));
}

/** Whether a row holds the source's document, by compare.ts's rules and tolerances. */
export function agreesWithSource(row: Row, source: SourceDocument, tolerances: Tolerances): boolean {
  const held = rowDocument(row);
  return held !== undefined && compareRows({ doc: held }, { doc: source }, ['doc'], tolerances).length === 0;
}

function judge(row: Row | undefined, input: VerdictInput, sourceVersion: number | undefined): Judgement {
  if (input.source === null) return row === undefined ? 'agrees' : 'wrong';
  if (row !== undefined && agreesWithSource(row, input.source, input.tolerances)) return 'agrees';
  if (sourceVersion === undefined || sourceVersion <= input.startedAtMs) return 'wrong';
  const held = row === undefined ? undefined : documentVersion(rowDocument(row), input.versionField);
  return held === undefined || held < sourceVersion ? 'behind' : 'wrong';
}

export function sourceVerdict(input: VerdictInput): SourceVerdict {
  const sourceVersion = input.source === null ? undefined : documentVersion(input.source, input.versionField);
  const trigger = judge(input.triggerRow, input, sourceVersion);
  const stream = judge(input.streamRow, input, sourceVersion);
  if (trigger === 'wrong' && stream === 'wrong') return 'both wrong';
  if (trigger === 'wrong') return 'trigger-side wrong';
  if (stream === 'wrong') return 'stream-side wrong';
  return trigger === 'agrees' && stream === 'agrees' ? 'undecided' : 'source changed since';
}

export function emptyVerdictCounts(): Record<SourceVerdict, number> {
  return Object.fromEntries(SOURCE_VERDICTS.map((verdict) => [verdict, 0])) as Record<SourceVerdict, number>;
}
