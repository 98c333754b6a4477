import { relaxedJson, strictJson, type BsonDocument, type BsonValue } from '../connectors/contracts/bson';

/**
 * Change events exactly as the Debezium MongoDB connector 3.5 writes them with the JSON converter and
 * schemas enabled: key `{id}` (the `_id` as bson RELAXED JSON), value `{before, after,
 * updateDescription, source, op, ts_ms, transaction}` with `after` as bson STRICT JSON text (dates as
 * `{"$date": <ms>}`, Int64 as `{"$numberLong": "…"}`, doubles as Java prints them). The schemas are the
 * ones the real source wrote for the stand-in, byte for byte. This is a REPLAY of Debezium's format
 * for environments without MongoDB, not MongoDB (README, "The local runtime").
 */
export type MongoDocument = BsonDocument & { readonly _id: BsonValue };

const JSON_FIELD = (field: string) => ({ type: 'string', optional: true, name: 'io.debezium.data.Json', version: 1, field });

function keySchema(topic: string) {
  return { type: 'struct', fields: [{ type: 'string', optional: false, field: 'id' }], optional: false, name: `${topic}.Key` };
}

const field = (type: string, name: string, optional: boolean) => ({ type, optional, field: name });

const SOURCE_SCHEMA = {
  type: 'struct',
  fields: [
    field('string', 'version', false),
    field('string', 'connector', false),
    field('string', 'name', false),
    field('int64', 'ts_ms', false),
    {
      type: 'string',
      optional: true,
      name: 'io.debezium.data.Enum',
      version: 1,
      parameters: { allowed: 'true,first,first_in_data_collection,last_in_data_collection,last,false,incremental' },
      default: 'false',
      field: 'snapshot',
    },
    field('string', 'db', false),
    field('string', 'sequence', true),
    field('int64', 'ts_us', true),
    field('int64', 'ts_ns', true),
    field('string', 'collection', false),
    field('int32', 'ord', false),
    field('string', 'lsid', true),
    field('int64', 'txnNumber', true),
    field('int64', 'wallTime', true),
  ],
  optional: false,
  name: 'io.debezium.connector.mongo.Source',
  version: 1,
  field: 'source',
};

const UPDATE_DESCRIPTION_SCHEMA = {
  type: 'struct',
  fields: [
    { type: 'array', items: { type: 'string', optional: false }, optional: true, field: 'removedFields' },
    JSON_FIELD('updatedFields'),
    {
      type: 'array',
      items: {
        type: 'struct',
        fields: [field('string', 'field', false), field('int32', 'size', false)],
        optional: false,
        name: 'io.debezium.connector.mongodb.changestream.truncatedarray',
        version: 1,
      },
      optional: true,
      field: 'truncatedArrays',
    },
  ],
  optional: true,
  name: 'io.debezium.connector.mongodb.changestream.updatedescription',
  version: 1,
  field: 'updateDescription',
};

const TRANSACTION_SCHEMA = {
  type: 'struct',
  fields: [field('string', 'id', false), field('int64', 'total_order', false), field('int64', 'data_collection_order', false)],
  optional: true,
  name: 'event.block',
  version: 1,
  field: 'transaction',
};

function valueSchema(topic: string) {
  return {
    type: 'struct',
    fields: [JSON_FIELD('before'), JSON_FIELD('after'), UPDATE_DESCRIPTION_SCHEMA, SOURCE_SCHEMA, field('string', 'op', true), field('int64', 'ts_ms', true), TRANSACTION_SCHEMA],
    optional: false,
    name: `${topic}.Envelope`,
  };
}

/** Serialized once per topic: a record's schema text is the same for every record of it. */
const schemaTexts = new Map<string, { key: string; value: string }>();
function schemasOf(topic: string): { key: string; value: string } {
  let texts = schemaTexts.get(topic);
  if (!texts) schemaTexts.set(topic, (texts = { key: JSON.stringify(keySchema(topic)), value: JSON.stringify(valueSchema(topic)) }));
  return texts;
}

export interface EventContext {
  /** Debezium `topic.prefix`. */
  readonly topicPrefix: string;
  readonly database: string;
  readonly collection: string;
  /** When the change happened at the source (ms since epoch): `source.ts_ms` (MongoDB's wallTime). */
  readonly timestampMs: number;
  /** The change's ordinal within its source time (the clusterTime increment), `source.ord`. @default 1 */
  readonly ordinal?: number;
  /** When Debezium read it: the envelope's `ts_ms`. @default timestampMs */
  readonly eventTsMs?: number;
  /** Debezium version reported in `source.version`. @default '3.5.0.Final' */
  readonly debeziumVersion?: string;
}

export type ChangeOperation =
  | { readonly kind: 'insert'; readonly document: MongoDocument }
  /**
   * A document read by the initial snapshot (op "r"). `marker` is `source.snapshot`, Debezium's
   * SnapshotRecord for one collection: `first` on the snapshot's first record, `last` on its last,
   * `true` between. @default 'true'
   */
  | { readonly kind: 'snapshot'; readonly document: MongoDocument; readonly marker?: 'first' | 'true' | 'last' }
  /** An update with change_streams_update_full: `after` is the full document looked up. */
  | { readonly kind: 'update'; readonly document: MongoDocument; readonly updatedFields: BsonDocument; readonly removedFields?: readonly string[] }
  /** A replace is reported by Debezium as op "u" without an updateDescription. */
  | { readonly kind: 'replace'; readonly document: MongoDocument }
  | { readonly kind: 'delete'; readonly id: BsonValue };

export interface KafkaRecord {
  readonly topic: string;
  readonly key: string;
  /** null: a tombstone. */
  readonly value: string | null;
}

export function topicOf(context: Pick<EventContext, 'topicPrefix' | 'database' | 'collection'>): string {
  return `${context.topicPrefix}.${context.database}.${context.collection}`;
}

export function keyOf(topic: string, id: BsonValue): string {
  return `{"schema":${schemasOf(topic).key},"payload":${JSON.stringify({ id: relaxedJson(id) })}}`;
}

const OPERATIONS = { insert: 'c', snapshot: 'r', update: 'u', replace: 'u', delete: 'd' } as const;

function payloadOf(context: EventContext, operation: ChangeOperation) {
  const ms = context.timestampMs;
  return {
    before: null,
    after: operation.kind === 'delete' ? null : strictJson(operation.document),
    updateDescription:
      operation.kind === 'update'
        ? { removedFields: operation.removedFields?.length ? [...operation.removedFields] : null, updatedFields: relaxedJson(operation.updatedFields), truncatedArrays: null }
        : null,
    source: {
      version: context.debeziumVersion ?? '3.5.0.Final',
      connector: 'mongodb',
      name: context.topicPrefix,
      ts_ms: ms,
      snapshot: operation.kind === 'snapshot' ? (operation.marker ?? 'true') : 'false',
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
    op: OPERATIONS[operation.kind],
    ts_ms: context.eventTsMs ?? ms,
    transaction: null,
  };
}

/** One change → the records Debezium writes: the event, plus a tombstone after a delete. */
export function changeEventRecords(context: EventContext, operation: ChangeOperation): KafkaRecord[] {
  const topic = topicOf(context);
  const key = keyOf(topic, operation.kind === 'delete' ? operation.id : operation.document._id);
  const records: KafkaRecord[] = [{ topic, key, value: `{"schema":${schemasOf(topic).value},"payload":${JSON.stringify(payloadOf(context, operation))}}` }];
  if (operation.kind === 'delete') records.push({ topic, key, value: null });
  return records;
}
