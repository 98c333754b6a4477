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

  it('rejects a literal connection string and masks it in the message', () => {
    const issues = errors(source({ 'mongodb.connection.string': `mongodb+srv://cdc:${LEAKED}@cluster0.example.net` }));
    const issue = issues.find((candidate) => candidate.field === 'mongodb.connection.string');
    expect(issue?.message).toContain('placeholder');
    expect(formatIssue(issue!)).not.toContain(LEAKED);
    expect(formatIssue(issue!)).toBe('src: mongodb.connection.string: carries a credential: must be a config-provider placeholder such as ${dir:/etc/connect-secrets:key}, never a literal (got "****")');
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

  it('rejects a collection.include.list entry without a database', () => {
    expect(fieldsOf(errors(source({ 'collection.include.list': 'orders' })))).toEqual(['collection.include.list']);
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

  it('points table.name.format to its Debezium 3 name', () => {
    const issues = errors(sink({ 'table.name.format': 'orders' }));
    expect(issues.some((issue) => issue.field === 'table.name.format' && issue.message.includes('collection.name.format'))).toBe(true);
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

  it('stays quiet for keys far from every known key (no list of what a plugin reads is complete)', () => {
    expect(warnings(source({ 'signal.data.collection': 'app_db.signals', 'mongodb.ssl.invalid.hostname.allowed': 'false', 'custom.option': 'x' }))).toEqual([]);
    expect(warnings(sink({ 'hibernate.c3p0.max_size': '10', 'dialect.postgres.postgis.schema': 'public' }))).toEqual([]);
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
