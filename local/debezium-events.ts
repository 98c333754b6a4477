/**
 * Change events in the exact envelope the Debezium MongoDB connector (3.x) emits with the JSON
 * converter and schemas enabled: key `{id}` (the document's _id as extended JSON), value
 * `{before, after, updateDescription, source, op, ts_ms, transaction}` where `before`/`after` are
 * extended-JSON strings. This is a REPLAY of Debezium's format for environments without MongoDB,
 * not MongoDB: see Debezium's documentation/modules/ROOT/pages/connectors/mongodb.adoc.
 */

/** A number that Debezium (relaxed extended JSON) prints as a double, with a decimal point. */
export class Double {
  constructor(readonly value: number) {}
}

export type DocumentValue = string | number | boolean | null | Date | Double | DocumentValue[] | { [key: string]: DocumentValue };
export type MongoDocument = { _id: string } & { [key: string]: DocumentValue };

/** Relaxed extended JSON as the MongoDB Java driver writes it (dates as {"$date": ISO}). */
export function toExtendedJson(value: DocumentValue): string {
  if (value === null) return 'null';
  if (value instanceof Date) return `{"$date": ${JSON.stringify(value.toISOString())}}`;
  if (value instanceof Double) return Number.isInteger(value.value) ? `${value.value}.0` : String(value.value);
  if (Array.isArray(value)) return `[${value.map(toExtendedJson).join(', ')}]`;
  if (typeof value === 'object') return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${toExtendedJson(item)}`).join(', ')}}`;
  if (typeof value === 'number' && !Number.isInteger(value)) return String(value);
  return JSON.stringify(value);
}

const JSON_STRING = { type: 'string', optional: true, name: 'io.debezium.data.Json', version: 1 } as const;

function keySchema(topic: string) {
  return { type: 'struct', name: `${topic}.Key`, optional: false, fields: [{ type: 'string', optional: false, field: 'id' }] };
}

const SOURCE_SCHEMA = {
  type: 'struct',
  optional: false,
  name: 'io.debezium.connector.mongo.Source',
  field: 'source',
  fields: [
    { type: 'string', optional: false, field: 'version' },
    { type: 'string', optional: false, field: 'connector' },
    { type: 'string', optional: false, field: 'name' },
    { type: 'int64', optional: false, field: 'ts_ms' },
    { type: 'string', optional: true, name: 'io.debezium.data.Enum', version: 1, parameters: { allowed: 'true,first,first_in_data_collection,last_in_data_collection,last,false,incremental' }, default: 'false', field: 'snapshot' },
    { type: 'string', optional: false, field: 'db' },
    { type: 'string', optional: true, field: 'sequence' },
    { type: 'int64', optional: true, field: 'ts_us' },
    { type: 'int64', optional: true, field: 'ts_ns' },
    { type: 'string', optional: false, field: 'collection' },
    { type: 'int32', optional: false, field: 'ord' },
    { type: 'string', optional: true, field: 'lsid' },
    { type: 'int64', optional: true, field: 'txnNumber' },
    { type: 'int64', optional: true, field: 'wallTime' },
  ],
};

function valueSchema(topic: string) {
  return {
    type: 'struct',
    optional: false,
    name: `${topic}.Envelope`,
    fields: [
      { ...JSON_STRING, field: 'before' },
      { ...JSON_STRING, field: 'after' },
      {
        type: 'struct',
        optional: true,
        name: 'io.debezium.connector.mongodb.changestream.updatedescription',
        field: 'updateDescription',
        fields: [
          { type: 'array', items: { type: 'string', optional: false }, optional: true, field: 'removedFields' },
          { ...JSON_STRING, field: 'updatedFields' },
          {
            type: 'array',
            optional: true,
            field: 'truncatedArrays',
            items: { type: 'struct', optional: false, name: 'io.debezium.connector.mongodb.changestream.truncatedarray', fields: [{ type: 'string', optional: false, field: 'field' }, { type: 'int32', optional: false, field: 'size' }] },
          },
        ],
      },
      SOURCE_SCHEMA,
      { type: 'string', optional: true, field: 'op' },
      { type: 'int64', optional: true, field: 'ts_ms' },
      {
        type: 'struct',
        optional: true,
        name: 'event.block',
        version: 1,
        field: 'transaction',
        fields: [
          { type: 'string', optional: false, field: 'id' },
          { type: 'int64', optional: false, field: 'total_order' },
          { type: 'int64', optional: false, field: 'data_collection_order' },
        ],
      },
    ],
  };
}

export interface EventContext {
  /** Debezium `topic.prefix`. */
  readonly topicPrefix: string;
  readonly database: string;
  readonly collection: string;
  /** When the change happened at the source (ms since epoch). */
  readonly timestampMs: number;
  /** Position within the same second (the change stream's ordinal). @default 1 */
  readonly ordinal?: number;
  /** Debezium version reported in `source.version`. @default '3.5.0.Final' */
  readonly debeziumVersion?: string;
}

export type ChangeOperation =
  | { readonly kind: 'insert'; readonly document: MongoDocument }
  | { readonly kind: 'snapshot'; readonly document: MongoDocument }
  /** An update with change_streams_update_full: `after` is the full document looked up. */
  | { readonly kind: 'update'; readonly document: MongoDocument; readonly updatedFields: Readonly<Record<string, DocumentValue>>; readonly removedFields?: readonly string[] }
  /** A replace is reported by Debezium as op "u" without an updateDescription. */
  | { readonly kind: 'replace'; readonly document: MongoDocument }
  | { readonly kind: 'delete'; readonly id: string };

export interface KafkaRecord {
  readonly topic: string;
  readonly key: string;
  /** null: a tombstone. */
  readonly value: string | null;
}

export function topicOf(context: EventContext): string {
  return `${context.topicPrefix}.${context.database}.${context.collection}`;
}

function key(topic: string, id: string): string {
  return JSON.stringify({ schema: keySchema(topic), payload: { id: toExtendedJson(id) } });
}

/** One change → the records Debezium writes: the event, plus a tombstone after a delete. */
export function changeEventRecords(context: EventContext, operation: ChangeOperation): KafkaRecord[] {
  const topic = topicOf(context);
  const id = operation.kind === 'delete' ? operation.id : operation.document._id;
  const ms = context.timestampMs;
  const op = { insert: 'c', snapshot: 'r', update: 'u', replace: 'u', delete: 'd' }[operation.kind];
  const payload = {
    before: null,
    after: operation.kind === 'delete' ? null : toExtendedJson(operation.document),
    updateDescription:
      operation.kind === 'update'
        ? { removedFields: operation.removedFields?.length ? [...operation.removedFields] : null, updatedFields: toExtendedJson(operation.updatedFields as { [key: string]: DocumentValue }), truncatedArrays: null }
        : null,
    source: {
      version: context.debeziumVersion ?? '3.5.0.Final',
      connector: 'mongodb',
      name: context.topicPrefix,
      ts_ms: ms,
      snapshot: operation.kind === 'snapshot' ? 'true' : 'false',
      db: context.database,
      sequence: null,
      ts_us: ms * 1000,
      ts_ns: ms * 1_000_000,
      collection: context.collection,
      ord: context.ordinal ?? 1,
      lsid: null,
      txnNumber: null,
      wallTime: operation.kind === 'snapshot' ? null : ms,
    },
    op,
    ts_ms: ms,
    transaction: null,
  };
  const records: KafkaRecord[] = [{ topic, key: key(topic, id), value: JSON.stringify({ schema: valueSchema(topic), payload }) }];
  if (operation.kind === 'delete') records.push({ topic, key: key(topic, id), value: null });
  return records;
}
