import { scenariosFor } from '../../../local/faults';

describe('scenariosFor', () => {
  it('runs every scenario but broker-kill on one broker, and says why broker-kill is skipped', () => {
    const { runnable, skipped } = scenariosFor(1);
    expect(runnable).toEqual(['warehouse-outage', 'warehouse-slow', 'worker-kill', 'rebalance-storm', 'network-delay', 'initial-load-kill']);
    expect(skipped).toEqual([{ name: 'broker-kill', reason: 'needs a runtime of 3 brokers (cdcctl local up --brokers 3: it kills one of three); this one has 1' }]);
  });

  it('runs every scenario but network-delay on three brokers, which reach Kafka without the delay proxy, and says why', () => {
    const { runnable, skipped } = scenariosFor(3);
    expect(runnable).toEqual(['warehouse-outage', 'warehouse-slow', 'worker-kill', 'rebalance-storm', 'initial-load-kill', 'broker-kill']);
    expect(skipped).toEqual([
      { name: 'network-delay', reason: 'needs a runtime of 1 broker (cdcctl local up --brokers 1: only there does the Connect worker reach Kafka through the delay proxy); this one has 3' },
    ]);
  });
});
