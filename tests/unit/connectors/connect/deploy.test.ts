import { loadEnvironment, type Environment } from '../../../../config';
import { createConnectClient, type ConnectClient } from '../../../../connectors/connect/client';
import { deployEnvironment, InvalidConnectorDefinitions, renderValidated } from '../../../../connectors/connect/deploy';
import { definePipeline } from '../../../../connectors/pipelines';
import { renderEnvironment } from '../../../../connectors/render';
import { generatedSecret } from '../../../support/generated-secret';
import { startScriptedServer, type ScriptedServer } from '../../../support/scripted-http-server';

const LEAKED = generatedSecret('password');

describe('renderValidated', () => {
  it("renders the environment's connectors when every definition is valid", () => {
    const environment = loadEnvironment('staging');
    expect(renderValidated(environment).connectors).toEqual(renderEnvironment(environment));
  });

  it('refuses every invalid field at once, naming connector and field, and renders nothing', () => {
    const environment = loadEnvironment('staging');
    const broken = { ...environment, sink: { ...environment.sink, batchSize: 0 }, warehouse: { ...environment.warehouse, password: LEAKED } };
    const error = (() => {
      try {
        renderValidated(broken);
      } catch (caught) {
        return caught;
      }
    })() as InvalidConnectorDefinitions;
    expect(error).toBeInstanceOf(InvalidConnectorDefinitions);
    expect(error.message).toMatch(/^\d+ invalid fields: nothing was sent to Kafka Connect\n/);
    expect(error.issues.map((issue) => `${issue.connector}: ${issue.field}`)).toEqual(expect.arrayContaining(['cdc-orders-sink: connection.password', 'cdc-customers-sink: connection.password']));
    expect(error.message).not.toContain(LEAKED);
  });

  it('renders only the pipelines it is given', () => {
    const only = definePipeline({ name: 'payments', description: 'd', database: 'pay_db', collection: 'payments', table: 'payments', owner: 'bi' });
    expect(renderValidated(loadEnvironment('staging'), [only]).connectors.map((connector) => connector.name)).toEqual(['cdc-pay-db-source', 'cdc-payments-sink']);
  });

  it('returns what the catalog only warns of beside the connectors, and throws nothing for it', () => {
    const collectionLeftEmpty = definePipeline({ name: 'payments', description: 'card payments', database: 'pay_db', collection: '', table: 'payments', owner: 'bi' });
    const { connectors, warnings } = renderValidated(loadEnvironment('staging'), [collectionLeftEmpty]);
    expect(connectors.map((connector) => connector.name)).toEqual(['cdc-pay-db-source', 'cdc-payments-sink']);
    expect(warnings).toEqual([
      {
        connector: 'cdc-pay-db-source',
        field: 'collection.include.list',
        severity: 'warning',
        message: 'entry "pay_db." matches no "<database>.<collection>" namespace (Debezium matches each entry against the whole namespace), so the connector captures nothing from it: did you mean "<database>\\.pay_db."?',
        value: 'pay_db.',
      },
    ]);
  });

  describe("with the workers at KIP-618's 'preparing' step", () => {
    const preparing = (): Environment => {
      const environment = loadEnvironment('staging');
      return { ...environment, connect: { ...environment.connect, exactlyOnceSource: 'preparing' } };
    };

    it('plans the sources without requiring exactly-once, so the first rolling step changes nothing the workers refuse', () => {
      const sources = renderValidated(preparing()).connectors.filter((connector) => connector.role === 'source');
      expect(sources.length).toBeGreaterThan(0);
      for (const source of sources) expect(source.config['exactly.once.support']).toBeUndefined();
    });
  });
});


describe('deployEnvironment against a worker (a scripted in-process HTTP stand-in of the Connect REST API)', () => {
  let server: ScriptedServer;
  beforeEach(async () => {
    server = await startScriptedServer();
  });
  afterEach(() => server.close());

  const payments = definePipeline({ name: 'payments', description: 'd', database: 'pay_db', collection: 'payments', table: 'payments', owner: 'bi' });
  const running = (name: string) => ({ name, connector: { state: 'RUNNING', worker_id: '10.0.3.17:8083' }, tasks: [{ id: 0, state: 'RUNNING', worker_id: '10.0.3.17:8083' }], type: name.endsWith('-source') ? 'source' : 'sink' });
  const unassigned = (name: string) => ({ name, connector: { state: 'UNASSIGNED', worker_id: '10.0.3.17:8083' }, tasks: [], type: 'sink' });
  const withConnect = (connect: Partial<Environment['connect']>): Environment => {
    const environment = loadEnvironment('staging');
    return { ...environment, connect: { ...environment.connect, ...connect } };
  };
  /** The client, counting the creates in flight at once. */
  const counting = () => {
    const client = createConnectClient({ url: server.url, backoffMs: 1, maxBackoffMs: 5 });
    const inFlight = { now: 0, most: 0 };
    const createConnector: ConnectClient['createConnector'] = async (...args) => {
      inFlight.now += 1;
      inFlight.most = Math.max(inFlight.most, inFlight.now);
      try {
        return await client.createConnector(...args);
      } finally {
        inFlight.now -= 1;
      }
    };
    return { client: { ...client, createConnector }, inFlight };
  };

  it("creates what is missing, prunes a connector of the environment's prefix that is no longer defined (not another team's), and waits for RUNNING", async () => {
    const environment = loadEnvironment('staging');
    const retired = `${environment.managedConnectorPrefix}legacy-sink`;
    server.script('GET /connectors?expand=info&expand=status', {
      status: 200,
      body: {
        [retired]: { info: { name: retired, config: { 'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector', topics: 'legacy' }, tasks: [{ connector: retired, task: 0 }] }, status: running(retired) },
        'analytics-clickstream-sink': { info: { name: 'analytics-clickstream-sink', config: { 'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector', topics: 'clicks' }, tasks: [] }, status: running('analytics-clickstream-sink') },
      },
    });
    server.script('POST /connectors', { status: 201, body: {} }, { status: 201, body: {} });
    server.script(`DELETE /connectors/${retired}`, { status: 204 });
    server.script('GET /connectors?expand=status', { status: 200, body: { 'cdc-pay-db-source': { status: running('cdc-pay-db-source') }, 'cdc-payments-sink': { status: running('cdc-payments-sink') } } });
    const { client } = counting();
    const result = await deployEnvironment(environment, { client, pipelines: [payments], pollIntervalMs: 1, prune: true });
    expect(result.error).toBeUndefined();
    expect(result.applied.map((change) => `${change.action} ${change.connector}`).sort()).toEqual(['create cdc-pay-db-source', 'create cdc-payments-sink', `delete ${retired}`]);
    expect(result.warnings).toEqual([]);
    expect(server.requests.map((request) => `${request.method} ${request.path}`)).not.toContain('DELETE /connectors/analytics-clickstream-sink');
  });

  it("writes at most the environment's connect.concurrency at once, unless told otherwise", async () => {
    server.script('GET /connectors?expand=info&expand=status', { status: 200, body: {} }, { status: 200, body: {} });
    server.script('POST /connectors', ...Array.from({ length: 4 }, () => ({ status: 201, body: {} })));
    const statuses = { status: 200, body: { 'cdc-pay-db-source': { status: running('cdc-pay-db-source') }, 'cdc-payments-sink': { status: running('cdc-payments-sink') } } };
    server.script('GET /connectors?expand=status', statuses, statuses);
    const one = counting();
    await deployEnvironment(withConnect({ concurrency: 1 }), { client: one.client, pipelines: [payments], pollIntervalMs: 1 });
    expect(one.inFlight.most).toBe(1);
    const two = counting();
    await deployEnvironment(withConnect({ concurrency: 1 }), { client: two.client, pipelines: [payments], pollIntervalMs: 1, concurrency: 2 });
    expect(two.inFlight.most).toBe(2);
  });

  it("waits the environment's connect.waitTimeoutMs, unless told otherwise, and names what it waited for", async () => {
    server.script('GET /connectors?expand=info&expand=status', { status: 200, body: {} }, { status: 200, body: {} });
    server.script('POST /connectors', ...Array.from({ length: 4 }, () => ({ status: 201, body: {} })));
    const stuck = { status: 200, body: { 'cdc-pay-db-source': { status: running('cdc-pay-db-source') }, 'cdc-payments-sink': { status: unassigned('cdc-payments-sink') } } };
    server.script('GET /connectors?expand=status', ...Array.from({ length: 200 }, () => stuck));
    const fromEnvironment = await deployEnvironment(withConnect({ waitTimeoutMs: 1 }), { client: counting().client, pipelines: [payments], pollIntervalMs: 1 });
    expect(fromEnvironment.error?.message).toBe('timed out after 1 ms waiting for: cdc-payments-sink: UNASSIGNED (tasks none), wants RUNNING');
    const given = await deployEnvironment(withConnect({ waitTimeoutMs: 1 }), { client: counting().client, pipelines: [payments], pollIntervalMs: 1, waitTimeoutMs: 2 });
    expect(given.error?.message).toMatch(/^timed out after 2 ms waiting for: cdc-payments-sink/);
  });

  it('sends nothing when a definition is invalid', async () => {
    const environment = loadEnvironment('staging');
    const broken = { ...environment, sink: { ...environment.sink, batchSize: 0 } };
    await expect(deployEnvironment(broken, { client: counting().client, pipelines: [payments] })).rejects.toBeInstanceOf(InvalidConnectorDefinitions);
    expect(server.requests).toEqual([]);
  });
});

describe('InvalidConnectorDefinitions', () => {
  it('counts one field in the singular and indents each issue under the summary', () => {
    const error = new InvalidConnectorDefinitions([{ connector: 'cdc-orders-sink', field: 'batch.size', message: 'must be at least 1', value: '0', severity: 'error' }]);
    expect(error.message).toBe('1 invalid field: nothing was sent to Kafka Connect\n  cdc-orders-sink: batch.size: must be at least 1 (got "0")');
    expect(error.name).toBe('InvalidConnectorDefinitions');
  });

  it('counts several fields in the plural, one line each', () => {
    const error = new InvalidConnectorDefinitions([
      { connector: 'cdc-orders-sink', field: 'batch.size', message: 'must be at least 1', severity: 'error' },
      { connector: 'cdc-customers-sink', field: 'batch.size', message: 'must be at least 1', severity: 'error' },
    ]);
    expect(error.message.split('\n')).toEqual(['2 invalid fields: nothing was sent to Kafka Connect', '  cdc-orders-sink: batch.size: must be at least 1', '  cdc-customers-sink: batch.size: must be at least 1']);
  });
});
