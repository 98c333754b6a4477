import { apply, runBounded } from '../../../../connectors/connect/apply';
import type { ConnectClient, ConnectorStatus, LiveConnector } from '../../../../connectors/connect/client';
import { ConnectError } from '../../../../connectors/connect/errors';
import type { RenderedConnector } from '../../../../connectors/render';

/**
 * apply's failure paths against an in-memory stand-in of a worker (the client's interface over a
 * map of connectors; a real worker is exercised by tests/integration/pipeline.test.ts). The stand-in
 * records every write and can be told to refuse one, or to report a state after a write.
 */
type State = ConnectorStatus['connector']['state'];

interface StandInWorker {
  readonly client: ConnectClient;
  readonly writes: string[];
  /** Connectors whose create/update the stand-in refuses. */
  readonly refuse: Set<string>;
  /** The state each connector and its tasks report after a write (default: what was asked). */
  readonly reportAfterWrite: Map<string, { connector: State; tasks: State[] }>;
  /** The options of each restart asked for. */
  readonly restartOptions: unknown[];
}

function standInWorker(initial: readonly LiveConnector[] = []): StandInWorker {
  const live = new Map(initial.map((connector) => [connector.name, connector]));
  const writes: string[] = [];
  const refuse = new Set<string>();
  const reportAfterWrite = new Map<string, { connector: State; tasks: State[] }>();
  const restartOptions: unknown[] = [];
  const statusOf = (name: string, asked: State): ConnectorStatus => {
    const forced = reportAfterWrite.get(name);
    const connector = forced?.connector ?? asked;
    const tasks = forced?.tasks ?? (asked === 'STOPPED' ? [] : [asked]);
    return { name, connector: { state: connector, trace: connector === 'FAILED' ? 'org.apache.kafka.connect.errors.ConnectException: outer\nCaused by: java.sql.SQLException: the warehouse refused' : undefined }, tasks: tasks.map((state, id) => ({ id, state, trace: state === 'FAILED' ? 'x\nCaused by: java.sql.SQLException: the warehouse refused' : undefined })) };
  };
  const write = (what: string, name: string, config: Record<string, string> | undefined, state: State) => {
    writes.push(`${what} ${name}`);
    if (refuse.has(name)) throw new Error(`${name}: refused by the stand-in`);
    const previous = live.get(name);
    live.set(name, { name, config: { ...(config ?? previous?.config ?? {}), name }, taskCount: 1, status: statusOf(name, state) });
  };
  const client = {
    url: 'http://stand-in',
    listConnectors: async () => [...live.values()],
    listStatuses: async () => new Map([...live.values()].map((connector) => [connector.name, connector.status!])),
    createConnector: async (name: string, config: Record<string, string>, state: State = 'RUNNING') => write('create', name, config, state),
    putConfig: async (name: string, config: Record<string, string>) => write('update', name, config, live.get(name)?.status?.connector.state ?? 'RUNNING'),
    deleteConnector: async (name: string) => {
      writes.push(`delete ${name}`);
      live.delete(name);
    },
    pause: async (name: string) => write('pause', name, undefined, 'PAUSED'),
    resume: async (name: string) => write('resume', name, undefined, 'RUNNING'),
    stop: async (name: string) => write('stop', name, undefined, 'STOPPED'),
    restart: async (name: string, options: unknown) => {
      restartOptions.push(options);
      write('restart', name, undefined, 'RUNNING');
    },
    getOffsets: async () => ({ offsets: [] }),
  } as unknown as ConnectClient;
  return { client, writes, refuse, reportAfterWrite, restartOptions };
}

function sink(name: string, state: RenderedConnector['state'] = 'RUNNING', batch = '100'): RenderedConnector {
  return { name, role: 'sink', pipelines: [name], state, config: { 'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector', 'batch.size': batch } };
}

const fast = { managedPrefix: 'cdc-', pollIntervalMs: 5, waitTimeoutMs: 300 };

describe('apply: the first failure stops further changes', () => {
  it('with concurrency 1, no change after the refused one is written, and the result says which were applied', async () => {
    const worker = standInWorker();
    worker.refuse.add('cdc-b');
    const result = await apply(worker.client, [sink('cdc-a'), sink('cdc-b'), sink('cdc-c')], { ...fast, concurrency: 1 });
    expect(worker.writes).toEqual(['create cdc-a', 'create cdc-b']);
    expect(result.applied.map((change) => change.connector)).toEqual(['cdc-a']);
    expect(result.notApplied.map((change) => change.connector)).toEqual(['cdc-b', 'cdc-c']);
    expect(result.error?.message).toBe('cdc-b: refused by the stand-in');
  });

  it('does not wait for desired states after a failed write', async () => {
    const worker = standInWorker();
    worker.refuse.add('cdc-a');
    worker.reportAfterWrite.set('cdc-b', { connector: 'RUNNING', tasks: ['UNASSIGNED'] });
    const started = Date.now();
    await apply(worker.client, [sink('cdc-a'), sink('cdc-b')], { ...fast, concurrency: 1, waitTimeoutMs: 5_000 });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('a second apply converges from a fresh read', async () => {
    const worker = standInWorker();
    worker.refuse.add('cdc-b');
    await apply(worker.client, [sink('cdc-a'), sink('cdc-b')], { ...fast, concurrency: 1 });
    worker.refuse.clear();
    worker.writes.length = 0;
    const second = await apply(worker.client, [sink('cdc-a'), sink('cdc-b')], { ...fast, concurrency: 1 });
    expect(worker.writes).toEqual(['create cdc-b']);
    expect(second.error).toBeUndefined();
  });

  it('runBounded starts no new item after a failure, and never more than the limit at once', async () => {
    let inFlight = 0;
    let most = 0;
    const started: number[] = [];
    const { done, failed } = await runBounded([1, 2, 3, 4, 5, 6], 2, async (item) => {
      started.push(item);
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      if (item === 3) throw new Error('three');
    });
    expect(most).toBe(2);
    expect(failed?.error.message).toBe('three');
    expect(started).not.toContain(5);
    expect(done).not.toContain(3);
  });
});

describe('apply: waiting for the desired state', () => {
  it('reports a connector whose task FAILED after the write, with the root cause, at once', async () => {
    const worker = standInWorker();
    worker.reportAfterWrite.set('cdc-a', { connector: 'RUNNING', tasks: ['FAILED'] });
    const result = await apply(worker.client, [sink('cdc-a')], { ...fast, waitTimeoutMs: 5_000 });
    expect(result.error?.message).toBe('cdc-a: FAILED after apply: java.sql.SQLException: the warehouse refused');
  });

  it('times out naming each connector still waiting and its state', async () => {
    const worker = standInWorker();
    worker.reportAfterWrite.set('cdc-a', { connector: 'RUNNING', tasks: ['UNASSIGNED'] });
    const result = await apply(worker.client, [sink('cdc-a'), sink('cdc-b')], fast);
    expect(result.error?.message).toBe('timed out after 300 ms waiting for: cdc-a: RUNNING (tasks 0:UNASSIGNED), wants RUNNING');
  });

  it('waits for PAUSED and STOPPED as asked, not for RUNNING', async () => {
    const worker = standInWorker();
    const result = await apply(worker.client, [sink('cdc-a', 'PAUSED'), sink('cdc-b', 'STOPPED')], fast);
    expect(result.error).toBeUndefined();
  });

  it('a state-only change (pause) is applied and waited for', async () => {
    const worker = standInWorker();
    await apply(worker.client, [sink('cdc-a')], fast);
    worker.writes.length = 0;
    const result = await apply(worker.client, [sink('cdc-a', 'PAUSED')], fast);
    expect(worker.writes).toEqual(['pause cdc-a']);
    expect(result.applied.map((change) => change.action)).toEqual(['pause']);
    expect(result.error).toBeUndefined();
  });
});

describe('apply: state-only changes each send their own call', () => {
  it.each([
    ['PAUSED', 'RUNNING', 'resume cdc-orders-sink'],
    ['RUNNING', 'STOPPED', 'stop cdc-orders-sink'],
  ] as const)('a connector %s that the config wants %s gets %s, and reaches it', async (from, to, call) => {
    const worker = standInWorker();
    await apply(worker.client, [sink('cdc-orders-sink', from)], fast);
    worker.writes.length = 0;
    const result = await apply(worker.client, [sink('cdc-orders-sink', to)], fast);
    expect(worker.writes).toEqual([call]);
    expect(result.error).toBeUndefined();
  });
});

describe('apply: --restart-failed', () => {
  it('restarts connectors the plan saw failed and waits for them', async () => {
    const worker = standInWorker();
    worker.reportAfterWrite.set('cdc-a', { connector: 'RUNNING', tasks: ['FAILED'] });
    await apply(worker.client, [sink('cdc-a')], fast);
    worker.reportAfterWrite.clear();
    worker.writes.length = 0;
    const result = await apply(worker.client, [sink('cdc-a')], { ...fast, restartFailed: true });
    expect(worker.writes).toEqual(['restart cdc-a']);
    expect(result.restarted).toEqual(['cdc-a']);
    expect(result.error).toBeUndefined();
  });

  it('restarts nothing without the option', async () => {
    const worker = standInWorker();
    worker.reportAfterWrite.set('cdc-a', { connector: 'RUNNING', tasks: ['FAILED'] });
    await apply(worker.client, [sink('cdc-a')], fast);
    worker.writes.length = 0;
    const result = await apply(worker.client, [sink('cdc-a')], fast);
    expect(worker.writes).toEqual([]);
    expect(result.restarted).toEqual([]);
  });
});

describe('apply: offsets before a change', () => {
  it('snapshots exactly the connectors about to be updated or deleted, before the first write', async () => {
    const worker = standInWorker();
    await apply(worker.client, [sink('cdc-a'), sink('cdc-b'), sink('cdc-c')], fast);
    worker.writes.length = 0;
    const snapshots: string[][] = [];
    await apply(worker.client, [sink('cdc-a', 'RUNNING', '5'), sink('cdc-b')], {
      ...fast,
      prune: true,
      onOffsetsSnapshot: (snapshot) => void snapshots.push([...Object.keys(snapshot.connectors), `writes so far: ${worker.writes.length}`]),
    });
    expect(snapshots).toEqual([['cdc-a', 'cdc-c', 'writes so far: 0']]);
  });
});

describe('apply: what it says and writes, change by change', () => {
  it('reports each write, the wait, and the end of the wait', async () => {
    const worker = standInWorker();
    worker.reportAfterWrite.set('cdc-b', { connector: 'RUNNING', tasks: ['UNASSIGNED'] });
    const progress: string[] = [];
    let reads = 0;
    const listStatuses = worker.client.listStatuses.bind(worker.client);
    // cdc-b's task is assigned from the third read on; the same wait is reported once.
    (worker.client as { listStatuses: ConnectClient['listStatuses'] }).listStatuses = async () => {
      const statuses = await listStatuses();
      if (++reads >= 3) statuses.set('cdc-b', { name: 'cdc-b', connector: { state: 'RUNNING' }, tasks: [{ id: 0, state: 'RUNNING' }] });
      return statuses;
    };
    const result = await apply(worker.client, [sink('cdc-a'), sink('cdc-b')], { ...fast, concurrency: 1, onProgress: (line) => progress.push(line) });
    expect(result.error).toBeUndefined();
    expect(progress).toEqual(['create cdc-a', 'create cdc-b', 'waiting for 1/2 connectors to reach their desired state', '2 connectors reached their desired state']);
  });

  it('updates the config, then moves to the wanted state when both changed', async () => {
    const worker = standInWorker();
    await apply(worker.client, [sink('cdc-a')], fast);
    worker.writes.length = 0;
    const result = await apply(worker.client, [sink('cdc-a', 'PAUSED', '5')], fast);
    expect(worker.writes).toEqual(['update cdc-a', 'pause cdc-a']);
    expect(result.applied.map((change) => [change.action, change.then])).toEqual([['update', 'pause']]);
    expect(result.error).toBeUndefined();
  });

  it('deletes with prune and does not wait for a deleted connector', async () => {
    const worker = standInWorker();
    await apply(worker.client, [sink('cdc-a'), sink('cdc-b')], fast);
    worker.writes.length = 0;
    const progress: string[] = [];
    const result = await apply(worker.client, [sink('cdc-a')], { ...fast, prune: true, onProgress: (line) => progress.push(line) });
    expect(worker.writes).toEqual(['delete cdc-b']);
    expect(result.error).toBeUndefined();
    expect(progress).toEqual(['delete cdc-b']);
  });

  it('reads no status and says nothing more when nothing changed', async () => {
    const worker = standInWorker();
    await apply(worker.client, [sink('cdc-a')], fast);
    const listStatuses = jest.spyOn(worker.client, 'listStatuses');
    const progress: string[] = [];
    const result = await apply(worker.client, [sink('cdc-a')], { ...fast, onProgress: (line) => progress.push(line) });
    expect(result).toMatchObject({ applied: [], notApplied: [], restarted: [] });
    expect(result.error).toBeUndefined();
    expect(listStatuses).not.toHaveBeenCalled();
    expect(progress).toEqual([]);
  });

  it('restarts only the failed tasks of a failed connector, with its tasks, and says so', async () => {
    const worker = standInWorker();
    worker.reportAfterWrite.set('cdc-a', { connector: 'RUNNING', tasks: ['FAILED'] });
    await apply(worker.client, [sink('cdc-a')], fast);
    worker.reportAfterWrite.clear();
    const progress: string[] = [];
    await apply(worker.client, [sink('cdc-a')], { ...fast, restartFailed: true, onProgress: (line) => progress.push(line) });
    expect(worker.restartOptions).toEqual([{ includeTasks: true, onlyFailed: true }]);
    expect(progress).toEqual(['restart failed tasks of cdc-a', '1 connectors reached their desired state']);
  });

  it('does not restart a failed connector it is about to delete', async () => {
    const worker = standInWorker();
    worker.reportAfterWrite.set('cdc-b', { connector: 'RUNNING', tasks: ['FAILED'] });
    await apply(worker.client, [sink('cdc-a'), sink('cdc-b')], fast);
    worker.writes.length = 0;
    const result = await apply(worker.client, [sink('cdc-a')], { ...fast, prune: true, restartFailed: true });
    expect(worker.writes).toEqual(['delete cdc-b']);
    expect(result.restarted).toEqual([]);
  });

  it('takes no snapshot when only creates are planned, and stamps one with the clock it is given', async () => {
    const worker = standInWorker();
    const snapshots: string[] = [];
    await apply(worker.client, [sink('cdc-a')], { ...fast, onOffsetsSnapshot: (snapshot) => void snapshots.push(snapshot.takenAt) });
    expect(snapshots).toEqual([]);
    await apply(worker.client, [sink('cdc-a', 'RUNNING', '5')], { ...fast, now: () => new Date('2026-11-30T09:00:00.000Z'), onOffsetsSnapshot: (snapshot) => void snapshots.push(`${snapshot.takenAt} ${snapshot.worker}`) });
    expect(snapshots).toEqual(['2026-11-30T09:00:00.000Z http://stand-in']);
  });
});

describe('apply: the details an operator acts on', () => {
  it('sends the whole rendered config on an update, and moves state only when the plan says so', async () => {
    const worker = standInWorker();
    await apply(worker.client, [sink('cdc-a')], fast);
    worker.writes.length = 0;
    const result = await apply(worker.client, [sink('cdc-a', 'RUNNING', '5')], fast);
    expect(worker.writes).toEqual(['update cdc-a']);
    expect(result.error).toBeUndefined();
    expect((await worker.client.listConnectors())[0]!.config).toEqual({ 'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector', 'batch.size': '5', name: 'cdc-a' });
  });

  it('restarts nothing after a failed write', async () => {
    const worker = standInWorker();
    worker.refuse.add('cdc-a');
    const result = await apply(worker.client, [sink('cdc-a')], { ...fast, restartFailed: true });
    expect(result.restarted).toEqual([]);
  });

  it('a connector FAILED after the write carries where to look and what to do', async () => {
    const worker = standInWorker();
    worker.reportAfterWrite.set('cdc-a', { connector: 'RUNNING', tasks: ['FAILED'] });
    const result = await apply(worker.client, [sink('cdc-a')], { ...fast, waitTimeoutMs: 5_000 });
    expect(result.error).toBeInstanceOf(ConnectError);
    expect((result.error as ConnectError).details).toMatchObject({
      method: 'GET',
      url: 'http://stand-in/connectors/cdc-a/status',
      connector: 'cdc-a',
      suggestion: 'see the trace with cdcctl connectors status cdc-a; fix the definition and apply again, or cdcctl connectors restart cdc-a --only-failed',
    });
  });

  it('a time-out names every connector still waiting, separated', async () => {
    const worker = standInWorker();
    worker.reportAfterWrite.set('cdc-a', { connector: 'RUNNING', tasks: ['UNASSIGNED'] });
    worker.reportAfterWrite.set('cdc-b', { connector: 'PAUSED', tasks: ['PAUSED'] });
    const result = await apply(worker.client, [sink('cdc-a'), sink('cdc-b')], fast);
    expect(result.error?.message).toBe('timed out after 300 ms waiting for: cdc-a: RUNNING (tasks 0:UNASSIGNED), wants RUNNING; cdc-b: PAUSED (tasks 0:PAUSED), wants RUNNING');
  });
});
