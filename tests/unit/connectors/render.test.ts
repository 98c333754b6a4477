import { loadEnvironment, parseEnvironment, ENVIRONMENT_NAMES, workerDeliveryProperties, type EnvironmentInput } from '../../../config';
import { local } from '../../../config/environments/local';
import { staging } from '../../../config/environments/staging';
import { renderEnvironment, toConnectBody, toConnectJson } from '../../../connectors/render';
import { validateConnectorConfig } from '../../../connectors/validate';
import { pipelines } from '../../../connectors/pipelines';
import { isConfigProviderPlaceholder } from '../../../config/secrets';
import { isSecretKey } from '../../../connectors/secrets';
import { generatedSecret } from '../../support/generated-secret';



describe('render', () => {
  it.each(ENVIRONMENT_NAMES)('every connector of %s passes the validation gate', (name) => {
    const connectors = renderEnvironment(loadEnvironment(name));
    expect(connectors.length).toBeGreaterThan(0);
    for (const connector of connectors) expect(validateConnectorConfig(connector.name, connector.config)).toEqual([]);
  });

  it('runs every Debezium MongoDB source exactly-once, one transaction per poll, on workers that enable it', () => {
    const sources = ENVIRONMENT_NAMES.flatMap((name) => renderEnvironment(loadEnvironment(name))).filter(
      (connector) => connector.config['connector.class'] === 'io.debezium.connector.mongodb.MongoDbConnector',
    );
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect({ name: source.name, support: source.config['exactly.once.support'], boundary: source.config['transaction.boundary'] }).toEqual({
        name: source.name,
        support: 'required',
        boundary: 'poll',
      });
    }
    // `required` makes a worker without exactly-once source support refuse the connector.
    expect(workerDeliveryProperties(loadEnvironment('staging').connect.exactlyOnceSource)['exactly.once.source.support']).toBe('enabled');
  });

  it("renders the sources as before exactly-once while the workers are at 'preparing' (a worker there refuses `required`)", () => {
    const preparing = parseEnvironment({ ...staging, connect: { ...staging.connect, exactlyOnceSource: 'preparing' } });
    const sources = renderEnvironment(preparing).filter((connector) => connector.role === 'source');
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(source.config).not.toHaveProperty('exactly.once.support');
      expect(source.config).not.toHaveProperty('transaction.boundary');
      expect(validateConnectorConfig(source.name, source.config, { workerExactlyOnceSource: 'preparing' })).toEqual([]);
    }
  });

  it.each(ENVIRONMENT_NAMES)('no credential in %s is a literal', (name) => {
    for (const connector of renderEnvironment(loadEnvironment(name))) {
      for (const [key, value] of Object.entries(connector.config)) {
        if (isSecretKey(connector.config['connector.class'], key)) expect(isConfigProviderPlaceholder(value)).toBe(true);
      }
    }
  });

  it('renders sinks only where MongoDB is replayed (local)', () => {
    const connectors = renderEnvironment(loadEnvironment('local'));
    expect(connectors.map((connector) => [connector.name, connector.role])).toEqual([
      ['cdc-customers-sink', 'sink'],
      ['cdc-orders-sink', 'sink'],
    ]);
  });

  it('renders one Debezium source per database, capturing every streaming collection', () => {
    const [source] = renderEnvironment(loadEnvironment('staging')).filter((connector) => connector.role === 'source');
    expect(source?.name).toBe('cdc-app-db-source');
    expect(source?.config['collection.include.list']).toBe('app_db.customers,app_db.orders');
    expect(source?.config['topic.prefix']).toBe('cdc');
    expect(source?.pipelines).toEqual(['customers', 'orders']);
  });

  it('writes the sink to the shadow table in the shadow phase and to the table in the stream phase', () => {
    const shadow = parseEnvironment({ ...staging, collections: { orders: { phase: 'shadow' }, customers: { phase: 'stream' } } } satisfies EnvironmentInput);
    const sinks = Object.fromEntries(renderEnvironment(shadow).filter((c) => c.role === 'sink').map((c) => [c.name, c.config['collection.name.format']]));
    expect(sinks).toEqual({ 'cdc-customers-sink': 'customers', 'cdc-orders-sink': 'orders_shadow' });
  });

  it('renders nothing for a collection still in the trigger phase', () => {
    const environment = parseEnvironment({ ...staging, collections: { orders: { phase: 'trigger' }, customers: { phase: 'stream' } } } satisfies EnvironmentInput);
    const connectors = renderEnvironment(environment);
    expect(connectors.map((connector) => connector.name)).toEqual(['cdc-app-db-source', 'cdc-customers-sink']);
    expect(connectors[0]?.config['collection.include.list']).toBe('app_db.customers');
  });

  it('takes the desired state from the collection settings', () => {
    const environment = parseEnvironment({ ...local, collections: { orders: { state: 'PAUSED' } } } satisfies EnvironmentInput);
    const orders = renderEnvironment(environment).find((connector) => connector.name === 'cdc-orders-sink');
    expect(orders?.state).toBe('PAUSED');
  });

  it('applies per-collection sink overrides over the environment defaults', () => {
    const environment = parseEnvironment({ ...local, collections: { orders: { sink: { batchSize: 42 } } } } satisfies EnvironmentInput);
    const byName = Object.fromEntries(renderEnvironment(environment).map((connector) => [connector.name, connector.config['batch.size']]));
    expect(byName).toEqual({ 'cdc-customers-sink': '1000', 'cdc-orders-sink': '42' });
  });

  it('routes each sink to its own dead-letter queue with context headers', () => {
    for (const connector of renderEnvironment(loadEnvironment('local'))) {
      expect(connector.config['errors.deadletterqueue.topic.name']).toMatch(/^cdc\.dlq\.(orders|customers)$/);
      expect(connector.config['errors.deadletterqueue.context.headers.enable']).toBe('true');
      expect(connector.config['errors.tolerance']).toBe('all');
    }
  });

  it('validates with no error and no warning: every key of every connector is one the plugins read', () => {
    for (const name of ENVIRONMENT_NAMES) {
      for (const connector of renderEnvironment(loadEnvironment(name))) expect({ connector: connector.name, issues: validateConnectorConfig(connector.name, connector.config) }).toEqual({ connector: connector.name, issues: [] });
    }
  });

  describe('a sink writes the change event as it came, for the warehouse to type', () => {
    const sink = renderEnvironment(loadEnvironment('local')).find((connector) => connector.name === 'cdc-orders-sink')!.config;

    it('drops tombstones, renames the envelope, keeps after, op, source and ts_ms, flattens and picks the row', () => {
      expect(sink.transforms).toBe('tombstones,envelope,keep,flatten,pick,text');
      expect(sink['transforms.tombstones.type']).toBe('org.apache.kafka.connect.transforms.Filter');
      expect(sink['transforms.tombstones.predicate']).toBe('isTombstone');
      expect(sink['predicates.isTombstone.type']).toBe('org.apache.kafka.connect.transforms.predicates.RecordIsTombstone');
      expect(sink['transforms.envelope.schema.name']).not.toMatch(/\.Envelope$/);
      expect(sink['transforms.keep.include']).toBe('after,op,source,ts_ms');
      expect(sink['transforms.pick.renames']).toBe('after:doc_text,op:__op,source_ts_ms:__source_ts_ms,source_ord:__source_ord,ts_ms:__event_ts_ms');
      expect(sink['transforms.text.spec']).toBe('doc_text:string');
    });

    it('upserts by record key into a table the migrations made, with reduction and UNNEST batches', () => {
      expect(sink).toMatchObject({
        'insert.mode': 'upsert',
        'primary.key.mode': 'record_key',
        'delete.enabled': 'true',
        'schema.evolution': 'none',
        'use.reduction.buffer': 'true',
        'dialect.postgres.unnest.insert.enabled': 'true',
      });
    });

    it('leaves excluded fields to the warehouse trigger: no transform names them', () => {
      const customers = renderEnvironment(loadEnvironment('local')).find((connector) => connector.name === 'cdc-customers-sink')!.config;
      expect(Object.values(customers).join(' ')).not.toContain('password_hash');
    });

    it('needs no producer or consumer override for large documents: the worker carries them', () => {
      expect(Object.keys(sink).filter((key) => /^(producer|consumer|admin)\.override\./.test(key))).toEqual([]);
    });
  });

  it('sizes the Debezium source for large documents: a queue bounded in bytes, topics created for the largest record', () => {
    const [source] = renderEnvironment(loadEnvironment('staging')).filter((connector) => connector.role === 'source');
    expect(source?.config).toMatchObject({
      'max.queue.size.in.bytes': String(4 * 64 * 1024 * 1024),
      'topic.creation.default.max.message.bytes': String(64 * 1024 * 1024),
      'topic.creation.default.replication.factor': '-1',
      'topic.creation.default.partitions': '-1',
    });
  });

  it('is deterministic and its JSON is the body Connect takes', () => {
    const first = renderEnvironment(loadEnvironment('production')).map(toConnectJson);
    const second = renderEnvironment(loadEnvironment('production')).map(toConnectJson);
    expect(first).toEqual(second);
    const body = JSON.parse(first[0]!);
    expect(Object.keys(body)).toEqual(['name', 'config']);
    expect(toConnectBody(renderEnvironment(loadEnvironment('production'))[0]!).name).toBe(body.name);
  });

  it('carries a pipeline\'s change condition to its source as a cursor.pipeline $match', () => {
    const paidOnly = { ...pipelines.find((pipeline) => pipeline.name === 'orders')!, changeCondition: { operationType: { $in: ['insert', 'update'] } } };
    const others = pipelines.filter((pipeline) => pipeline.name !== 'orders');
    const [source] = renderEnvironment(loadEnvironment('staging'), [paidOnly, ...others]).filter((connector) => connector.role === 'source');
    expect(JSON.parse(source!.config['cursor.pipeline']!)).toEqual([
      { $match: { $or: [{ 'ns.coll': { $nin: ['orders'] } }, { $and: [{ 'ns.coll': 'orders' }, { operationType: { $in: ['insert', 'update'] } }] }] } },
    ]);
    expect(validateConnectorConfig(source!.name, source!.config)).toEqual([]);
    expect(renderEnvironment(loadEnvironment('staging'))[0]?.config['cursor.pipeline']).toBeUndefined();
  });

  it('keeps every pipeline name unique', () => {
    expect(new Set(pipelines.map((pipeline) => pipeline.name)).size).toBe(pipelines.length);
  });
});

describe('environment schema', () => {
  it('reports every problem with its path', () => {
    expect(() => parseEnvironment({ ...local, topicPrefix: 'bad prefix!', source: { maxBatchSize: 10, maxQueueSize: 5 } })).toThrow(
      /environment local: topicPrefix: [\s\S]*environment local: source\.maxQueueSize: must be larger than source\.maxBatchSize \(10\) \(got 5\)/,
    );
  });

  it('rejects a literal warehouse password', () => {
    expect(() => parseEnvironment({ ...staging, warehouse: { ...staging.warehouse, password: generatedSecret('password') } })).toThrow(/warehouse\.password: must be a config-provider placeholder/);
  });

  it('rejects an unknown phase', () => {
    expect(() => parseEnvironment({ ...staging, collections: { orders: { phase: 'live' } } })).toThrow(/collections\.orders\.phase/);
  });

  it('names the known environments for an unknown one', () => {
    expect(() => loadEnvironment('prod')).toThrow('unknown environment "prod" (known: local, local-standin, staging, production)');
  });
});
