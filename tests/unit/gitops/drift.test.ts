import { loadEnvironment } from '../../../config';
import type { ConnectClient, LiveConnector } from '../../../connectors/connect/client';
import { renderEnvironment, type RenderedConnector } from '../../../connectors/render';
import { detectDrift } from '../../../gitops/drift';

/**
 * The scheduled drift check end to end, against a stand-in of the worker (the client's one read,
 * listConnectors): its exit code, the text of the job log and the Markdown of the run's summary.
 */
const staging = loadEnvironment('staging');
const desired = renderEnvironment(staging);

/** The worker right after a successful apply of `connectors`. */
function liveFrom(connectors: readonly RenderedConnector[]): LiveConnector[] {
  return connectors.map((connector) => ({
    name: connector.name,
    config: { ...connector.config, name: connector.name },
    taskCount: 1,
    status: { name: connector.name, connector: { state: connector.state, worker_id: '10.0.3.17:8083' }, tasks: [{ id: 0, state: connector.state, worker_id: '10.0.3.17:8083' }] },
  }));
}

function standInWorker(live: readonly LiveConnector[]): ConnectClient {
  return { url: staging.connect.url, listConnectors: async () => [...live] } as unknown as ConnectClient;
}

const changed = (name: string, change: (connector: LiveConnector) => LiveConnector) => liveFrom(desired).map((connector) => (connector.name === name ? change(connector) : connector));
const paused = (connector: LiveConnector): LiveConnector => ({ ...connector, status: { ...connector.status!, connector: { state: 'PAUSED' }, tasks: [{ id: 0, state: 'PAUSED' }] } });
const FIX = '  fix: revert the change on the worker by running the connectors workflow on main (apply), or change main to match';

describe('detectDrift', () => {
  it('exits 0 and says the worker runs what main defines', async () => {
    const report = await detectDrift(staging, { client: standInWorker(liveFrom(desired)) });
    const line = 'no drift in staging: the worker at https://kafka-connect.cdc-platform.svc.cluster.local:8083 runs what main defines';
    expect(report).toEqual({ environment: 'staging', exitCode: 0, drifted: [], text: line, markdown: `### Connectors drift: staging\n\n${line}\n` });
  });

  it('exits 2 on one drifted connector, names the field with its live and main values, and says how to fix it', async () => {
    const report = await detectDrift(staging, { client: standInWorker(changed('cdc-orders-sink', (connector) => ({ ...connector, config: { ...connector.config, 'batch.size': '555' } }))) });
    expect(report.exitCode).toBe(2);
    expect(report.drifted).toEqual([{ connector: 'cdc-orders-sink', kind: 'config', fields: [{ field: 'batch.size', before: '555', after: '1000' }] }]);
    expect(report.text).toBe(['drift in staging: 1 connector differ from main (https://kafka-connect.cdc-platform.svc.cluster.local:8083)', '  cdc-orders-sink: batch.size: live "555", main "1000"', FIX].join('\n'));
    const [head, plan] = report.markdown.split('#### The plan that would put main back\n');
    expect(head).toBe(['### Connectors drift: staging', '', '> [!WARNING]', '> 1 connector differ from main', '', '- cdc-orders-sink: batch.size: live "555", main "1000"', '', ''].join('\n'));
    expect(plan).toContain('**1 to update** · exit code 2');
    expect(plan!.endsWith('\n\n')).toBe(true);
    expect(report.markdown).not.toMatch(/^### Connectors plan/m);
  });

  it('counts connectors in the plural, and names a field set by hand that main leaves unset', async () => {
    const live = changed('cdc-orders-sink', (connector) => ({ ...connector, config: { ...connector.config, 'consumer.override.max.poll.records': '50' } })).filter((connector) => connector.name !== 'cdc-customers-sink');
    const report = await detectDrift(staging, { client: standInWorker(live) });
    expect(report.text.split('\n')).toEqual([
      'drift in staging: 2 connectors differ from main (https://kafka-connect.cdc-platform.svc.cluster.local:8083)',
      '  cdc-customers-sink: missing on the worker (main defines it)',
      '  cdc-orders-sink: consumer.override.max.poll.records: live "50", main (unset)',
      FIX,
    ]);
    expect(report.markdown).toContain('\n> 2 connectors differ from main\n');
  });

  it('reports a state changed by hand with the state main wants, and a config change with it as both', async () => {
    const pausedOnly = await detectDrift(staging, { client: standInWorker(changed('cdc-orders-sink', paused)) });
    expect(pausedOnly.drifted).toEqual([{ connector: 'cdc-orders-sink', kind: 'state', fields: [], wantedState: 'RUNNING' }]);
    const both = await detectDrift(staging, { client: standInWorker(changed('cdc-orders-sink', (connector) => paused({ ...connector, config: { ...connector.config, 'batch.size': '555' } }))) });
    expect(both.drifted).toEqual([{ connector: 'cdc-orders-sink', kind: 'config', fields: [{ field: 'batch.size', before: '555', after: '1000' }], wantedState: 'RUNNING' }]);
    expect(both.text).toContain('\n  cdc-orders-sink: batch.size: live "555", main "1000"\n  cdc-orders-sink: state differs too: main wants RUNNING\n');
  });

  it('reports a connector created by hand under the managed prefix, kept or planned for delete with prune', async () => {
    const live = [...liveFrom(desired), { name: 'cdc-returns-sink', config: { 'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector', name: 'cdc-returns-sink' }, taskCount: 1 }];
    const expected = [{ connector: 'cdc-returns-sink', kind: 'not-in-main', fields: [] }];
    expect((await detectDrift(staging, { client: standInWorker(live) })).drifted).toEqual(expected);
    const pruned = await detectDrift(staging, { client: standInWorker(live), prune: true });
    expect(pruned.drifted).toEqual(expected);
    expect(pruned.text).toContain('\n  cdc-returns-sink: on the worker under the managed prefix, but main does not define it\n');
  });

  it('exits 1 when the worker cannot be read, with the plan step\'s reason under a drift heading', async () => {
    const worker = { url: staging.connect.url, listConnectors: async () => Promise.reject(new Error('GET /connectors?expand=info&expand=status: connect ECONNREFUSED 10.0.3.17:8083')) } as unknown as ConnectClient;
    const report = await detectDrift(staging, { client: worker });
    expect(report.exitCode).toBe(1);
    expect(report.drifted).toEqual([]);
    expect(report.text).toBe('Connectors plan: staging: the worker at https://kafka-connect.cdc-platform.svc.cluster.local:8083 could not be read\n  GET /connectors?expand=info&expand=status: connect ECONNREFUSED 10.0.3.17:8083');
    expect(report.markdown.split('\n').slice(0, 6)).toEqual(['### Connectors drift: staging', '', '**no plan** · exit code 1', '', '> [!CAUTION]', '> the worker at https://kafka-connect.cdc-platform.svc.cluster.local:8083 could not be read']);
  });
});
