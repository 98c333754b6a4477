import { rawChangeEventChain, transformChain } from '../../../../connectors/catalog/transforms';
import { validateConnectorJson } from '../../../../connectors/validate';

const KAFKA = 'org.apache.kafka.connect.transforms';

/** The warehouse sink of the orders pipeline, with the transform chain under test. */
const warehouseSink = (chain: Record<string, string>) => ({
  name: 'cdc-app-db-orders-warehouse-sink',
  config: {
    'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector',
    topics: 'cdc.app_db.orders',
    'connection.url': 'jdbc:postgresql://warehouse:5432/bi',
    'connection.username': 'cdc_writer',
    'connection.password': '${file:/etc/connect-secrets/warehouse.properties:password}',
    'insert.mode': 'upsert',
    'primary.key.mode': 'record_key',
    'delete.enabled': 'true',
    ...chain,
  },
});

/** Each issue of the chain as `severity field: message`. */
const chainIssues = (chain: Record<string, string>) => validateConnectorJson(warehouseSink(chain)).map((issue) => `${issue.severity} ${issue.field}: ${issue.message}`);

describe('transforms: ExtractNewRecordState options removed in Debezium 3.2', () => {
  const unwrap = (options: Record<string, string>) =>
    chainIssues(transformChain([{ alias: 'unwrap', type: 'io.debezium.transforms.ExtractNewRecordState', options }]));
  const REMOVED = '(the old keys were removed in Debezium 3.2, DBZ-6068, and are ignored: without the new key the SMT uses its default, "tombstone", which keeps only the tombstone of each delete)';

  it('names drop, the meaning of drop.tombstones=true alone (delete.handling.mode defaulted to drop)', () => {
    expect(unwrap({ 'drop.tombstones': 'true' })).toEqual([
      `error transforms.unwrap.drop.tombstones: is no longer supported by ExtractNewRecordState: use delete.tombstone.handling.mode=drop ${REMOVED}`,
    ]);
  });

  it('says to remove the old keys once the new one is set', () => {
    expect(unwrap({ 'drop.tombstones': 'false', 'delete.tombstone.handling.mode': 'rewrite-with-tombstone' })).toEqual([
      'error transforms.unwrap.drop.tombstones: is no longer supported by ExtractNewRecordState: use delete.tombstone.handling.mode alone (removed in Debezium 3.2, DBZ-6068: it is ignored; remove it)',
    ]);
  });

  it('says when the old pair has no equivalent: tombstones kept while deletes pass unchanged', () => {
    const advice = 'use delete.tombstone.handling.mode (removed in Debezium 3.2, DBZ-6068, and ignored; drop.tombstones=false with delete.handling.mode=none has no equivalent)';
    expect(unwrap({ 'drop.tombstones': 'false', 'delete.handling.mode': 'none' })).toEqual([
      `error transforms.unwrap.drop.tombstones: is no longer supported by ExtractNewRecordState: ${advice}`,
      `error transforms.unwrap.delete.handling.mode: is no longer supported by ExtractNewRecordState: ${advice}`,
    ]);
  });

  it('names add.headers and add.fields for operation.header and add.source.fields', () => {
    expect(unwrap({ 'operation.header': 'true', 'add.source.fields': 'ts_ms,ord' })).toEqual([
      'error transforms.unwrap.operation.header: is no longer supported by ExtractNewRecordState: use add.headers=op',
      'error transforms.unwrap.add.source.fields: is no longer supported by ExtractNewRecordState: use add.fields=source.<field>,…',
    ]);
  });
});

describe('transforms: Kafka transforms, as they parse their options', () => {
  it('names include and exclude for the whitelist and blacklist Kafka 4.0 removed', () => {
    const keep = transformChain([{ alias: 'keep', type: `${KAFKA}.ReplaceField$Value`, options: { whitelist: 'after,op', blacklist: 'source' } }]);
    expect(chainIssues(keep)).toEqual([
      'error transforms.keep.blacklist: is no longer supported by ReplaceField$Value: use exclude (removed in Kafka 4.0)',
      'error transforms.keep.whitelist: is no longer supported by ReplaceField$Value: use include (removed in Kafka 4.0)',
    ]);
  });

  it.each(['after:doc_text', 'after:doc_text, op:__op', 'ts_ms:__event_ts_ms,source_ord:__source_ord'])('takes ReplaceField renames %j', (renames) => {
    expect(chainIssues(transformChain([{ alias: 'pick', type: `${KAFKA}.ReplaceField$Value`, options: { renames } }]))).toEqual([]);
  });

  it.each(['after', 'after:doc_text,op', 'after:doc:text', 'after:doc_text, :op', 'after:'])('refuses ReplaceField renames %j', (renames) => {
    expect(chainIssues(transformChain([{ alias: 'pick', type: `${KAFKA}.ReplaceField$Value`, options: { renames } }]))).toEqual([
      'error transforms.pick.renames: must be a list of old:new pairs',
    ]);
  });

  it.each(['string', 'doc_text:string', 'doc_text: string', 'doc_text:string , __source_ts_ms:int64', 'total:FLOAT64,paid:boolean'])('takes the Cast spec %j', (spec) => {
    expect(chainIssues(transformChain([{ alias: 'text', type: `${KAFKA}.Cast$Value`, options: { spec } }]))).toEqual([]);
  });

  it.each(['doc_text:text', 'doc_text:string,count:uint64', 'doc_text:string(255)', 'decimal', 'doc_text:string,'])('refuses the Cast spec %j', (spec) => {
    expect(chainIssues(transformChain([{ alias: 'text', type: `${KAFKA}.Cast$Value`, options: { spec } }]))).toEqual([
      'error transforms.text.spec: must be a type, or field:type pairs, with types among int8, int16, int32, int64, float32, float64, boolean, string',
    ]);
  });

  it('needs a format for a string target, even an empty one, as TimestampConverter refuses to start without it', () => {
    const timestamp = (options: Record<string, string>) => chainIssues(transformChain([{ alias: 'ts', type: `${KAFKA}.TimestampConverter$Value`, options: { field: 'created_at', ...options } }]));
    expect(timestamp({ 'target.type': 'string', format: '' })).toEqual(['error transforms.ts.format: is required when target.type is "string" (TimestampConverter refuses to start without it)']);
    expect(timestamp({ 'target.type': 'string', format: "yyyy-MM-dd'T'HH:mm:ss.SSSX" })).toEqual([]);
    expect(timestamp({ 'target.type': 'unix' })).toEqual([]);
  });

  it('needs as many HeaderFrom headers as fields', () => {
    const headers = (fields: string, names: string) => chainIssues(transformChain([{ alias: 'hdr', type: `${KAFKA}.HeaderFrom$Value`, options: { operation: 'copy', fields, headers: names } }]));
    expect(headers('_id,source.ts_ms', 'document_id,source_ts_ms')).toEqual([]);
    expect(headers('_id,source.ts_ms', 'document_id')).toEqual(['error transforms.hdr.headers: must name as many headers as fields names fields']);
    expect(headers('_id', 'document_id,source_ts_ms')).toEqual(['error transforms.hdr.headers: must name as many headers as fields names fields']);
  });

  it('says which HeaderFrom option is missing, once', () => {
    expect(chainIssues(transformChain([{ alias: 'hdr', type: `${KAFKA}.HeaderFrom$Key`, options: { operation: 'move', fields: '_id' } }]))).toEqual([
      'error transforms.hdr.headers: is required',
    ]);
  });
});

describe('transforms: transformChain, a chain as Connect config', () => {
  it('writes nothing for no step, not an empty transforms list', () => {
    expect(transformChain([])).toEqual({});
  });

  it('lists the aliases in order, each with its type and options under its prefix', () => {
    expect(
      transformChain([
        { alias: 'unwrap', type: 'io.debezium.connector.mongodb.transforms.ExtractNewDocumentState', options: { 'array.encoding': 'document', 'add.fields': 'op,source.ts_ms' } },
        { alias: 'route', type: `${KAFKA}.RegexRouter`, options: { regex: 'cdc\\.app_db\\.(.*)', replacement: 'warehouse.$1' } },
        { alias: 'insertedAt', type: `${KAFKA}.InsertField$Value` },
      ]),
    ).toEqual({
      transforms: 'unwrap,route,insertedAt',
      'transforms.unwrap.type': 'io.debezium.connector.mongodb.transforms.ExtractNewDocumentState',
      'transforms.unwrap.array.encoding': 'document',
      'transforms.unwrap.add.fields': 'op,source.ts_ms',
      'transforms.route.type': `${KAFKA}.RegexRouter`,
      'transforms.route.regex': 'cdc\\.app_db\\.(.*)',
      'transforms.route.replacement': 'warehouse.$1',
      'transforms.insertedAt.type': `${KAFKA}.InsertField$Value`,
    });
  });
});

describe('transforms: rawChangeEventChain, the change event as it came', () => {
  it('drops tombstones first, then renames the value and keeps only the row', () => {
    expect(rawChangeEventChain()).toEqual({
      transforms: 'tombstones,envelope,keep,flatten,pick,text',
      'transforms.tombstones.type': `${KAFKA}.Filter`,
      'transforms.tombstones.predicate': 'isTombstone',
      'transforms.envelope.type': `${KAFKA}.SetSchemaMetadata$Value`,
      'transforms.envelope.schema.name': 'cdc.mongodb.RawChangeEvent',
      'transforms.keep.type': `${KAFKA}.ReplaceField$Value`,
      'transforms.keep.include': 'after,op,source,ts_ms',
      'transforms.flatten.type': `${KAFKA}.Flatten$Value`,
      'transforms.flatten.delimiter': '_',
      'transforms.pick.type': `${KAFKA}.ReplaceField$Value`,
      'transforms.pick.include': 'after,op,source_ts_ms,source_ord,ts_ms',
      'transforms.pick.renames': 'after:doc_text,op:__op,source_ts_ms:__source_ts_ms,source_ord:__source_ord,ts_ms:__event_ts_ms',
      'transforms.text.type': `${KAFKA}.Cast$Value`,
      'transforms.text.spec': 'doc_text:string',
      predicates: 'isTombstone',
      'predicates.isTombstone.type': `${KAFKA}.predicates.RecordIsTombstone`,
    });
  });

  it('passes the gate on the warehouse sink', () => {
    expect(chainIssues(rawChangeEventChain())).toEqual([]);
  });
});
