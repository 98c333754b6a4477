import { NETWORK_DELAY_MS, runFaultScenarios, scenariosFor, type FaultResult, type FaultScenario } from '../../local/faults';
import { testRuntimeOptions } from './support/runtime';

/**
 * Faults survived with no person (local/faults.ts, also `cdcctl local faults`): while realistic orders
 * stream through Kafka, the Debezium JDBC sink in Connect and PostgreSQL, the warehouse is stopped for
 * 20 s, its table locked for 20 s, the worker SIGKILLed, six other connectors created and deleted,
 * 200 ms added each way between Connect and Kafka for 20 s (the runtime's delay proxy), and the worker
 * SIGKILLed while a fresh sink loads a topic of snapshot events (op "r": a STAND-IN for a Debezium
 * initial snapshot, which the MongoDB stand-in cannot serve), and the worker SIGKILLed while the real
 * Debezium MongoDB source captures orders written to the MongoDB stand-in (mongo-java-server, not
 * MongoDB), at the test runtime's exactly-once level (`enabled`); afterwards every order's row is
 * compared with what was written, and the source topic's create events are counted. The test runtime's supervisor
 * service (`cdcctl connectors supervise`, the local policy) restarts what fails: Connect never
 * restarts a FAILED task. The test runtime has one broker: broker-kill, which needs three, has its own
 * test (broker-kill.test.ts).
 */
jest.setTimeout(900_000);

const FAULT_SCENARIOS = scenariosFor(1).runnable;

let results: FaultResult[] = [];
const of = (name: FaultScenario) => results.find((result) => result.name === name)!;

beforeAll(async () => {
  results = await runFaultScenarios(testRuntimeOptions(), FAULT_SCENARIOS, { events: 500, faultMs: 20_000, onProgress: (message) => process.stderr.write(`[faults] ${message}\n`) });
});

describe('faults injected mid-stream', () => {
  it.each(FAULT_SCENARIOS)('%s: every change is in the warehouse with its values, and no person was needed', (name) => {
    expect(of(name)).toMatchObject({ name, events: 500, rows: 500, lost: 0, manual_steps: 0 });
  });

  it('warehouse-outage: the sink task failed and the supervisor restarted it', () => {
    expect(of('warehouse-outage').restarts).toBeGreaterThan(0);
  });

  it('no-fault, the baseline: nothing failed, nothing was delivered twice', () => {
    expect(of('no-fault')).toMatchObject({ restarts: 0, duplicates: 0 });
  });

  it('warehouse-slow: the sink waited on the lock and never failed', () => {
    expect(of('warehouse-slow').restarts).toBe(0);
  });

  it('network-delay: a Kafka request through the proxy came back at least twice the delay later, the sink kept loading during the delay, and nothing failed', () => {
    const { observed, restarts } = of('network-delay');
    // The proxy writes no chunk before it is due, so a round trip through it takes the delay twice.
    expect(observed!.round_trip_through_proxy_ms).toBeGreaterThanOrEqual(2 * NETWORK_DELAY_MS - 1);
    expect(observed!.added_round_trip_ms).toBeGreaterThanOrEqual(NETWORK_DELAY_MS);
    expect(observed!.rows_during_fault).toBeGreaterThan(0);
    expect(restarts).toBe(0);
  });

  it('initial-load-kill (stand-in for a Debezium initial snapshot): the worker died mid-load, with some but not all rows in', () => {
    const { observed, events } = of('initial-load-kill');
    expect(observed!.rows_at_kill).toBeGreaterThan(0);
    expect(observed!.rows_at_kill).toBeLessThan(events);
  });

  it('source-worker-kill (the MongoDB stand-in as the source): the worker died mid-stream, and the exactly-once source delivered each order exactly once', () => {
    const { observed, events, exactly_once_source } = of('source-worker-kill');
    expect(exactly_once_source).toBe('enabled');
    expect(observed!.written_at_kill).toBeGreaterThanOrEqual(events / 2);
    expect(observed!.written_at_kill).toBeLessThan(events);
    expect({ source_events: observed!.source_events, source_duplicates: observed!.source_duplicates }).toEqual({ source_events: events, source_duplicates: 0 });
  });

  it("counts each scenario's redelivered changes from the change history: none where nothing failed or rebalanced", () => {
    for (const name of FAULT_SCENARIOS) expect({ name, counted: Number.isInteger(of(name).duplicates) && of(name).duplicates >= 0 }).toEqual({ name, counted: true });
    expect(of('warehouse-slow').duplicates).toBe(0);
  });
});
