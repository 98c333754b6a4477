import { debeziumMatchers, monitoringTargets } from '../../../alerts/targets';
import { parseEnvironment } from '../../../config';
import { customers } from '../../../connectors/pipelines/customers';
import { orders } from '../../../connectors/pipelines/orders';
import { PROMTOOL_ENVIRONMENTS } from '../../promtool/environments';

const [full] = PROMTOOL_ENVIRONMENTS as [typeof PROMTOOL_ENVIRONMENTS[0]];

describe("monitoring targets: a source's Debezium matchers", () => {
  it.each([
    ['connector=cdc-app-db-source=old', 'a pair with two equals signs'],
    ['connector=', 'a tag without a value'],
    ['connector', 'a tag without an equals sign'],
  ])('select by server only when custom.metric.tags has %s (%s)', (tags) => {
    expect(debeziumMatchers('cdc', { 'custom.metric.tags': tags })).toEqual(['server="cdc"']);
  });

  it('take the well-formed connector tag over a later malformed one', () => {
    expect(debeziumMatchers('cdc', { 'custom.metric.tags': 'connector=cdc-app-db-source,connector=' })).toEqual(['server="cdc"', 'connector="cdc-app-db-source"']);
    expect(debeziumMatchers('cdc', { 'custom.metric.tags': 'connector=cdc-app-db-source, connector=cdc-x=y' })).toEqual(['server="cdc"', 'connector="cdc-app-db-source"']);
  });
});

describe('monitoring targets: connectors', () => {
  it("give each connector the owners of the pipelines it serves, sorted, and a source every owner of its database's pipelines", () => {
    const retail = { ...customers, owner: 'retail-analytics' };
    const owners = Object.fromEntries(monitoringTargets(full, [orders, retail]).connectors.map((connector) => [connector.name, connector.owners]));
    expect(owners).toEqual({
      'cdc-app-db-source': ['bi-platform', 'retail-analytics'],
      'cdc-customers-sink': ['retail-analytics'],
      'cdc-orders-sink': ['bi-platform'],
    });
  });

  it("key a source's metrics by the topic prefix, a sink's by nothing Debezium", () => {
    const byName = Object.fromEntries(monitoringTargets(full).connectors.map((connector) => [connector.name, connector]));
    expect(byName['cdc-app-db-source']).toMatchObject({ role: 'source', server: 'cdc', debeziumMatchers: ['server="cdc"', 'connector="cdc-app-db-source"'] });
    for (const sink of ['cdc-orders-sink', 'cdc-customers-sink']) {
      expect(byName[sink]).not.toHaveProperty('server');
      expect(byName[sink]).not.toHaveProperty('debeziumMatchers');
    }
  });
});

describe('monitoring targets: pipelines', () => {
  it("carry each pipeline's migration phase", () => {
    const migrating = parseEnvironment({ ...full, collections: { orders: { phase: 'shadow' }, customers: { phase: 'decommissioned' } } });
    const phases = Object.fromEntries(monitoringTargets(migrating).pipelines.map((pipeline) => [pipeline.definition.name, pipeline.phase]));
    expect(phases).toEqual({ orders: 'shadow', customers: 'decommissioned' });
  });

  it('count a pipeline the environment does not list as streaming', () => {
    const ordersOnly = parseEnvironment({ ...full, collections: { orders: { phase: 'shadow' } } });
    const phases = Object.fromEntries(monitoringTargets(ordersOnly).pipelines.map((pipeline) => [pipeline.definition.name, pipeline.phase]));
    expect(phases).toEqual({ orders: 'shadow', customers: 'stream' });
  });
});
