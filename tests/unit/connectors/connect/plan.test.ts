import { loadEnvironment } from '../../../../config';
import type { LiveConnector } from '../../../../connectors/connect/client';
import { formatPlanJson, formatPlanMarkdown } from '../../../../connectors/connect/format-plan';
import { diff, hasChanges } from '../../../../connectors/connect/plan';
import { renderEnvironment, type RenderedConnector } from '../../../../connectors/render';
import { generatedSecret } from '../../../support/generated-secret';

const LEAKED = generatedSecret('password');

const desired = renderEnvironment(loadEnvironment('staging'));
const options = { managedPrefix: 'cdc-' };

/** What GET /connectors?expand=info&expand=status returns for a connector created from `connector`. */
function echo(connector: RenderedConnector, state: 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED' = 'RUNNING', tasks: Array<'RUNNING' | 'FAILED'> = ['RUNNING']): LiveConnector {
  return {
    name: connector.name,
    config: { ...connector.config, name: connector.name },
    taskCount: tasks.length,
    status: { name: connector.name, connector: { state, worker_id: 'w:8083' }, tasks: tasks.map((task, id) => ({ id, state: task, worker_id: 'w:8083' })), type: connector.role },
  };
}

describe('plan', () => {
  it('is a no-op for the rendered pipelines against their own live-format echo', () => {
    const plan = diff(desired, desired.map((connector) => echo(connector)), options);
    expect(plan.changes.map((change) => change.action)).toEqual(desired.map(() => 'none'));
    expect(hasChanges(plan)).toBe(false);
  });

  it('counts a change of state alone as a change: a plan that only resumes a connector is not "no changes"', () => {
    const live = desired.map((connector) => echo(connector));
    live[0] = echo(desired[0]!, 'PAUSED');
    const plan = diff(desired, live, options);
    expect(plan.changes[0]).toMatchObject({ action: 'resume', diff: [] });
    expect(hasChanges(plan)).toBe(true);
  });

  it('creates what is missing', () => {
    const plan = diff(desired, [], options);
    expect(plan.changes.map((change) => change.action)).toEqual(['create', 'create', 'create']);
  });

  it('updates in place with a field-level diff', () => {
    const live = desired.map((connector) => echo(connector));
    live[1] = { ...live[1]!, config: { ...live[1]!.config, 'batch.size': '10' } };
    const change = diff(desired, live, options).changes[1]!;
    expect(change.action).toBe('update');
    expect(change.diff).toEqual([{ field: 'batch.size', before: '10', after: '1000' }]);
  });

  it('reports a key added behind the tool’s back as a change to remove it', () => {
    const live = desired.map((connector) => echo(connector));
    live[0] = { ...live[0]!, config: { ...live[0]!.config, 'snapshot.delay.ms': '5' } };
    expect(diff(desired, live, options).changes[0]?.diff).toEqual([{ field: 'snapshot.delay.ms', before: '5', after: undefined }]);
  });

  it('masks a literal secret found on the worker', () => {
    const live = desired.map((connector) => echo(connector));
    const sink = live.findIndex((connector) => connector.name === 'cdc-orders-sink');
    live[sink] = { ...live[sink]!, config: { ...live[sink]!.config, 'connection.password': LEAKED } };
    const plan = diff(desired, live, options);
    expect(formatPlanJson(plan)).not.toContain(LEAKED);
    expect(plan.changes[sink]?.diff).toEqual([{ field: 'connection.password', before: '****', after: '${dir:/etc/connect-secrets:warehouse-password}' }]);
  });

  it('calls out a change that makes the source re-snapshot', () => {
    const live = desired.map((connector) => echo(connector));
    live[0] = { ...live[0]!, config: { ...live[0]!.config, 'snapshot.mode': 'no_data' } };
    const plan = diff(desired, live, options);
    expect(plan.changes[0]?.destructive.join(' ')).toContain('snapshot.mode');
    expect(formatPlanMarkdown(plan, 'staging')).toContain('[!WARNING]');
  });

  describe('what a plan calls out before merging', () => {
    const changed = (index: number, config: Record<string, string>) => {
      const live = desired.map((connector) => echo(connector));
      live[index] = { ...live[index]!, config: { ...live[index]!.config, ...config } };
      return diff(desired, live, options).changes[index]!;
    };
    const source = desired.findIndex((connector) => connector.role === 'source');
    const sink = desired.findIndex((connector) => connector.role === 'sink');

    it.each([
      'snapshot.mode',
      'collection.include.list',
      'collection.exclude.list',
      'database.include.list',
      'database.exclude.list',
      'capture.scope',
      'capture.target',
      'capture.mode',
      'topic.prefix',
      'mongodb.connection.string',
      'cursor.pipeline',
    ])('a change of the source’s %s: a re-snapshot or a gap', (field) => {
      expect(changed(source, { [field]: 'changed' }).destructive).toEqual([expect.stringMatching(new RegExp(`^${field} changes what the source captures: expect a re-snapshot or a gap`))]);
    });

    it.each(['collection.name.format', 'topics', 'topics.regex', 'connection.url', 'primary.key.mode', 'primary.key.fields'])(
      'a change of the sink’s %s: where it writes or how rows are keyed',
      (field) => {
        expect(changed(sink, { [field]: 'changed' }).destructive).toEqual([`${field} changes where the sink writes or how rows are keyed`]);
      },
    );

    it('a change of connector.class: another plugin, whose offsets do not carry over', () => {
      expect(changed(sink, { 'connector.class': 'com.example.OtherSink' }).destructive).toEqual([expect.stringContaining('its offsets do not carry over')]);
    });

    it('nothing for a tuning change, nor for a create', () => {
      const tuned = desired.map((connector) => echo(connector));
      tuned[sink] = { ...tuned[sink]!, config: { ...tuned[sink]!.config, 'batch.size': '10' } };
      const plans = [diff(desired, tuned, options), diff(desired, [], options)];
      expect(plans.map((plan) => plan.changes.flatMap((change) => change.destructive))).toEqual([[], []]);
      expect(plans.map((plan) => formatPlanMarkdown(plan, 'staging'))).not.toContainEqual(expect.stringContaining('[!WARNING]'));
    });

    it('a delete: the tasks stop, the offsets stay', () => {
      const extra = echo({ ...desired[1]!, name: 'cdc-legacy-sink' });
      const change = diff([], [extra], { ...options, prune: true }).changes[0]!;
      expect(change).toMatchObject({ action: 'delete', destructive: [expect.stringMatching(/deleted: its tasks stop; its offsets stay/)] });
    });
  });

  it('deletes a managed connector that is no longer defined only with prune', () => {
    const extra: RenderedConnector = { ...desired[1]!, name: 'cdc-legacy-sink' };
    const live = [...desired.map((connector) => echo(connector)), echo(extra)];
    const kept = diff(desired, live, options);
    expect(kept.changes.map((change) => change.connector)).not.toContain('cdc-legacy-sink');
    expect(kept.orphaned).toEqual(['cdc-legacy-sink']);
    const pruned = diff(desired, live, { ...options, prune: true });
    expect(pruned.changes.find((change) => change.connector === 'cdc-legacy-sink')?.action).toBe('delete');
  });

  it('never touches connectors outside the managed prefix, even with prune', () => {
    const other: RenderedConnector = { ...desired[1]!, name: 'analytics-sink' };
    const plan = diff(desired, [...desired.map((connector) => echo(connector)), echo(other)], { ...options, prune: true });
    expect(plan.changes.map((change) => change.connector)).not.toContain('analytics-sink');
    expect(plan.unmanaged).toEqual(['analytics-sink']);
  });

  it.each([
    ['RUNNING', 'PAUSED', 'resume'],
    ['RUNNING', 'STOPPED', 'resume'],
    ['PAUSED', 'RUNNING', 'pause'],
    ['PAUSED', 'STOPPED', 'pause'],
    ['STOPPED', 'RUNNING', 'stop'],
    ['STOPPED', 'PAUSED', 'stop'],
    ['PAUSED', 'PAUSED', 'none'],
    ['STOPPED', 'STOPPED', 'none'],
    ['RUNNING', 'FAILED', 'none'],
  ] as const)('desired %s with live %s plans %s', (want, live, action) => {
    const connector = { ...desired[0]!, state: want };
    expect(diff([connector], [echo(connector, live)], options).changes[0]?.action).toBe(action);
  });

  it('updates and then changes state when both differ', () => {
    const connector = { ...desired[0]!, state: 'PAUSED' as const };
    const live = echo(connector, 'RUNNING');
    const change = diff([connector], [{ ...live, config: { ...live.config, 'poll.interval.ms': '1' } }], options).changes[0]!;
    expect([change.action, change.then]).toEqual(['update', 'pause']);
  });

  it('reports failed tasks seen live', () => {
    const plan = diff([desired[1]!], [echo(desired[1]!, 'RUNNING', ['RUNNING', 'FAILED'])], options);
    expect(plan.changes[0]?.failed).toEqual({ connector: false, tasks: [1] });
  });

  it('changes nothing of a connector whose status the worker did not report', () => {
    const connectors = (['RUNNING', 'PAUSED', 'STOPPED'] as const).map((state, index) => ({ ...desired[index]!, state }));
    const plan = diff(connectors, connectors.map((connector) => ({ ...echo(connector), status: undefined })), options);
    expect(plan.changes.map((change) => [change.action, change.failed])).toEqual(connectors.map(() => ['none', undefined]));
  });

  it('only resumes a connector that differs in state alone: no "then"', () => {
    const change = diff([desired[0]!], [echo(desired[0]!, 'PAUSED')], options).changes[0]!;
    expect(change).toMatchObject({ action: 'resume', diff: [] });
    expect(change.then).toBeUndefined();
  });

  it('reports a failed connector whose tasks run, and nothing failed when all run', () => {
    const plan = diff(desired, desired.map((connector, index) => echo(connector, index === 0 ? 'FAILED' : 'RUNNING')), options);
    expect(plan.changes.map((change) => change.failed)).toEqual([{ connector: true, tasks: [] }, undefined, undefined]);
  });

  it('lists the fields of a change in name order', () => {
    const live = desired.map((connector) => echo(connector));
    live[1] = { ...live[1]!, config: { ...live[1]!.config, 'batch.size': '10', 'aaa.added.by.hand': 'x' } };
    expect(diff(desired, live, options).changes[1]?.diff.map((change) => change.field)).toEqual(['aaa.added.by.hand', 'batch.size']);
  });

  it('lists changes, unmanaged and orphaned connectors in name order, whatever the order they were read in', () => {
    const renamed = (name: string): RenderedConnector => ({ ...desired[1]!, name });
    const live = ['zeta-sink', 'alpha-sink', 'cdc-zz-sink', 'cdc-aa-sink'].map((name) => echo(renamed(name)));
    const wanted = [renamed('cdc-z-new'), renamed('cdc-a-new')];
    expect(diff(wanted, live, options)).toMatchObject({ changes: [{ connector: 'cdc-a-new' }, { connector: 'cdc-z-new' }], unmanaged: ['alpha-sink', 'zeta-sink'], orphaned: ['cdc-aa-sink', 'cdc-zz-sink'] });
    expect(diff(wanted, live, { ...options, prune: true }).changes.map((change) => change.connector)).toEqual(['cdc-a-new', 'cdc-aa-sink', 'cdc-z-new', 'cdc-zz-sink']);
  });

  it('prints plan JSON as {changes:[{connector, action, diff}]}', () => {
    const parsed = JSON.parse(formatPlanJson(diff(desired, [], options)));
    expect(parsed.changes[0]).toMatchObject({ connector: 'cdc-app-db-source', action: 'create' });
    expect(Array.isArray(parsed.changes[0].diff)).toBe(true);
  });
});
