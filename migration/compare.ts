/**
 * Field-by-field comparison of a trigger-side row with its stream-side twin, with tolerances.
 * Pure. Values arrive as the pg driver gives them (timestamps as Date, numerics as numbers, json
 * and jsonb as parsed values); text that holds a JSON document is compared as JSON, and MongoDB
 * Extended JSON wrappers ({"$date": …}, {"$numberDecimal": …}, {"$oid": …}) are read as the value
 * they wrap, so that both paths' ways of writing one document compare equal.
 */
export interface Tolerances {
  /** Two timestamps this close are equal. @default 1000 (±1 s) */
  readonly timestampMs: number;
  /** Two numbers within this fraction of the larger magnitude are equal. @default 0.01 (±1 %) */
  readonly numericRelative: number;
}

export const DEFAULT_TOLERANCES: Tolerances = { timestampMs: 1000, numericRelative: 0.01 };

export type DifferenceKind = 'value' | 'type' | 'missing_field';

export interface FieldDifference {
  /** `column`, `column.nested.field`, `column.items[2].sku`. */
  readonly field: string;
  readonly kind: DifferenceKind;
  readonly trigger: unknown;
  readonly stream: unknown;
}

type Normalised =
  | { readonly type: 'null' }
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'timestamp'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'bytes'; readonly value: string }
  | { readonly type: 'array'; readonly value: readonly unknown[] }
  | { readonly type: 'object'; readonly value: Readonly<Record<string, unknown>> };

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;
const MAX_DEPTH = 32;

function extendedJson(value: Readonly<Record<string, unknown>>): Normalised | undefined {
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const inner = value[keys[0]!];
  switch (keys[0]) {
    case '$date': {
      const raw = inner && typeof inner === 'object' && '$numberLong' in (inner as object) ? Number((inner as { $numberLong: string }).$numberLong) : inner;
      const time = typeof raw === 'number' ? raw : typeof raw === 'string' ? Date.parse(raw) : NaN;
      return Number.isFinite(time) ? { type: 'timestamp', value: time } : undefined;
    }
    case '$numberDecimal':
    case '$numberLong':
    case '$numberInt':
    case '$numberDouble': {
      const number = Number(inner);
      return Number.isNaN(number) ? undefined : { type: 'number', value: number };
    }
    case '$oid':
      return typeof inner === 'string' ? { type: 'string', value: inner } : undefined;
    default:
      return undefined;
  }
}

export function normalise(value: unknown): Normalised {
  if (value === null || value === undefined) return { type: 'null' };
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? { type: 'string', value: String(value) } : { type: 'timestamp', value: value.getTime() };
  if (typeof value === 'number') return { type: 'number', value };
  if (typeof value === 'bigint') return { type: 'number', value: Number(value) };
  if (typeof value === 'boolean') return { type: 'boolean', value };
  if (Buffer.isBuffer(value)) return { type: 'bytes', value: value.toString('hex') };
  if (Array.isArray(value)) return { type: 'array', value };
  if (typeof value === 'object') return extendedJson(value as Record<string, unknown>) ?? { type: 'object', value: value as Record<string, unknown> };
  const text = String(value);
  const first = text.trimStart()[0];
  if (first === '{' || first === '[') {
    try {
      return normalise(JSON.parse(text));
    } catch {
      // not JSON after all: compared as text
    }
  }
  return { type: 'string', value: text };
}

function asTimestamp(value: Normalised): number | undefined {
  if (value.type === 'timestamp') return value.value;
  if (value.type === 'string' && ISO_TIMESTAMP.test(value.value)) {
    // PostgreSQL prints a timestamptz's offset as `+00`, which Date.parse refuses: made `+00:00`.
    const iso = (value.value.includes('T') ? value.value : value.value.replace(' ', 'T')).replace(/([+-]\d{2})$/, '$1:00');
    const time = Date.parse(iso);
    return Number.isNaN(time) ? undefined : time;
  }
  return undefined;
}

/** The raw value as it may be stored and shown: JSON for structures, ISO for timestamps. */
export function display(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  if (typeof value === 'bigint') return value.toString();
  return value;
}

export function numbersEqual(a: number, b: number, relative: number): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= relative * Math.max(Math.abs(a), Math.abs(b));
}

function differ(out: FieldDifference[], field: string, kind: DifferenceKind, triggerValue: unknown, streamValue: unknown): void {
  out.push({ field, kind, trigger: display(triggerValue), stream: display(streamValue) });
}

function compareValues(triggerValue: unknown, streamValue: unknown, field: string, tolerances: Tolerances, out: FieldDifference[], depth: number): void {
  const a = normalise(triggerValue);
  const b = normalise(streamValue);
  if (a.type === 'null' && b.type === 'null') return;
  if (a.type === 'null' || b.type === 'null') return differ(out, field, 'value', triggerValue, streamValue);
  // Both timestamps, or a timestamp inside JSON written as ISO text by one side and {"$date"} by the other.
  const timeA = asTimestamp(a);
  const timeB = asTimestamp(b);
  if ((a.type === 'timestamp' || b.type === 'timestamp') && a.type !== b.type) {
    if (depth === 0 || timeA === undefined || timeB === undefined) return differ(out, field, 'type', triggerValue, streamValue);
  }
  if (timeA !== undefined && timeB !== undefined && (a.type === 'timestamp' || b.type === 'timestamp' || (a.type === 'string' && b.type === 'string'))) {
    if (Math.abs(timeA - timeB) > tolerances.timestampMs) differ(out, field, 'value', triggerValue, streamValue);
    return;
  }
  if (a.type !== b.type) return differ(out, field, 'type', triggerValue, streamValue);
  switch (a.type) {
    case 'number':
      if (!numbersEqual(a.value, (b as typeof a).value, tolerances.numericRelative)) differ(out, field, 'value', triggerValue, streamValue);
      return;
    case 'string':
    case 'boolean':
    case 'bytes':
      if (a.value !== (b as typeof a).value) differ(out, field, 'value', triggerValue, streamValue);
      return;
    case 'array': {
      const other = (b as typeof a).value;
      if (depth >= MAX_DEPTH) {
        if (JSON.stringify(a.value) !== JSON.stringify(other)) differ(out, field, 'value', triggerValue, streamValue);
        return;
      }
      for (let index = 0; index < Math.max(a.value.length, other.length); index += 1) {
        const path = `${field}[${index}]`;
        if (index >= a.value.length || index >= other.length) {
          out.push({ field: path, kind: 'missing_field', trigger: display(a.value[index]), stream: display(other[index]) });
        } else compareValues(a.value[index], other[index], path, tolerances, out, depth + 1);
      }
      return;
    }
    case 'object': {
      const other = (b as typeof a).value;
      if (depth >= MAX_DEPTH) {
        if (JSON.stringify(a.value) !== JSON.stringify(other)) differ(out, field, 'value', triggerValue, streamValue);
        return;
      }
      const keys = new Set([...Object.keys(a.value), ...Object.keys(other)]);
      for (const key of [...keys].sort()) {
        const path = `${field}.${key}`;
        const inA = Object.prototype.hasOwnProperty.call(a.value, key);
        const inB = Object.prototype.hasOwnProperty.call(other, key);
        if (inA !== inB) {
          const present = inA ? a.value[key] : other[key];
          // A field absent on one side and null on the other is the same document for a reader.
          if (present !== null && present !== undefined) out.push({ field: path, kind: 'missing_field', trigger: display(a.value[key]), stream: display(other[key]) });
        } else compareValues(a.value[key], other[key], path, tolerances, out, depth + 1);
      }
      return;
    }
  }
}

/** Every difference between two rows over `columns` (a column missing from a row reads as NULL). */
export function compareRows(
  triggerRow: Readonly<Record<string, unknown>>,
  streamRow: Readonly<Record<string, unknown>>,
  columns: readonly string[],
  tolerances: Tolerances = DEFAULT_TOLERANCES,
): FieldDifference[] {
  const out: FieldDifference[] = [];
  for (const column of columns) compareValues(triggerRow[column], streamRow[column], column, tolerances, out, 0);
  return out;
}

/** `items[3].sku` → `items[].sku`, so that "the fields that differ most" group array elements. */
export function fieldPattern(field: string): string {
  return field.replace(/\[\d+\]/g, '[]');
}
