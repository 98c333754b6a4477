import { loadEnvironment, parseEnvironment, ENVIRONMENT_NAMES, type EnvironmentInput } from '../../../config';
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

  it('drops the excluded fields of a pipeline', () => {
    const customers = renderEnvironment(loadEnvironment('local')).find((connector) => connector.name === 'cdc-customers-sink');
    expect(customers?.config.transforms).toBe('unwrap,dropFields');
    expect(customers?.config['transforms.dropFields.exclude']).toBe('password_hash');
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
