import { parseEnvironment, type EnvironmentInput } from '../../../config';
import { staging } from '../../../config/environments/staging';
import { renderEnvironment, toConnectJson, type ConnectorState } from '../../../connectors/render';

/** Staging (one Debezium source for app_db, shared by orders and customers) with the two collections' states. */
const stagingWith = (orders: ConnectorState, customers: ConnectorState) =>
  parseEnvironment({ ...staging, collections: { orders: { phase: 'shadow', state: orders }, customers: { phase: 'shadow', state: customers } } } satisfies EnvironmentInput);

const sharedSource = (orders: ConnectorState, customers: ConnectorState) => {
  const sources = renderEnvironment(stagingWith(orders, customers)).filter((connector) => connector.role === 'source');
  expect(sources).toHaveLength(1);
  return sources[0]!;
};

describe('render: the source a database shares between pipelines', () => {
  it('serves both pipelines, listed by name', () => {
    expect(sharedSource('RUNNING', 'RUNNING').pipelines).toEqual(['customers', 'orders']);
  });

  it.each<[ConnectorState, ConnectorState, ConnectorState]>([
    ['RUNNING', 'RUNNING', 'RUNNING'],
    ['RUNNING', 'PAUSED', 'RUNNING'],
    ['STOPPED', 'RUNNING', 'RUNNING'],
    ['PAUSED', 'PAUSED', 'PAUSED'],
    ['PAUSED', 'STOPPED', 'PAUSED'],
    ['STOPPED', 'PAUSED', 'PAUSED'],
    ['STOPPED', 'STOPPED', 'STOPPED'],
  ])('runs while any collection wants it: orders %s, customers %s → %s', (orders, customers, expected) => {
    expect(sharedSource(orders, customers).state).toBe(expected);
  });

  it('leaves each sink at its own collection state', () => {
    const states = Object.fromEntries(
      renderEnvironment(stagingWith('PAUSED', 'STOPPED'))
        .filter((connector) => connector.role === 'sink')
        .map((connector) => [connector.name, connector.state]),
    );
    expect(states).toEqual({ 'cdc-customers-sink': 'STOPPED', 'cdc-orders-sink': 'PAUSED' });
  });
});

describe('render: the JSON file of a connector', () => {
  it('writes the config keys in alphabetical order, whatever order the render made them in', () => {
    const json = toConnectJson({ name: 'cdc-orders-sink', role: 'sink', state: 'RUNNING', pipelines: ['orders'], config: { topics: 'cdc.app_db.orders', 'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector', 'batch.size': '1000' } });
    expect(json).toBe(
      '{\n  "name": "cdc-orders-sink",\n  "config": {\n    "batch.size": "1000",\n    "connector.class": "io.debezium.connector.jdbc.JdbcSinkConnector",\n    "topics": "cdc.app_db.orders"\n  }\n}\n',
    );
  });
});
