import type { ConnectClient, ConnectorStatus } from '../../../../connectors/connect/client';
import { decide, FRESH_RECORD, newSupervisorState, restartDelayMs, superviseOnce, supervisorMetrics, type RestartPolicy, type RestartRecord } from '../../../../connectors/connect/supervise';

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
