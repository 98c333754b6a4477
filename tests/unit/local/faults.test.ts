import { FAULT_SCENARIOS, scenariosFor } from '../../../local/faults';

describe('scenariosFor', () => {
  it('runs every scenario but broker-kill on one broker, and says why broker-kill is skipped', () => {
    const { runnable, skipped } = scenariosFor(1);
    expect(runnable).toEqual(['no-fault', 'warehouse-outage', 'warehouse-slow', 'worker-kill', 'rebalance-storm', 'network-delay', 'initial-load-kill', 'source-worker-kill']);
    expect(skipped).toEqual([{ name: 'broker-kill', reason: 'needs a runtime of 3 brokers (cdcctl local up --brokers 3); this one has 1' }]);
  });

  it('skips source-worker-kill, which writes to the MongoDB stand-in, on a runtime without it, and says so', () => {
    expect(scenariosFor(3, false)).toEqual({
      runnable: FAULT_SCENARIOS.filter((name) => name !== 'source-worker-kill'),
      skipped: [{ name: 'source-worker-kill', reason: 'needs the MongoDB stand-in, which this runtime does not run (cdcctl local up starts it)' }],
    });
    expect(scenariosFor(1, false).skipped.map((entry) => entry.name)).toEqual(['source-worker-kill', 'broker-kill']);
  });

  it('runs every scenario on three brokers, network-delay too (a proxy port per broker)', () => {
    expect(scenariosFor(3)).toEqual({ runnable: [...FAULT_SCENARIOS], skipped: [] });
  });
});
