import { loadEnvironment } from '../../../config';
import type { LiveConnector } from '../../../connectors/connect/client';
import { formatPlanMarkdown } from '../../../connectors/connect/format-plan';
import { diff } from '../../../connectors/connect/plan';
import { renderEnvironment, type RenderedConnector } from '../../../connectors/render';
import { describeDrift, driftOf } from '../../../gitops/drift';
import { assessHealth } from '../../../gitops/health';
import { generatedSecret } from '../../support/generated-secret';

const LEAKED = generatedSecret('password');

const staging = loadEnvironment('staging');
const desired = renderEnvironment(staging);
const PREFIX = staging.managedConnectorPrefix;

/** The worker as it is right after a successful apply of `connectors`. */
function liveFrom(connectors: readonly RenderedConnector[]): LiveConnector[] {
  return connectors.map((connector) => ({
    name: connector.name,
    config: { ...connector.config, name: connector.name },
    taskCount: 1,
    status: { name: connector.name, connector: { state: connector.state }, tasks: connector.state === 'STOPPED' ? [] : [{ id: 0, state: connector.state }] },
  }));
}

function withLive(name: string, change: (connector: LiveConnector) => LiveConnector): LiveConnector[] {
  return liveFrom(desired).map((connector) => (connector.name === name ? change(connector) : connector));
}

describe('drift: the plan read the other way round', () => {
  it('no drift when the worker runs what main defines', () => {
    expect(driftOf(diff(desired, liveFrom(desired), { managedPrefix: PREFIX }))).toEqual([]);
  });

  it('names each field changed behind the tool’s back with the live and main values', () => {
    const live = withLive('cdc-orders-sink', (connector) => ({ ...connector, config: { ...connector.config, 'batch.size': '555' } }));
    const drifted = driftOf(diff(desired, live, { managedPrefix: PREFIX }));
    expect(drifted).toEqual([{ connector: 'cdc-orders-sink', kind: 'config', fields: [{ field: 'batch.size', before: '555', after: '1000' }] }]);
    expect(describeDrift(drifted[0]!)).toEqual(['cdc-orders-sink: batch.size: live "555", main "1000"']);
  });

  it('masks a secret that drifted to a literal', () => {
    const live = withLive('cdc-orders-sink', (connector) => ({ ...connector, config: { ...connector.config, 'connection.password': LEAKED } }));
    const lines = driftOf(diff(desired, live, { managedPrefix: PREFIX })).flatMap(describeDrift);
    expect(lines).toEqual(['cdc-orders-sink: connection.password: live "****", main "${dir:/etc/connect-secrets:warehouse-password}"']);
    expect(lines.join()).not.toContain(LEAKED);
  });

  it('reports a paused connector, a missing one and one created by hand under the managed prefix', () => {
    const live = [
      ...withLive('cdc-orders-sink', (connector) => ({ ...connector, status: { ...connector.status!, connector: { state: 'PAUSED' }, tasks: [{ id: 0, state: 'PAUSED' }] } })).filter((connector) => connector.name !== 'cdc-customers-sink'),
      { name: 'cdc-by-hand-sink', config: { 'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector' }, taskCount: 1 },
      { name: 'someone-elses-sink', config: {}, taskCount: 1 },
    ];
    const lines = driftOf(diff(desired, live, { managedPrefix: PREFIX })).flatMap(describeDrift);
    expect(lines).toEqual([
      'cdc-by-hand-sink: on the worker under the managed prefix, but main does not define it',
      'cdc-customers-sink: missing on the worker (main defines it)',
      'cdc-orders-sink: state differs: main wants RUNNING',
    ]);
  });
});

describe('health after an apply', () => {
  it('healthy: every connector in its wanted state and nothing to change', () => {
    expect(assessHealth(desired, liveFrom(desired), PREFIX)).toEqual({ failed: [], waiting: [], converged: true });
  });

  it('a failed task is named with the first line of its trace', () => {
    const live = withLive('cdc-orders-sink', (connector) => ({ ...connector, status: { ...connector.status!, tasks: [{ id: 0, state: 'FAILED', trace: 'org.postgresql.util.PSQLException: Connection refused\n\tat …' }] } }));
    const health = assessHealth(desired, live, PREFIX);
    expect(health.failed).toEqual(['cdc-orders-sink: task 0 FAILED: org.postgresql.util.PSQLException: Connection refused']);
  });

  it('a connector without tasks yet is still waiting, and a changed config is not converged', () => {
    const live = withLive('cdc-orders-sink', (connector) => ({ ...connector, config: { ...connector.config, 'tasks.max': '9' }, status: { ...connector.status!, tasks: [] } }));
    const health = assessHealth(desired, live, PREFIX);
    expect(health.waiting).toEqual(['cdc-orders-sink: RUNNING (tasks none), wants RUNNING']);
    expect(health.converged).toBe(false);
  });
});

describe('plan Markdown for pull requests', () => {
  it('shows a create’s non-running state, failed connectors and connectors it never touches', () => {
    const stopped = desired.map((connector) => (connector.name === 'cdc-orders-sink' ? { ...connector, state: 'STOPPED' as const } : connector));
    const live = [
      ...liveFrom(desired).filter((connector) => connector.name !== 'cdc-orders-sink').map((connector) => (connector.name === 'cdc-customers-sink' ? { ...connector, status: { ...connector.status!, tasks: [{ id: 0, state: 'FAILED' as const }] } } : connector)),
      { name: 'analytics-sink', config: {}, taskCount: 1 },
    ];
    const markdown = formatPlanMarkdown(diff(stopped, live, { managedPrefix: PREFIX }), 'Connectors plan: staging');
    expect(markdown).toContain('| `cdc-orders-sink` | create (STOPPED) |');
    expect(markdown).toContain('- `cdc-customers-sink`: tasks 0');
    expect(markdown).toContain('Not managed by this repository (never touched): `analytics-sink`');
  });

  it('calls out a re-snapshotting change at the top, before the table', () => {
    const live = withLive('cdc-app-db-source', (connector) => ({ ...connector, config: { ...connector.config, 'snapshot.mode': 'no_data' } }));
    const markdown = formatPlanMarkdown(diff(desired, live, { managedPrefix: PREFIX }), 'Connectors plan: staging');
    expect(markdown.indexOf('[!WARNING]')).toBeGreaterThan(-1);
    expect(markdown.indexOf('snapshot.mode changes what the source captures')).toBeLessThan(markdown.indexOf('| connector |'));
  });
});
