import { validateConnectorJson } from '../../../../connectors/validate';

const CHANGE_STREAM_HANDLER = 'com.mongodb.kafka.connect.sink.cdc.mongodb.ChangeStreamHandler';

/** The replica sink of the orders pipeline, with the config under test. */
const replicaSink = (config: Record<string, string>) => ({
  name: 'cdc-app-db-orders-replica-sink',
  config: {
    'connector.class': 'com.mongodb.kafka.connect.MongoSinkConnector',
    topics: 'cdc.app_db.orders',
    'connection.uri': '${dir:/etc/connect-secrets:replica-mongodb-uri}',
    database: 'app_db_replica',
    collection: 'orders',
    ...config,
  },
});

const issuesOf = (config: Record<string, string>) => validateConnectorJson(replicaSink(config)).map((issue) => `${issue.severity} ${issue.field}: ${issue.message}`);

describe('MongoDB sink: keys a CDC handler makes the sink ignore', () => {
  const IGNORED = 'is ignored while change.data.capture.handler is set (the handler builds the writes itself): remove it';

  it('warns of each key set to something other than its unset value', () => {
    expect(
      issuesOf({
        'change.data.capture.handler': CHANGE_STREAM_HANDLER,
        'document.id.strategy': 'com.mongodb.kafka.connect.sink.processor.id.strategy.ProvidedInValueStrategy',
        'delete.on.null.values': 'true',
        'field.renamer.mapping': "[{oldName: 'fullDocument.lines.sku', newName: 'sku_code'}]",
      }),
    ).toEqual([`warning field.renamer.mapping: ${IGNORED}`, `warning document.id.strategy: ${IGNORED}`, `warning delete.on.null.values: ${IGNORED}`]);
  });

  it('stays quiet for keys left at the value that counts as unset', () => {
    expect(issuesOf({ 'change.data.capture.handler': CHANGE_STREAM_HANDLER, 'delete.on.null.values': 'false', 'field.renamer.mapping': '[]', 'value.projection.type': 'none', 'key.projection.list': '' })).toEqual([]);
  });

  it('stays quiet without a handler, or with an empty one', () => {
    const writes = { 'writemodel.strategy': 'com.mongodb.kafka.connect.sink.writemodel.strategy.ReplaceOneDefaultStrategy', 'delete.on.null.values': 'true' };
    expect(issuesOf(writes)).toEqual([]);
    expect(issuesOf({ ...writes, 'change.data.capture.handler': '' })).toEqual([]);
  });
});

describe('MongoDB sink: projection types and processors under their old names', () => {
  it.each([
    ['key.projection.type', 'whitelist', 'allowlist'],
    ['value.projection.type', 'Blacklist', 'blocklist'],
    ['document.id.strategy.partial.key.projection.type', 'blacklist', 'blocklist'],
    ['document.id.strategy.partial.value.projection.type', 'whitelist', 'allowlist'],
  ])('warns of %s=%s, naming %s', (key, value, replacement) => {
    expect(issuesOf({ [key]: value })).toEqual([`warning ${key}: "${value}" is deprecated: use ${replacement}`]);
  });

  it('takes no property of a plain object for an old name: a projection type of "constructor" or "__proto__" gets no deprecation warning', () => {
    for (const value of ['constructor', '__proto__']) {
      expect(issuesOf({ 'value.projection.type': value }).filter((issue) => issue.includes('deprecated'))).toEqual([]);
    }
  });

  it('takes the current projection names', () => {
    expect(issuesOf({ 'value.projection.type': 'allowlist', 'value.projection.list': 'fullDocument.lines,fullDocument.total', 'key.projection.type': 'none' })).toEqual([]);
  });

  it('names each deprecated processor of the chain with its new name', () => {
    const chain = [
      'com.mongodb.kafka.connect.sink.processor.DocumentIdAdder',
      'com.mongodb.kafka.connect.sink.processor.BlacklistValueProjector',
      'com.mongodb.kafka.connect.sink.processor.WhitelistKeyProjector',
    ].join(',');
    expect(issuesOf({ 'post.processor.chain': chain })).toEqual([
      'warning post.processor.chain: names deprecated processors: BlacklistValueProjector → BlockListValueProjector, WhitelistKeyProjector → AllowListKeyProjector',
    ]);
  });

  it('stays quiet for a chain of current processors', () => {
    expect(issuesOf({ 'post.processor.chain': 'com.mongodb.kafka.connect.sink.processor.DocumentIdAdder,com.mongodb.kafka.connect.sink.processor.BlockListValueProjector' })).toEqual([]);
  });
});
