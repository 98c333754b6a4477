import { formatIssue, validateConnectorJson, type ValidationIssue } from '../../../connectors/validate';
import { generatedSecret } from '../../support/generated-secret';

const LEAKED = generatedSecret('password');

const source = (config: Record<string, unknown>) => ({
  name: 'src',
  config: {
    'connector.class': 'io.debezium.connector.mongodb.MongoDbConnector',
    'mongodb.connection.string': '${dir:/etc/connect-secrets:mongodb-uri}',
    'topic.prefix': 'cdc',
    'collection.include.list': 'app_db.orders',
    ...config,
  },
});

const sink = (config: Record<string, unknown>) => ({
  name: 'snk',
  config: {
    'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector',
    topics: 'cdc.app_db.orders',
    'connection.url': 'jdbc:postgresql://db:5432/bi',
    'connection.username': 'cdc',
    'connection.password': '${file:/etc/secrets.properties:password}',
    'insert.mode': 'upsert',
    'primary.key.mode': 'record_key',
    'delete.enabled': 'true',
    ...config,
  },
});

function errors(json: unknown, options = {}): ValidationIssue[] {
  return validateConnectorJson(json, options).filter((issue) => issue.severity === 'error');
}

function fieldsOf(issues: readonly ValidationIssue[]): string[] {
  return issues.map((issue) => issue.field);
}

describe('catalog: Debezium MongoDB source', () => {
  it('accepts a minimal valid definition', () => {
    expect(errors(source({}))).toEqual([]);
  });

  it.each([
    ['mongodb.hosts', 'rs0/mongo:27017', 'mongodb.connection.string'],
    ['mongodb.name', 'app', 'topic.prefix'],
    ['collection.whitelist', 'app_db.orders', 'collection.include.list'],
  ])('rejects the removed key %s and names its replacement', (key, value, replacement) => {
    const issues = errors(source({ [key]: value }));
    expect(fieldsOf(issues)).toContain(key);
    expect(issues.find((issue) => issue.field === key)?.message).toContain(replacement);
  });

  it('rejects a connection string carrying a literal password, and masks the password in the message', () => {
    const issues = errors(source({ 'mongodb.connection.string': `mongodb+srv://cdc:${LEAKED}@cluster0.example.net` }));
    const issue = issues.find((candidate) => candidate.field === 'mongodb.connection.string');
    expect(issue?.message).toContain('placeholder');
    expect(formatIssue(issue!)).not.toContain(LEAKED);
    expect(formatIssue(issue!)).toBe(
      "src: mongodb.connection.string: carries a credential (a password in the URL's user info): put the whole value, or the password alone, in a config-provider placeholder such as ${dir:/etc/connect-secrets:key} (got \"mongodb+srv://cdc:****@cluster0.example.net\")",
    );
  });

  it('accepts a connection string without a password as a literal (the credential is the password, not the address)', () => {
    expect(errors(source({ 'mongodb.connection.string': 'mongodb://mongodb:27017/?replicaSet=rs0', 'mongodb.user': 'cdc', 'mongodb.password': '${file:/etc/connect-secrets/mongodb.properties:password}' }))).toEqual([]);
  });

  it('rejects include and exclude lists together', () => {
    expect(fieldsOf(errors(source({ 'collection.exclude.list': 'app_db.audit' })))).toEqual(['collection.exclude.list']);
  });

  it('needs capture.target for a collection scope', () => {
    expect(fieldsOf(errors(source({ 'capture.scope': 'collection' })))).toEqual(['capture.target']);
  });

  it('needs a queue larger than the batch', () => {
    expect(fieldsOf(errors(source({ 'max.batch.size': '4096', 'max.queue.size': '2048' })))).toEqual(['max.queue.size']);
  });

  it('rejects unknown enum values with the allowed list', () => {
    const [issue] = errors(source({ 'capture.mode': 'oplog' }));
    expect(issue?.field).toBe('capture.mode');
    expect(issue?.message).toContain('change_streams_update_full');
    expect(issue?.value).toBe('oplog');
  });

  it('rejects a dead-letter queue on a source with a message saying why', () => {
    const issues = errors(source({ 'errors.deadletterqueue.topic.name': 'dlq' }));
    expect(fieldsOf(issues)).toEqual(['errors.deadletterqueue.topic.name']);
    expect(issues[0]?.message).toContain('sink connectors only');
  });

  it('rejects more than one task', () => {
    expect(fieldsOf(errors(source({ 'tasks.max': '3' })))).toEqual(['tasks.max']);
  });

  it('warns of a collection.include.list entry that can match no <database>.<collection> namespace (the connector would capture nothing from it)', () => {
    const issues = validateConnectorJson(source({ 'collection.include.list': 'orders,inventory[.]*,app_db.orders' }));
    expect(issues.map((issue) => [issue.severity, issue.field])).toEqual([
      ['warning', 'collection.include.list'],
      ['warning', 'collection.include.list'],
    ]);
    expect(issues[1]?.message).toContain('did you mean "inventory[.].*"?');
  });

  it('names the replacement of a removed enum value', () => {
    const [issue] = errors(source({ 'snapshot.mode': 'never' }));
    expect(issue?.message).toContain('"never" was removed: use no_data');
  });

  it('rejects a cursor.pipeline the plugin cannot parse, and takes one in BSON relaxed JSON', () => {
    expect(fieldsOf(errors(source({ 'cursor.pipeline': '[{"$match": {"operationType": "insert"}' })))).toEqual(['cursor.pipeline']);
    expect(errors(source({ 'cursor.pipeline': "[{$match: {operationType: 'insert'}}]" }))).toEqual([]);
  });

  it('warns of keys Debezium 1.x relational configs carry, which the MongoDB connector never reads', () => {
    const issues = validateConnectorJson(source({ 'database.history.kafka.bootstrap.servers': 'kafka:9092', 'include.schema.changes': 'false', 'database.include': 'app_db' }));
    expect(issues.map((issue) => [issue.severity, issue.field])).toEqual([
      ['warning', 'database.history.kafka.bootstrap.servers'],
      ['warning', 'include.schema.changes'],
      ['warning', 'database.include'],
    ]);
  });

  it('rejects mongodb.connection.mode=replica_set, which the plugin refuses since Debezium 2.6', () => {
    expect(fieldsOf(errors(source({ 'mongodb.connection.mode': 'replica_set' })))).toEqual(['mongodb.connection.mode']);
  });
});

describe('catalog: Debezium JDBC sink', () => {
  it('accepts a minimal valid definition', () => {
    expect(errors(sink({}))).toEqual([]);
  });

  it('rejects a literal password', () => {
    const issues = errors(sink({ 'connection.password': LEAKED }));
    expect(fieldsOf(issues)).toEqual(['connection.password']);
    expect(issues[0]?.value).toBe('****');
  });

  it('rejects upsert without a primary key mode', () => {
    expect(fieldsOf(errors(sink({ 'primary.key.mode': 'none', 'delete.enabled': 'false' })))).toEqual(['primary.key.mode']);
  });

  it('rejects deletes without record_key', () => {
    expect(fieldsOf(errors(sink({ 'primary.key.mode': 'record_value' })))).toEqual(['delete.enabled']);
  });

  it.each([
    ['table.name.format', 'orders', 'collection.name.format'],
    ['table.naming.strategy', 'io.debezium.sink.naming.DefaultCollectionNamingStrategy', 'collection.naming.strategy'],
    ['database.time_zone', 'UTC', 'use.time.zone'],
  ])('warns of the deprecated alias %s, which the sink still reads, naming %s', (key, value, replacement) => {
    const issues = validateConnectorJson(sink({ [key]: value }));
    expect(issues.map((issue) => [issue.severity, issue.field])).toEqual([['warning', key]]);
    expect(issues[0]?.message).toContain(`use ${replacement}`);
  });

  it("rejects Confluent's JDBC sink keys, which the Debezium sink never reads, naming its own", () => {
    const issues = errors(sink({ 'pk.mode': 'record_key' }));
    expect(fieldsOf(issues)).toEqual(['pk.mode']);
    expect(issues[0]?.message).toContain('use primary.key.mode');
  });

  it('reads enum values without regard to case, as the plugin does', () => {
    expect(errors(sink({ 'insert.mode': 'UPSERT', 'primary.key.mode': 'Record_Key', 'delete.enabled': 'TRUE' }))).toEqual([]);
  });

  it('needs topics or topics.regex, not both', () => {
    expect(fieldsOf(errors(sink({ 'topics.regex': 'cdc\\..*' })))).toEqual(['topics.regex']);
    const { topics: _ignored, ...withoutTopics } = sink({}).config;
    expect(fieldsOf(errors({ name: 'snk', config: withoutTopics }))).toEqual(['topics']);
  });

  it('needs errors.tolerance=all for a dead-letter queue', () => {
    expect(fieldsOf(errors(sink({ 'errors.deadletterqueue.topic.name': 'dlq' })))).toEqual(['errors.tolerance']);
  });

  it('rejects a JDBC URL that embeds a password', () => {
    expect(fieldsOf(errors(sink({ 'connection.url': 'jdbc:postgresql://db/bi?password=x' })))).toEqual(['connection.url']);
  });

  it('accepts JSON numbers and booleans from hand-written files', () => {
    expect(errors(sink({ 'batch.size': 500, 'delete.enabled': true }))).toEqual([]);
  });

  it('rejects a non-integer batch size', () => {
    expect(fieldsOf(errors(sink({ 'batch.size': 'lots' })))).toEqual(['batch.size']);
  });
});

describe('catalog: MongoDB Kafka connectors', () => {
  it('rejects a literal connection.uri on the MongoDB sink', () => {
    const json = { name: 'm', config: { 'connector.class': 'com.mongodb.kafka.connect.MongoSinkConnector', topics: 't', database: 'd', 'connection.uri': `mongodb://u:${LEAKED}@h` } };
    expect(fieldsOf(errors(json))).toEqual(['connection.uri']);
  });

  it('needs a database on the MongoDB sink', () => {
    const json = { name: 'm', config: { 'connector.class': 'com.mongodb.kafka.connect.MongoSinkConnector', topics: 't', 'connection.uri': '${env:MONGO_URI}' } };
    expect(fieldsOf(errors(json))).toEqual(['database']);
  });

  it('needs a database when the MongoDB source names a collection', () => {
    const json = { name: 'm', config: { 'connector.class': 'com.mongodb.kafka.connect.MongoSourceConnector', collection: 'orders', 'connection.uri': '${env:MONGO_URI}' } };
    expect(fieldsOf(errors(json))).toEqual(['database']);
  });

  it('rejects a pipeline that is not a JSON array', () => {
    const json = { name: 'm', config: { 'connector.class': 'com.mongodb.kafka.connect.MongoSourceConnector', pipeline: '{"$match": {}}', 'connection.uri': '${env:MONGO_URI}' } };
    expect(fieldsOf(errors(json))).toEqual(['pipeline']);
  });
});

describe('catalog: transforms and predicates', () => {
  const chain = (config: Record<string, string>) => errors(sink(config));

  it('accepts the unwrap transform with its options', () => {
    expect(chain({ transforms: 'unwrap', 'transforms.unwrap.type': 'io.debezium.connector.mongodb.transforms.ExtractNewDocumentState', 'transforms.unwrap.delete.tombstone.handling.mode': 'tombstone' })).toEqual([]);
  });

  it('rejects a removed ExtractNewDocumentState option', () => {
    expect(fieldsOf(chain({ transforms: 'unwrap', 'transforms.unwrap.type': 'io.debezium.connector.mongodb.transforms.ExtractNewDocumentState', 'transforms.unwrap.drop.tombstones': 'false' }))).toEqual(['transforms.unwrap.drop.tombstones']);
  });

  it('rejects an alias without a type and an unknown type', () => {
    expect(fieldsOf(chain({ transforms: 'a,b', 'transforms.b.type': 'com.example.Nope' }))).toEqual(['transforms.a.type', 'transforms.b.type']);
  });

  it('rejects a RegexRouter without a regex', () => {
    expect(fieldsOf(chain({ transforms: 'route', 'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter', 'transforms.route.replacement': 'x' }))).toEqual(['transforms.route.regex']);
  });

  it('rejects a Filter without a predicate (it would drop every record)', () => {
    const issues = chain({ transforms: 'drop', 'transforms.drop.type': 'org.apache.kafka.connect.transforms.Filter' });
    expect(fieldsOf(issues)).toEqual(['transforms.drop.predicate']);
    expect(issues[0]?.message).toContain('drops every record');
  });

  it('rejects a predicate that is not defined, and accepts one that is', () => {
    const filter = { transforms: 'drop', 'transforms.drop.type': 'org.apache.kafka.connect.transforms.Filter', 'transforms.drop.predicate': 'isTombstone' };
    expect(fieldsOf(chain(filter))).toEqual(['transforms.drop.predicate']);
    expect(chain({ ...filter, predicates: 'isTombstone', 'predicates.isTombstone.type': 'org.apache.kafka.connect.transforms.predicates.RecordIsTombstone' })).toEqual([]);
  });

  it('rejects a TopicNameMatches predicate without a pattern', () => {
    expect(fieldsOf(chain({ predicates: 'p', 'predicates.p.type': 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches' }))).toEqual(['predicates.p.pattern']);
  });

  it('reports keys of an alias that is not in the chain (a typo Connect would ignore)', () => {
    expect(fieldsOf(chain({ transforms: 'unwrap', 'transforms.unwrap.type': 'io.debezium.connector.mongodb.transforms.ExtractNewDocumentState', 'transforms.unwarp.add.fields': 'op' }))).toEqual(['transforms.unwarp.add.fields']);
  });

  it('rejects ReplaceField legacy blacklist', () => {
    expect(fieldsOf(chain({ transforms: 'r', 'transforms.r.type': 'org.apache.kafka.connect.transforms.ReplaceField$Value', 'transforms.r.blacklist': 'a' }))).toEqual(['transforms.r.blacklist']);
  });
});

describe('validation gate: misspelt keys (Connect would ignore them)', () => {
  const warnings = (json: unknown) => validateConnectorJson(json).filter((issue) => issue.severity === 'warning');

  it.each([
    ['a letter missing', source({ 'collection.include.lst': 'app_db.orders' }), 'collection.include.lst', 'collection.include.list'],
    ['two letters swapped', source({ 'snapshot.mdoe': 'no_data' }), 'snapshot.mdoe', 'snapshot.mode'],
    ['under a pass-through prefix', source({ 'snapshot.mod': 'no_data' }), 'snapshot.mod', 'snapshot.mode'],
    ['on a sink', sink({ 'delete.enable': 'true' }), 'delete.enable', 'delete.enabled'],
    ['a common Connect key', sink({ 'errors.tolerence': 'all' }), 'errors.tolerence', 'errors.tolerance'],
    ['a key the plugin declares but the catalog does not type (catalog/generated/)', source({ 'snapshot.fetch.sise': '1000' }), 'snapshot.fetch.sise', 'snapshot.fetch.size'],
  ])('warns of %s with the key it probably means', (_what, json, field, meant) => {
    const found = warnings(json);
    expect(fieldsOf(found)).toEqual([field]);
    expect(formatIssue(found[0]!)).toContain(`did you mean "${meant}"?`);
    expect(errors(json)).toEqual([]);
  });

  it('stays quiet for keys the plugin reads though it does not declare them, and for pass-through namespaces', () => {
    expect(warnings(source({ 'signal.data.collection': 'app_db.signals', 'mongodb.ssl.invalid.hostname.allowed': 'false', 'incremental.snapshot.chunk.size': '1024', 'signal.kafka.topic': 'signals' }))).toEqual([]);
    expect(warnings(sink({ 'hibernate.c3p0.max_size': '10', 'dialect.postgres.postgis.schema': 'public', 'consumer.override.max.poll.records': '500' }))).toEqual([]);
  });

  it('warns of a key far from every known key: Kafka Connect hands it over and the plugin ignores it', () => {
    const found = warnings(source({ 'custom.option': 'x' }));
    expect(fieldsOf(found)).toEqual(['custom.option']);
    expect(found[0]?.message).toContain('the plugin ignores it');
  });

  it('leaves removed keys and transform keys to their own checks', () => {
    expect(warnings(source({ 'mongodb.name': 'app' }))).toEqual([]);
    expect(warnings(source({ transforms: 'u', 'transforms.u.type': 'io.debezium.connector.mongodb.transforms.ExtractNewDocumentState' }))).toEqual([]);
  });
});

describe('validation gate', () => {
  it('reports an unknown class unless allowed', () => {
    const json = { name: 'x', config: { 'connector.class': 'com.example.Custom', anything: 'goes' } };
    expect(fieldsOf(errors(json))).toEqual(['connector.class']);
    expect(errors(json, { allowUnknownClass: true })).toEqual([]);
  });

  it('still checks credentials of an unknown class', () => {
    const json = { name: 'x', config: { 'connector.class': 'com.example.Custom', 'db.password': LEAKED } };
    expect(fieldsOf(errors(json, { allowUnknownClass: true }))).toEqual(['db.password']);
  });

  it('reports every problem at once', () => {
    const issues = errors(sink({ 'connection.password': LEAKED, 'batch.size': 'x', 'insert.mode': 'merge', 'mongodb.hosts': 'h' }));
    expect(fieldsOf(issues).sort()).toEqual(['batch.size', 'connection.password', 'insert.mode']);
  });

  it('needs a name and a connector.class', () => {
    expect(fieldsOf(errors({ config: { topics: 't' } }))).toEqual(['name', 'connector.class']);
  });

  it('rejects a config whose name differs from the connector name', () => {
    expect(fieldsOf(errors({ name: 'a', config: { ...sink({}).config, name: 'b' } }))).toEqual(['config.name']);
  });

  it('rejects nested values', () => {
    expect(fieldsOf(errors(sink({ 'batch.size': { value: 1 } })))).toEqual(['batch.size']);
  });
});

describe('catalog: the transform chain against every class the worker runs', () => {
  const chain = (config: Record<string, string>) => validateConnectorJson(sink(config));
  const unwrap = (type: string, options: Record<string, string>) => ({
    transforms: 'unwrap',
    'transforms.unwrap.type': type,
    ...Object.fromEntries(Object.entries(options).map(([key, value]) => [`transforms.unwrap.${key}`, value])),
  });

  it.each([
    [{ 'drop.tombstones': 'false' }, 'delete.tombstone.handling.mode=tombstone'],
    [{ 'drop.tombstones': 'true', 'delete.handling.mode': 'rewrite' }, 'delete.tombstone.handling.mode=rewrite'],
    [{ 'drop.tombstones': 'false', 'delete.handling.mode': 'rewrite' }, 'delete.tombstone.handling.mode=rewrite-with-tombstone'],
    [{ 'delete.handling.mode': 'none' }, 'delete.tombstone.handling.mode=delete-to-tombstone'],
  ])('names ExtractNewRecordState options removed in Debezium 3.2 (%j), not the class, with the value that means the same: %s', (options, advice) => {
    const issues = chain(unwrap('io.debezium.transforms.ExtractNewRecordState', options));
    expect(issues.map((issue) => [issue.severity, issue.field])).toEqual(Object.keys(options).map((option) => ['error', `transforms.unwrap.${option}`]));
    for (const issue of issues) expect(issue.message).toContain(`use ${advice}`);
  });

  it('knows every Kafka transform, checks the options it declares, and warns of one it does not', () => {
    const issues = chain({ transforms: 'ts', 'transforms.ts.type': 'org.apache.kafka.connect.transforms.TimestampConverter$Value', 'transforms.ts.field': 'at', 'transforms.ts.target.typ': 'unix' });
    expect(issues.map((issue) => [issue.severity, issue.field])).toEqual([
      ['error', 'transforms.ts.target.type'],
      ['warning', 'transforms.ts.target.typ'],
    ]);
    expect(issues[1]?.message).toContain('did you mean "target.type"?');
  });

  it('refuses what Kafka refuses: an enum value of another case, a wrong declared type, a string target without a format', () => {
    const timestamp = { transforms: 'ts', 'transforms.ts.type': 'org.apache.kafka.connect.transforms.TimestampConverter$Value' };
    expect(fieldsOf(errors(sink({ ...timestamp, 'transforms.ts.target.type': 'date' })))).toEqual(['transforms.ts.target.type']);
    expect(fieldsOf(errors(sink({ ...timestamp, 'transforms.ts.target.type': 'string' })))).toEqual(['transforms.ts.format']);
    expect(fieldsOf(errors(sink({ transforms: 's', 'transforms.s.type': 'org.apache.kafka.connect.transforms.SetSchemaMetadata$Value', 'transforms.s.schema.version': 'v2' })))).toEqual(['transforms.s.schema.version']);
  });

  it('names the installed class of the same name for a transform class the worker lacks', () => {
    const [issue] = errors(sink({ transforms: 'u', 'transforms.u.type': 'io.debezium.transforms.UnwrapFromEnvelope' }));
    expect(issue?.message).toContain('use io.debezium.transforms.ExtractNewRecordState');
  });

  it('--allow-unknown-class covers transforms and predicates too', () => {
    const json = sink({ transforms: 'e', 'transforms.e.type': 'com.example.Encrypt', 'transforms.e.predicate': 'p', predicates: 'p', 'predicates.p.type': 'com.example.IsSecret' });
    expect(fieldsOf(errors(json))).toEqual(['predicates.p.type', 'transforms.e.type']);
    expect(errors(json, { allowUnknownClass: true })).toEqual([]);
  });
});

describe('catalog: converters', () => {
  it('rejects a converter no pinned plugin or Kafka ships (Confluent Avro), unless --allow-unknown-class', () => {
    const json = sink({ 'value.converter': 'io.confluent.connect.avro.AvroConverter', 'value.converter.schema.registry.url': 'http://registry:8081' });
    expect(fieldsOf(errors(json))).toEqual(['value.converter']);
    expect(errors(json, { allowUnknownClass: true })).toEqual([]);
  });

  it("checks a converter's options against what it declares", () => {
    const issues = validateConnectorJson(sink({ 'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'maybe', 'value.converter.delegate.converter.type': 'x', 'value.converter.delegate.converter.type.schemas.enable': 'false' }));
    expect(issues.map((issue) => [issue.severity, issue.field])).toEqual([
      ['error', 'value.converter.schemas.enable'],
      ['warning', 'value.converter.delegate.converter.type'],
    ]);
  });
});

describe('catalog: Debezium MongoDB sink', () => {
  const mongoSink = (config: Record<string, string>) => ({
    name: 'dbz-mongo-sink',
    config: { 'connector.class': 'io.debezium.connector.mongodb.MongoDbSinkConnector', topics: 'cdc.app_db.orders', 'mongodb.connection.string': 'mongodb://mongo:27017/?replicaSet=rs0', 'sink.database': 'replica', ...config },
  });

  it('accepts a minimal valid definition', () => {
    expect(validateConnectorJson(mongoSink({}))).toEqual([]);
  });

  it('needs sink.database (the task refuses to start without it, although the worker validates the config)', () => {
    const { 'sink.database': _ignored, ...config } = mongoSink({}).config;
    expect(fieldsOf(errors({ name: 'dbz-mongo-sink', config }))).toEqual(['sink.database']);
  });

  it('names the real class for the one in Debezium 3.5 documentation', () => {
    const [issue] = errors(mongoSink({ 'connector.class': 'io.debezium.connector.mongodb.sink.MongoDbSinkConnector' }));
    expect(issue?.message).toContain('did you mean io.debezium.connector.mongodb.MongoDbSinkConnector?');
  });

  it('warns of a misnamed OpenLineage key and accepts the ones the sink reads without declaring them', () => {
    const issues = validateConnectorJson(mongoSink({ 'openlineage.integration.enabled': 'true', 'openlineage.integration.job.tags': 'env=prod', 'openlineage.integration.tags': 'env=prod' }));
    expect(issues.map((issue) => [issue.severity, issue.field])).toEqual([['warning', 'openlineage.integration.tags']]);
  });
});

describe('catalog: MongoDB Kafka connectors, as the plugin reads them', () => {
  const mongoSource = (config: Record<string, string>) => ({ name: 'm', config: { 'connector.class': 'com.mongodb.kafka.connect.MongoSourceConnector', 'connection.uri': 'mongodb://mongo1:27017/?replicaSet=rs0', database: 'shop', ...config } });
  const mongoSink = (config: Record<string, string>) => ({ name: 'm', config: { 'connector.class': 'com.mongodb.kafka.connect.MongoSinkConnector', 'connection.uri': 'mongodb://mongo1:27017/?replicaSet=rs0', database: 'shop', topics: 't', ...config } });

  it("takes a pipeline in BSON's relaxed JSON (unquoted keys, single quotes, regular expressions)", () => {
    expect(validateConnectorJson(mongoSource({ pipeline: "[{$match: {operationType: 'insert', 'ns.coll': {$regex: /^orders$/}}}]" }))).toEqual([]);
  });

  it('warns of copy.existing, deprecated but honoured, naming startup.mode', () => {
    const issues = validateConnectorJson(mongoSource({ 'copy.existing': 'true', 'copy.existing.namespace.regex': 'shop\\.orders' }));
    expect(issues.map((issue) => [issue.severity, issue.field, issue.message.split(': use ')[1]])).toEqual([
      ['warning', 'copy.existing', 'startup.mode=copy_existing (for copy.existing=false: startup.mode=latest)'],
      ['warning', 'copy.existing.namespace.regex', 'startup.mode.copy.existing.namespace.regex'],
    ]);
  });

  it("refuses a connection string the driver 4.7.2 refuses: options without a '/' after the hosts", () => {
    expect(fieldsOf(errors(mongoSource({ 'connection.uri': 'mongodb://mongo1:27017,mongo2:27017?replicaSet=rs0' })))).toEqual(['connection.uri']);
  });

  it('warns of keys a CDC handler makes the sink ignore, and of deprecated projection names', () => {
    const issues = validateConnectorJson(
      mongoSink({
        'change.data.capture.handler': 'com.mongodb.kafka.connect.sink.cdc.mongodb.ChangeStreamHandler',
        'writemodel.strategy': 'com.mongodb.kafka.connect.sink.writemodel.strategy.ReplaceOneDefaultStrategy',
        'value.projection.type': 'blacklist',
      }),
    );
    expect(issues.map((issue) => [issue.severity, issue.field])).toEqual([
      ['warning', 'value.projection.type'],
      ['warning', 'writemodel.strategy'],
      ['warning', 'value.projection.type'],
    ]);
  });

  it('checks per-topic overrides against the sink keys they override', () => {
    const issues = validateConnectorJson(mongoSink({ 'topic.override.cdc.orders.collection': 'orders', 'topic.override.cdc.orders.colection': 'orders' }));
    expect(issues.map((issue) => [issue.severity, issue.field])).toEqual([['warning', 'topic.override.cdc.orders.colection']]);
  });
});
