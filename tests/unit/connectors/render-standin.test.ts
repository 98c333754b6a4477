import { loadEnvironment, parseEnvironment, STANDIN_CONNECTION_STRING_ENV, type EnvironmentInput } from '../../../config';
import { localStandIn } from '../../../config/environments/local-standin';
import { sourceTopic } from '../../../connectors/naming';
import { pipelines } from '../../../connectors/pipelines';
import { renderEnvironment, standInEventRepair, standInSourceDifferences } from '../../../connectors/render';
import { validateConnectorConfig } from '../../../connectors/validate';

const standIn = loadEnvironment('local-standin');
const local = loadEnvironment('local');
const staging = loadEnvironment('staging');
const orders = pipelines.find((pipeline) => pipeline.name === 'orders')!;

describe('the local-standin environment (MongoDB stand-in: mongo-java-server, not MongoDB)', () => {
  it("renders its sources for the level the local worker runs at (cdcctl local up --exactly-once-source), the Connect URL kept", () => {
    const sourcesOf = (environment: ReturnType<typeof loadEnvironment>) => renderEnvironment(environment).filter((connector) => connector.role === 'source');
    const preparing = loadEnvironment('local-standin', { connectUrl: 'http://127.0.0.1:18083', exactlyOnceSource: 'preparing' });
    expect(preparing.connect).toMatchObject({ url: 'http://127.0.0.1:18083', exactlyOnceSource: 'preparing' });
    expect(sourcesOf(preparing).length).toBe(pipelines.length);
    for (const source of sourcesOf(preparing)) expect(source.config).not.toHaveProperty('exactly.once.support');
    for (const source of sourcesOf(loadEnvironment('local-standin', { connectUrl: 'http://127.0.0.1:18083' }))) expect(source.config['exactly.once.support']).toBe('required');
  });

  it('renders one Debezium source per pipeline, named as stand-in sources, beside the usual sinks', () => {
    expect(renderEnvironment(standIn).map((connector) => [connector.name, connector.role, connector.pipelines])).toEqual([
      ['cdc-customers-sink', 'sink', ['customers']],
      ['cdc-customers-standin-source', 'source', ['customers']],
      ['cdc-orders-sink', 'sink', ['orders']],
      ['cdc-orders-standin-source', 'source', ['orders']],
    ]);
  });

  it('passes the validation gate', () => {
    for (const connector of renderEnvironment(standIn)) expect(validateConnectorConfig(connector.name, connector.config)).toEqual([]);
  });

  it("takes the connection string from the worker's environment, never a literal", () => {
    const source = renderEnvironment(standIn).find((connector) => connector.name === 'cdc-orders-standin-source')!;
    expect(source.config['mongodb.connection.string']).toBe(`\${env:${STANDIN_CONNECTION_STRING_ENV}}`);
  });

  it("renders exactly local's sinks: only the source side differs", () => {
    const sinks = (environment: typeof local) => renderEnvironment(environment).filter((connector) => connector.role === 'sink');
    expect(sinks(standIn)).toEqual(sinks(local));
  });

  it("differs from the production source only by the stand-in's differences", () => {
    const source = renderEnvironment(standIn).find((connector) => connector.name === 'cdc-orders-standin-source')!;
    const differences = standInSourceDifferences(standIn, orders);
    const production = renderEnvironment(parseEnvironment({ ...localStandIn, mongodb: { kind: 'atlas', connectionString: '${env:X}' }, collections: { orders: {}, customers: { phase: 'trigger' } } } satisfies EnvironmentInput)).find(
      (connector) => connector.role === 'source',
    )!;
    const changed = Object.keys(source.config).filter((key) => source.config[key] !== production.config[key]);
    // custom.metric.tags names each connector, and the two connectors' names differ.
    expect(changed.sort()).toEqual(['custom.metric.tags', 'mongodb.connection.string', ...Object.keys(differences)].sort());
    expect(source.config['custom.metric.tags']).toBe('connector=cdc-orders-standin-source');
    expect(production.config['custom.metric.tags']).toBe('connector=cdc-app-db-source');
  });

  it('captures one collection per source, without a snapshot, with the repair stages first', () => {
    const config = standInSourceDifferences(standIn, orders);
    expect(config).toMatchObject({ 'capture.scope': 'collection', 'capture.target': 'app_db.orders', 'snapshot.mode': 'no_data', 'cursor.pipeline.order': 'user_first' });
    expect(JSON.parse(config['cursor.pipeline']!)).toEqual(standInEventRepair(orders));
  });

  it("writes to the production topic under the environment's prefix, its metrics told apart by a connector tag", () => {
    const sources = renderEnvironment(standIn).filter((connector) => connector.role === 'source');
    expect(sources.map((source) => source.config['topic.prefix'])).toEqual(['cdc', 'cdc']);
    expect(sources.map((source) => source.config['custom.metric.tags'])).toEqual(['connector=cdc-customers-standin-source', 'connector=cdc-orders-standin-source']);
    const source = sources.find((connector) => connector.name === 'cdc-orders-standin-source')!;
    expect(`${source.config['topic.prefix']}.${source.config['capture.target']}`).toBe(sourceTopic(standIn, orders));
    expect(Object.keys(source.config).filter((key) => key.startsWith('transforms'))).toEqual([]);
  });

  it('adds ns, rebuilds documentKey as {_id}, and drops updates whose document is gone', () => {
    const [dropOrphans, keep, unset, rebuild, cleanUp] = standInEventRepair(orders) as Record<string, unknown>[];
    expect(dropOrphans).toEqual({ $match: { $or: [{ operationType: { $ne: 'update' } }, { 'fullDocument._id': { $exists: true } }] } });
    expect(keep).toEqual({ $addFields: { standInDocumentId: { $ifNull: ['$fullDocument._id', '$documentKey._id'] } } });
    expect(unset).toEqual({ $unset: 'documentKey' });
    expect(rebuild).toEqual({ $addFields: { ns: { db: 'app_db', coll: 'orders' }, documentKey: { _id: '$standInDocumentId' } } });
    expect(cleanUp).toEqual({ $unset: 'standInDocumentId' });
  });

  it("appends a pipeline's change condition after the repair (it may need ns)", () => {
    const conditioned = { ...orders, changeCondition: { operationType: 'insert' } };
    const stages = JSON.parse(standInSourceDifferences(standIn, conditioned)['cursor.pipeline']!) as unknown[];
    expect(stages.slice(0, 5)).toEqual(standInEventRepair(orders));
    expect(stages.slice(5)).toEqual([{ $match: { $or: [{ 'ns.coll': { $nin: ['orders'] } }, { $and: [{ 'ns.coll': 'orders' }, { operationType: 'insert' }] }] } }]);
  });

  it('renders no source for a collection in the trigger phase, and the collection state as desired state', () => {
    const environment = parseEnvironment({ ...localStandIn, collections: { orders: { phase: 'trigger' }, customers: { state: 'PAUSED' } } } satisfies EnvironmentInput);
    expect(renderEnvironment(environment).map((connector) => [connector.name, connector.state])).toEqual([
      ['cdc-customers-sink', 'PAUSED'],
      ['cdc-customers-standin-source', 'PAUSED'],
    ]);
  });

  it('leaves the other environments as they were: local has no source, staging one per database', () => {
    expect(renderEnvironment(local).filter((connector) => connector.role === 'source')).toEqual([]);
    expect(renderEnvironment(staging).filter((connector) => connector.role === 'source').map((connector) => connector.name)).toEqual(['cdc-app-db-source']);
    expect(renderEnvironment(staging).find((connector) => connector.role === 'source')!.config['capture.scope']).toBeUndefined();
  });

  it('refuses a literal connection string for the stand-in, naming the field', () => {
    expect(() => parseEnvironment({ ...localStandIn, mongodb: { kind: 'stand-in', connectionString: 'mongodb://127.0.0.1:27018' } } satisfies EnvironmentInput)).toThrow(
      /environment local-standin: mongodb.connectionString: must be a config-provider placeholder/,
    );
  });
});
