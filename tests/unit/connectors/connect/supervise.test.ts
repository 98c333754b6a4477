import type { ConnectClient, ConnectorStatus } from '../../../../connectors/connect/client';
import { decide, FRESH_RECORD, newSupervisorState, restartDelayMs, supervise, superviseOnce, supervisorMetrics, type RestartPolicy, type RestartRecord } from '../../../../connectors/connect/supervise';

const MINUTE = 60_000;
/** Strimzi's autoRestart: unit one minute, capped at an hour. */
const strimzi: RestartPolicy = { unitMs: MINUTE, maxDelayMs: 60 * MINUTE, maxRestarts: 10, healthyResetMs: 10 * MINUTE };

describe('restartDelayMs: unit × (n² + n), capped', () => {
  it("gives Strimzi's sequence: at once, then 2, 6, 12, 20, 30, 42, 56 minutes, then 60", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => restartDelayMs(n, strimzi) / MINUTE)).toEqual([0, 2, 6, 12, 20, 30, 42, 56, 60, 60]);
  });
});

describe('decide', () => {
  const at = (restarts: number, lastRestartAt: number, gaveUp = false): RestartRecord => ({ restarts, lastRestartAt, gaveUp, history: [] });

  it('restarts a failed connector at once the first time', () => {
    const { decision, record } = decide(FRESH_RECORD, true, 1_000, strimzi);
    expect(decision).toBe('restart');
    expect(record).toEqual({ restarts: 1, lastRestartAt: 1_000, gaveUp: false, history: [1_000] });
  });

  it('waits the delay of its restart count before the next restart, and not a millisecond less', () => {
    expect(decide(at(1, 0), true, 2 * MINUTE - 1, strimzi).decision).toBe('wait');
    expect(decide(at(1, 0), true, 2 * MINUTE, strimzi).decision).toBe('restart');
    expect(decide(at(3, 0), true, 12 * MINUTE - 1, strimzi).decision).toBe('wait');
    expect(decide(at(3, 0), true, 12 * MINUTE, strimzi).decision).toBe('restart');
  });

  it('gives up once the restarts reach the cap, and then stays given up while failed', () => {
    const gaveUp = decide(at(10, 0), true, 1_000 * MINUTE, strimzi);
    expect(gaveUp.decision).toBe('give-up');
    expect(gaveUp.record.gaveUp).toBe(true);
    expect(decide(gaveUp.record, true, 2_000 * MINUTE, strimzi).decision).toBe('given-up');
    expect(decide(at(9, 0), true, 1_000 * MINUTE, strimzi).decision).toBe('restart');
  });

  it('with maxRestarts 0 never restarts', () => {
    expect(decide(FRESH_RECORD, true, 0, { ...strimzi, maxRestarts: 0 }).decision).toBe('give-up');
  });

  it('forgets the count once healthy for the reset period after the last restart, not before', () => {
    expect(decide(at(4, 0), false, 10 * MINUTE - 1, strimzi).record.restarts).toBe(4);
    expect(decide(at(4, 0), false, 10 * MINUTE, strimzi).record).toEqual(FRESH_RECORD);
  });

  it('takes a given-up connector back once it is healthy again (a person restarted it)', () => {
    expect(decide(at(10, 0, true), false, 20 * MINUTE, strimzi).record).toEqual(FRESH_RECORD);
  });
});

type State = ConnectorStatus['connector']['state'];
function worker(statuses: Record<string, { connector: State; tasks: State[] }>) {
  const restarts: string[] = [];
  const client = {
    url: 'http://stand-in',
    listStatuses: async () =>
      new Map(Object.entries(statuses).map(([name, status]) => [name, { name, connector: { state: status.connector }, tasks: status.tasks.map((state, id) => ({ id, state, trace: state === 'FAILED' ? 'x\nCaused by: java.net.ConnectException: Connection refused' : undefined })) }])),
    restart: async (name: string, options: { includeTasks?: boolean; onlyFailed?: boolean }) => void restarts.push(`${name} includeTasks=${options.includeTasks} onlyFailed=${options.onlyFailed}`),
  } as unknown as ConnectClient;
  return { client, restarts, statuses };
}

describe('superviseOnce against a worker (an in-memory stand-in of the client)', () => {
  const policy: RestartPolicy = { unitMs: 1_000, maxDelayMs: 10_000, maxRestarts: 2, healthyResetMs: 5_000 };

  it('restarts only failed parts of failed managed connectors, and leaves unmanaged ones alone', async () => {
    const { client, restarts } = worker({ 'cdc-a': { connector: 'RUNNING', tasks: ['FAILED'] }, 'cdc-b': { connector: 'RUNNING', tasks: ['RUNNING'] }, 'other-c': { connector: 'FAILED', tasks: [] } });
    const events = await superviseOnce(client, newSupervisorState(), { policy, managedPrefix: 'cdc-', now: () => 0 });
    expect(restarts).toEqual(['cdc-a includeTasks=true onlyFailed=true']);
    expect(events).toEqual([{ connector: 'cdc-a', decision: 'restart', restarts: 1, failures: ['cdc-a: task 0 FAILED: java.net.ConnectException: Connection refused'] }]);
  });

  it('restarts with backoff across rounds, gives up at the cap, and reports it in its metrics', async () => {
    const { client, restarts } = worker({ 'cdc-a': { connector: 'FAILED', tasks: [] } });
    const state = newSupervisorState();
    const round = (now: number) => superviseOnce(client, state, { policy, managedPrefix: 'cdc-', now: () => now });
    await round(0); // restart 1, next due after 1 s × 2
    await round(1_000); // waiting
    await round(2_000); // restart 2
    const last = await round(10_000); // the cap: give up
    expect(restarts).toHaveLength(2);
    expect(last.map((event) => event.decision)).toEqual(['give-up']);
    const metrics = supervisorMetrics(state);
    expect(metrics).toContain('cdc_supervisor_restarts_total{connector="cdc-a"} 2\n');
    expect(metrics).toContain('cdc_supervisor_gave_up{connector="cdc-a"} 1\n');
    expect(metrics).toContain('cdc_supervisor_last_check_timestamp_seconds 10\n');
  });

  it('forgets connectors that are gone from the worker', async () => {
    const { client, statuses } = worker({ 'cdc-a': { connector: 'FAILED', tasks: [] } });
    const state = newSupervisorState();
    await superviseOnce(client, state, { policy, managedPrefix: 'cdc-', now: () => 0 });
    delete statuses['cdc-a'];
    await superviseOnce(client, state, { policy, managedPrefix: 'cdc-', now: () => 1 });
    expect([...state.records.keys()]).toEqual([]);
  });
});

describe('decide, the record it keeps', () => {
  it('keeps the record of a connector that never failed as it is', () => {
    expect(decide(FRESH_RECORD, false, 5 * MINUTE, strimzi)).toEqual({ decision: 'healthy', record: FRESH_RECORD });
  });

  it('keeps a healthy count within the reset period, a healthy given-up connector before it too', () => {
    const given: RestartRecord = { restarts: 10, lastRestartAt: 0, gaveUp: true, history: [0] };
    expect(decide(given, false, 10 * MINUTE - 1, strimzi).record).toBe(given);
  });

  it('measures the reset period from the last restart, not from the epoch', () => {
    const record: RestartRecord = { restarts: 4, lastRestartAt: 60 * MINUTE, gaveUp: false, history: [60 * MINUTE] };
    expect(decide(record, false, 69 * MINUTE, strimzi).record).toBe(record);
    expect(decide(record, false, 70 * MINUTE, strimzi).record).toEqual(FRESH_RECORD);
  });

  it('takes back a given-up connector that never restarted (maxRestarts 0) once healthy', () => {
    const given: RestartRecord = { restarts: 0, gaveUp: true, history: [] };
    expect(decide(given, false, 0, strimzi)).toEqual({ decision: 'healthy', record: FRESH_RECORD });
  });

  it('restarts again at exactly the delay after the last restart, recording when', () => {
    const record: RestartRecord = { restarts: 2, lastRestartAt: 5_000, gaveUp: false, history: [1_000, 5_000] };
    expect(decide(record, true, 5_000 + 6 * MINUTE, strimzi)).toEqual({
      decision: 'restart',
      record: { restarts: 3, lastRestartAt: 5_000 + 6 * MINUTE, gaveUp: false, history: [1_000, 5_000, 5_000 + 6 * MINUTE] },
    });
  });

  it('remembers the last 20 restarts of the history, not more', () => {
    const history = Array.from({ length: 20 }, (_, index) => index * MINUTE);
    const record: RestartRecord = { restarts: 20, lastRestartAt: 19 * MINUTE, gaveUp: false, history };
    const { record: after } = decide(record, true, 10_000 * MINUTE, { ...strimzi, maxRestarts: 50 });
    expect(after.history).toHaveLength(20);
    expect(after.history[0]).toBe(MINUTE);
    expect(after.history[19]).toBe(10_000 * MINUTE);
  });

  it('while waiting keeps the record unchanged', () => {
    const record: RestartRecord = { restarts: 1, lastRestartAt: 0, gaveUp: false, history: [0] };
    expect(decide(record, true, MINUTE, strimzi)).toEqual({ decision: 'wait', record });
  });
});

describe('superviseOnce, round by round', () => {
  const policy: RestartPolicy = { unitMs: 1_000, maxDelayMs: 10_000, maxRestarts: 1, healthyResetMs: 5_000 };

  it('reports restarts and give-ups in name order, and says nothing of a connector already given up', async () => {
    const { client, restarts } = worker({ 'cdc-orders-sink': { connector: 'FAILED', tasks: [] }, 'cdc-app-db-source': { connector: 'RUNNING', tasks: ['FAILED'] } });
    const state = newSupervisorState();
    const round = (now: number) => superviseOnce(client, state, { policy, managedPrefix: 'cdc-', now: () => now });
    const first = await round(0);
    expect(first.map((event) => `${event.connector} ${event.decision} ${event.restarts}`)).toEqual(['cdc-app-db-source restart 1', 'cdc-orders-sink restart 1']);
    const second = await round(5_000);
    expect(second.map((event) => `${event.connector} ${event.decision} ${event.restarts}`)).toEqual(['cdc-app-db-source give-up 1', 'cdc-orders-sink give-up 1']);
    expect(second[1]!.failures).toEqual(['cdc-orders-sink: connector FAILED']);
    expect(await round(60_000)).toEqual([]);
    expect(restarts).toHaveLength(2);
    expect(Object.fromEntries(state.restartsTotal)).toEqual({ 'cdc-app-db-source': 1, 'cdc-orders-sink': 1 });
    expect(state.lastCheckAt).toBe(60_000);
  });

  it('counts restarts across a reset: the total its metrics report only grows', async () => {
    const { client, statuses } = worker({ 'cdc-orders-sink': { connector: 'FAILED', tasks: [] } });
    const state = newSupervisorState();
    const round = (now: number) => superviseOnce(client, state, { policy, managedPrefix: 'cdc-', now: () => now });
    await round(0);
    statuses['cdc-orders-sink'] = { connector: 'RUNNING', tasks: ['RUNNING'] };
    await round(5_000);
    expect(state.records.get('cdc-orders-sink')).toEqual(FRESH_RECORD);
    statuses['cdc-orders-sink'] = { connector: 'FAILED', tasks: [] };
    expect((await round(6_000)).map((event) => event.decision)).toEqual(['restart']);
    expect(state.restartsTotal.get('cdc-orders-sink')).toBe(2);
  });

  it('keeps no record of a connector outside its prefix', async () => {
    const { client } = worker({ 'cdc-orders-sink': { connector: 'RUNNING', tasks: ['RUNNING'] }, 'legacy-orders-sink': { connector: 'FAILED', tasks: [] } });
    const state = newSupervisorState();
    await superviseOnce(client, state, { policy, managedPrefix: 'cdc-', now: () => 0 });
    expect([...state.records.keys()]).toEqual(['cdc-orders-sink']);
  });

  it('reads the clock of the machine when none is given', async () => {
    const { client } = worker({});
    const state = newSupervisorState();
    const before = Date.now();
    await superviseOnce(client, state, { policy, managedPrefix: 'cdc-' });
    expect(state.lastCheckAt).toBeGreaterThanOrEqual(before);
  });
});

describe('supervise: rounds until told to stop', () => {
  const policy: RestartPolicy = { unitMs: 1_000, maxDelayMs: 10_000, maxRestarts: 3, healthyResetMs: 5_000 };

  it('reports each event, keeps going after a round that could not read the worker, and ends when the signal aborts', async () => {
    const { client, restarts } = worker({ 'cdc-orders-sink': { connector: 'FAILED', tasks: [] } });
    const listStatuses = client.listStatuses;
    let rounds = 0;
    const controller = new AbortController();
    const unreachable = new Error('cdc-orders-sink: GET http://connect:8083/connectors?expand=status: cannot reach the worker (ECONNREFUSED)');
    const flaky = {
      ...client,
      listStatuses: async () => {
        rounds += 1;
        if (rounds === 1) throw unreachable;
        return listStatuses();
      },
    } as unknown as ConnectClient;
    const events: string[] = [];
    const errors: Error[] = [];
    const state = await supervise(flaky, {
      policy,
      managedPrefix: 'cdc-',
      intervalMs: 1,
      signal: controller.signal,
      onEvent: (event) => {
        events.push(`${event.connector} ${event.decision}`);
        controller.abort();
      },
      onError: (error) => errors.push(error),
    });
    expect(errors).toEqual([unreachable]);
    expect(events).toEqual(['cdc-orders-sink restart']);
    expect(rounds).toBe(2);
    expect(restarts).toHaveLength(1);
    expect(state.restartsTotal.get('cdc-orders-sink')).toBe(1);
  });

  it('carries on from the state it is given, and makes no round once aborted', async () => {
    const { client } = worker({ 'cdc-orders-sink': { connector: 'FAILED', tasks: [] } });
    const given = newSupervisorState();
    const controller = new AbortController();
    controller.abort();
    const state = await supervise(client, { policy, managedPrefix: 'cdc-', intervalMs: 1, signal: controller.signal, state: given });
    expect(state).toBe(given);
    expect(state.lastCheckAt).toBeUndefined();
  });

  it('with onError but no onEvent, a restart is no error', async () => {
    const { client, restarts } = worker({ 'cdc-orders-sink': { connector: 'FAILED', tasks: [] } });
    const controller = new AbortController();
    const errors: Error[] = [];
    const listStatuses = client.listStatuses;
    const once = { ...client, listStatuses: () => (controller.abort(), listStatuses()) } as unknown as ConnectClient;
    await supervise(once, { policy, managedPrefix: 'cdc-', intervalMs: 1, signal: controller.signal, onError: (error) => errors.push(error) });
    expect(restarts).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('waits intervalMs between rounds, and not after the last', async () => {
    const controller = new AbortController();
    let rounds = 0;
    const { client } = worker({});
    const counted = { ...client, listStatuses: () => (++rounds === 3 && controller.abort(), client.listStatuses()) } as unknown as ConnectClient;
    const realSetTimeout = global.setTimeout;
    const waits: number[] = [];
    // The waits are recorded and run at once: nothing here is timed.
    const timers = jest.spyOn(global, 'setTimeout').mockImplementation(((callback: () => void, ms?: number) => {
      waits.push(ms ?? 0);
      return realSetTimeout(callback, 0);
    }) as typeof setTimeout);
    try {
      await supervise(counted, { policy, managedPrefix: 'cdc-', intervalMs: 30_000, signal: controller.signal });
    } finally {
      timers.mockRestore();
    }
    expect(rounds).toBe(3);
    expect(waits.filter((ms) => ms === 30_000)).toEqual([30_000, 30_000]);
  });

  it('without callbacks still rounds and survives an unreadable worker', async () => {
    const controller = new AbortController();
    let rounds = 0;
    const client = {
      listStatuses: async () => {
        rounds += 1;
        if (rounds === 3) controller.abort();
        throw new Error('cannot reach the worker (ECONNREFUSED)');
      },
    } as unknown as ConnectClient;
    await expect(supervise(client, { policy, managedPrefix: 'cdc-', intervalMs: 1, signal: controller.signal })).resolves.toBeDefined();
    expect(rounds).toBe(3);
  });
});

describe('supervisorMetrics', () => {
  it('is the Prometheus text, connectors in name order, with a gauge of 0 for those still restarted', () => {
    const state = newSupervisorState();
    state.records.set('cdc-orders-sink', { restarts: 1, lastRestartAt: 0, gaveUp: false, history: [0] });
    state.records.set('cdc-app-db-source', { restarts: 5, lastRestartAt: 0, gaveUp: true, history: [0] });
    state.restartsTotal.set('cdc-orders-sink', 1);
    state.restartsTotal.set('cdc-app-db-source', 5);
    state.lastCheckAt = 1_764_531_045_999;
    expect(supervisorMetrics(state)).toBe(
      [
        '# HELP cdc_supervisor_restarts_total Restarts of failed connectors and tasks made by the supervisor.',
        '# TYPE cdc_supervisor_restarts_total counter',
        'cdc_supervisor_restarts_total{connector="cdc-app-db-source"} 5',
        'cdc_supervisor_restarts_total{connector="cdc-orders-sink"} 1',
        '# HELP cdc_supervisor_gave_up 1 when the supervisor stopped restarting a connector that keeps failing.',
        '# TYPE cdc_supervisor_gave_up gauge',
        'cdc_supervisor_gave_up{connector="cdc-app-db-source"} 1',
        'cdc_supervisor_gave_up{connector="cdc-orders-sink"} 0',
        '# HELP cdc_supervisor_last_check_timestamp_seconds When the supervisor last read the worker.',
        '# TYPE cdc_supervisor_last_check_timestamp_seconds gauge',
        'cdc_supervisor_last_check_timestamp_seconds 1764531045',
        '',
      ].join('\n'),
    );
  });

  it('has no last-check sample before the first round', () => {
    const lines = supervisorMetrics(newSupervisorState()).split('\n');
    expect(lines.slice(-3)).toEqual(['# HELP cdc_supervisor_last_check_timestamp_seconds When the supervisor last read the worker.', '# TYPE cdc_supervisor_last_check_timestamp_seconds gauge', '']);
  });

  it('escapes a backslash and a quote in a connector name, as the text format wants', () => {
    const state = newSupervisorState();
    state.restartsTotal.set('cdc-"odd"\\name', 1);
    expect(supervisorMetrics(state)).toContain('cdc_supervisor_restarts_total{connector="cdc-\\"odd\\"\\\\name"} 1\n');
  });
});

describe('superviseOnce, what counts as failed and what is reported', () => {
  const policy: RestartPolicy = { unitMs: 1_000, maxDelayMs: 10_000, maxRestarts: 3, healthyResetMs: 5_000 };

  it('restarts a RUNNING connector when one of its tasks FAILED while the others run', async () => {
    const { client, restarts } = worker({ 'cdc-orders-sink': { connector: 'RUNNING', tasks: ['RUNNING', 'FAILED', 'RUNNING'] } });
    const events = await superviseOnce(client, newSupervisorState(), { policy, managedPrefix: 'cdc-', now: () => 0 });
    expect(restarts).toEqual(['cdc-orders-sink includeTasks=true onlyFailed=true']);
    expect(events[0]!.failures).toEqual(['cdc-orders-sink: task 1 FAILED: java.net.ConnectException: Connection refused']);
  });

  it('reports nothing of a healthy connector, nor of one waiting for its next restart', async () => {
    const { client, restarts } = worker({ 'cdc-orders-sink': { connector: 'FAILED', tasks: [] }, 'cdc-customers-sink': { connector: 'RUNNING', tasks: ['RUNNING'] } });
    const state = newSupervisorState();
    await superviseOnce(client, state, { policy, managedPrefix: 'cdc-', now: () => 0 });
    expect(await superviseOnce(client, state, { policy, managedPrefix: 'cdc-', now: () => 1_999 })).toEqual([]);
    expect(restarts).toHaveLength(1);
  });
});
