import { formatText } from '../../../cli/commands/local-faults';
import type { FaultResult } from '../../../local/faults';

const base = { events: 2000, rows: 2000, lost: 0, restarts: 0, manual_steps: 0 } as const;
const results: FaultResult[] = [
  { ...base, name: 'no-fault', duplicates: 0, recovery_s: 0.4, write_rate_per_s: 998 },
  {
    ...base,
    name: 'source-worker-kill',
    duplicates: 174,
    recovery_s: 29,
    observed: { written_at_kill: 1000, source_events: 2148, source_duplicates: 148 },
    write_rate_per_s: 200,
    exactly_once_source: 'preparing',
  },
];

describe('cdcctl local faults, text output', () => {
  const text = formatText(results, [{ name: 'broker-kill', reason: 'needs a runtime of 3 brokers (cdcctl local up --brokers 3); this one has 1' }]);

  it('gives one row per scenario with the counts and the recovery in seconds', () => {
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^SCENARIO\s+EVENTS\s+ROWS\s+LOST\s+DUPLICATES\s+RESTARTS\s+RECOVERY\s+MANUAL STEPS$/);
    expect(lines[1]).toMatch(/^no-fault\s+2000\s+2000\s+0\s+0\s+0\s+0\.4 s\s+0$/);
    expect(lines[2]).toMatch(/^source-worker-kill\s+2000\s+2000\s+0\s+174\s+0\s+29 s\s+0$/);
  });

  it("names what source-worker-kill observed in the source topic, each scenario's write rate, the worker's level, and what was skipped", () => {
    expect(text).toContain('source-worker-kill: written_at_kill=1000 source_events=2148 source_duplicates=148\n');
    expect(text).toContain('no-fault: orders written at 998/s\n');
    expect(text).toContain('source-worker-kill: orders written at 200/s\n');
    expect(text).toContain("source-worker-kill: the worker's exactly.once.source.support=preparing\n");
    expect(text).not.toContain('no-fault: the worker');
    expect(text).toContain('broker-kill: skipped, needs a runtime of 3 brokers');
  });
});
