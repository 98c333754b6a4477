/**
 * The cut-over rehearsal (issue 13) on the local runtime: orders written to the MongoDB STAND-IN
 * (mongo-java-server, not MongoDB) at a steady rate; the production table written by the Atlas trigger
 * EMULATOR (not Atlas), which falls behind, the shadow table by the real Debezium source and JDBC sink;
 * then the cut-over while writes flow — the sink rewound to the earliest offset and switched to the
 * production table, the trigger disabled once the sink caught up. After the writes stop and drain, the
 * production table equals the collection, document by document: nothing missing, extra or stale,
 * although the trigger was disabled with changes it had never reached. A control run with the order the
 * runbook gave before (the sink switched from its current offsets) shows what that order loses. Each run
 * is about 20 s of load; the drain of the real one takes about 0.5 s, the control gets 5 s.
 */
import { rehearseCutover, type CutoverRehearsalOptions, type CutoverRehearsalReport } from '../../local/cutover-rehearsal';
import { status } from '../../local/runtime';
import { runningRuntimeLayout } from '../../local/standin-seed';
import { getTestRuntime, testRuntimeOptions } from './support/runtime';

jest.setTimeout(300_000);

const runtime = getTestRuntime();
const RATE = 20;
const SHADOW_SECONDS = 12;
const STREAM_SECONDS = 8;
/** 100 ms per function run: at most 10 changes/s, half the load, so the trigger falls behind by about 10 changes a second. */
const TRIGGER_DELAY_MS = 100;
const TRIGGER_FAILURE_RATE = 0.02;

let report: CutoverRehearsalReport;
let control: CutoverRehearsalReport;

async function rehearse(label: string, options: Partial<CutoverRehearsalOptions>): Promise<CutoverRehearsalReport> {
  const local = status(testRuntimeOptions());
  expect(local.services.mongodb.state).toBe('running');
  const result = await rehearseCutover({
    runtime: {
      connectUrl: runtime.connect.url,
      bootstrapServers: runtime.kafka.bootstrapServers,
      warehouseUrl: runtime.warehouse.url,
      mongodbUrl: local.services.mongodb.url as string,
      layout: runningRuntimeLayout(testRuntimeOptions()),
    },
    runId: Date.now().toString(36),
    ratePerSecond: RATE,
    shadowSeconds: SHADOW_SECONDS,
    streamSeconds: STREAM_SECONDS,
    triggerDelayMs: TRIGGER_DELAY_MS,
    triggerFailureRate: TRIGGER_FAILURE_RATE,
    onProgress: (message) => process.stderr.write(`[${label}] ${message}\n`),
    ...options,
  });
  const { samples, final, ...figures } = result;
  process.stderr.write(`[${label}] figures: ${JSON.stringify({ ...figures, final: { documents: final.documents, missing: final.missing.length, extra: final.extra.length, stale: final.stale.length } })}\n`);
  process.stderr.write(`[${label}] samples (ms since the load started, phase, missing/extra/stale, worst staleness ms):\n${samples.map((s) => `  ${s.atMs} ${s.phase} ${s.missing}/${s.extra}/${s.stale} ${s.maxStalenessMs}`).join('\n')}\n`);
  return result;
}

// Schema names that are not `<other>_…` of each other: dropSchemaSql finds a schema's functions by that prefix.
beforeAll(async () => {
  report = await rehearse('rehearsal', { schema: 'rehearsal_gapless' });
  // The control: the same rehearsal with the order the runbook gave before (sink switched from its current offsets).
  control = await rehearse('control', { schema: 'rehearsal_control', sinkFrom: 'current', drainTimeoutMs: 5_000 });
});

describe('cut-over rehearsal: trigger emulator → stream under load, on the stand-in', () => {
  it('wrote a steady mix of inserts, updates, replaces and deletes at the rate asked', () => {
    const seconds = SHADOW_SECONDS + STREAM_SECONDS;
    expect(report.writes.total).toBeGreaterThanOrEqual(RATE * seconds * 0.8);
    for (const kind of ['insert', 'update', 'replace', 'delete'] as const) expect(report.writes[kind]).toBeGreaterThan(0);
  });

  it('the trigger was behind: disabled with changes it had never reached, and the production table lagged the collection', () => {
    expect(report.trigger.lastError).toBeUndefined();
    expect(report.trigger.applied).toBeGreaterThan(SHADOW_SECONDS * (1000 / TRIGGER_DELAY_MS) * 0.5);
    expect(report.trigger.unprocessedAtDisable).toBeGreaterThan(RATE);
    expect(report.maxStalenessMs).toBeGreaterThan(1_000);
    expect(report.samples.some((sample) => sample.phase === 'shadow' && sample.missing + sample.stale > 0)).toBe(true);
  });

  it('after the writes stopped and drained, the production table equals the collection: 0 missing, 0 extra, 0 stale', () => {
    expect(report.final.documents).toBeGreaterThan(0);
    expect({ missing: report.final.missing, extra: report.final.extra, stale: report.final.stale }).toEqual({ missing: [], extra: [], stale: [] });
    expect(report.final.rows).toBe(report.final.documents);
  });

  it('control: the sink switched from its current offsets (the former runbook) loses the changes the disabled trigger never reached', () => {
    expect(control.trigger.unprocessedAtDisable).toBeGreaterThan(RATE);
    expect(control.final.missing.length + control.final.extra.length + control.final.stale.length).toBeGreaterThan(0);
  });
});
