/**
 * The migration rehearsal (issue 13) on the local runtime: orders written to the MongoDB STAND-IN
 * (mongo-java-server, not MongoDB) at 100 changes/s; the production table written by the Atlas trigger
 * EMULATOR (not Atlas) — 2 s behind its collection, 1 % of its runs failing, never retried — while the
 * phase says the trigger writes it, by the real Debezium source and JDBC sink once it says the stream
 * does. The collection walks forward to the stream, through each rollback (stream → shadow, shadow →
 * trigger, stream → trigger), forward again and to decommissioned, every move made while the writes flow,
 * with the runbook's actions in the runbook's order. After each step the load pauses until both writers
 * caught up, and the production table is compared with the collection document by document: no move
 * may lose a change (a difference the trigger's own failed runs do not explain). At the end the table
 * equals the collection. A control run with the order the runbook gave before (the sink switched from
 * its current offsets) shows what that order loses. About 60 s of load, 2-3 minutes in all.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { rehearseMigration, type CutoverRehearsalOptions, type CutoverRehearsalReport } from '../../local/cutover-rehearsal';
import { writeRehearsalReport } from '../../local/rehearsal-html';
import { rehearsalJson, rehearsalPassed } from '../../local/rehearsal-report';
import { FULL_WALK } from '../../local/rehearsal-walk';
import { status } from '../../local/runtime';
import { runningRuntimeLayout } from '../../local/standin-seed';
import { getTestRuntime, testRuntimeOptions } from './support/runtime';

jest.setTimeout(600_000);

const runtime = getTestRuntime();
const RATE = 100;
const STEP_SECONDS = 5;
const TRIGGER_LAG_MS = 2_000;
const TRIGGER_FAILURE_RATE = 0.01;

let report: CutoverRehearsalReport;
let control: CutoverRehearsalReport;

async function rehearse(label: string, options: Partial<CutoverRehearsalOptions>): Promise<CutoverRehearsalReport> {
  const local = status(testRuntimeOptions());
  expect(local.services.mongodb.state).toBe('running');
  const result = await rehearseMigration({
    runtime: {
      connectUrl: runtime.connect.url,
      bootstrapServers: runtime.kafka.bootstrapServers,
      warehouseUrl: runtime.warehouse.url,
      mongodbUrl: local.services.mongodb.url as string,
      layout: runningRuntimeLayout(testRuntimeOptions()),
    },
    runId: Date.now().toString(36),
    ratePerSecond: RATE,
    stepSeconds: STEP_SECONDS,
    triggerLagMs: TRIGGER_LAG_MS,
    triggerFailureRate: TRIGGER_FAILURE_RATE,
    onProgress: (message) => process.stderr.write(`[${label}] ${message}\n`),
    ...options,
  });
  const { samples, final, steps, ...figures } = result;
  process.stderr.write(`[${label}] figures: ${JSON.stringify({ ...figures, final: { documents: final.documents, missing: final.missing.length, extra: final.extra.length, stale: final.stale.length } })}\n`);
  process.stderr.write(`[${label}] steps:\n${steps.map((step) => `  ${JSON.stringify(step)}`).join('\n')}\n`);
  return result;
}

// Schema names that are not `<other>_…` of each other.
beforeAll(async () => {
  report = await rehearse('rehearsal', { schema: 'rehearsal_gapless' });
  // The control loses changes only while the sink is ahead of the trigger: a trigger 6 s behind keeps it so on a loaded machine too.
  control = await rehearse('control', { schema: 'rehearsal_control', walk: 'cutover', sinkFrom: 'current', triggerLagMs: 6_000, settleTimeoutMs: 5_000 });
});

describe('migration rehearsal: trigger emulator → stream and back under load, on the stand-in', () => {
  it('walked every phase and every rollback, each move under load', () => {
    expect(report.steps.map((step) => `${step.from}→${step.to}`)).toEqual(FULL_WALK.map((step) => `${step.from}→${step.to}`));
    for (const rollback of ['stream→shadow', 'shadow→trigger', 'stream→trigger']) expect(report.steps.map((step) => `${step.from}→${step.to}`)).toContain(rollback);
    const seconds = FULL_WALK.length * STEP_SECONDS;
    expect(report.writes.total).toBeGreaterThanOrEqual(RATE * seconds * 0.8);
    for (const kind of ['insert', 'update', 'replace', 'delete'] as const) expect(report.writes[kind]).toBeGreaterThan(0);
    // Writes went on during every move: the sample counts grew across each step's actions.
    for (const step of report.steps.filter((candidate) => candidate.actions.length > 0)) {
      const during = report.samples.filter((sample) => sample.at_ms >= step.startedMs && sample.at_ms <= step.endedMs);
      expect(during.at(-1)!.writes).toBeGreaterThan(during[0]!.writes);
    }
  });

  it('the trigger was behind and failed now and then: the production table lagged the collection while it wrote it', () => {
    expect(report.trigger.lastError).toBeUndefined();
    expect(report.trigger.failed).toBeGreaterThan(0);
    // Disabled with changes it had seen and not run (about the lag's worth of writes; fewer on a loaded machine, whose writer is slower).
    for (const cutover of report.steps.filter((step) => step.step === 'cut-over')) expect(cutover.triggerBacklogAtDisable).toBeGreaterThan(10);
    expect(report.samples.some((sample) => sample.phase === 'shadow' && (sample.trigger_lag_ms ?? 0) >= TRIGGER_LAG_MS / 2)).toBe(true);
    expect(report.maxStalenessMs).toBeGreaterThan(1_000);
  });

  it('no move lost a change: once settled, every difference from the collection is one of the trigger\'s own failed runs', () => {
    expect(report.steps.map((step) => ({ step: `${step.step} ${step.from}→${step.to}`, lost: step.settled.lost }))).toEqual(
      report.steps.map((step) => ({ step: `${step.step} ${step.from}→${step.to}`, lost: 0 })),
    );
    // While the stream writes the production table nothing is excused.
    for (const step of report.steps.filter((candidate) => candidate.to === 'stream' || candidate.to === 'decommissioned')) {
      expect({ step: step.step, ...step.settled, settleMs: 0 }).toEqual({ step: step.step, missing: 0, extra: 0, stale: 0, triggerFailed: 0, lost: 0, lostIds: [], settleMs: 0 });
    }
  });

  it('migrate validate ran in every step that ends in shadow, and nowhere else', () => {
    for (const step of report.steps) {
      if (step.to === 'shadow') expect(step.validateAccuracy).toBeGreaterThan(50);
      else expect(step.validateAccuracy).toBeNull();
    }
  });

  it('at the end the production table equals the collection: 0 missing, 0 extra, 0 stale', () => {
    expect(report.final.documents).toBeGreaterThan(0);
    expect({ missing: report.final.missing, extra: report.final.extra, stale: report.final.stale }).toEqual({ missing: [], extra: [], stale: [] });
    expect(report.final.rows).toBe(report.final.documents);
  });

  it('passes as migrate rehearse judges it, and its report page names every step (--report)', () => {
    expect(rehearsalPassed(report)).toBe(true);
    const page = fs.readFileSync(writeRehearsalReport(fs.mkdtempSync(path.join(os.tmpdir(), 'rehearsal-report-')), rehearsalJson(report)), 'utf8');
    expect(page).toContain('Gapless — no move lost a change');
    for (const step of report.steps) expect(page).toContain(step.step.replace(/&/g, '&amp;'));
  });

  it('control: the sink switched from its current offsets (the former runbook) loses the changes the disabled trigger never reached', () => {
    const cutover = control.steps.find((step) => step.step === 'cut-over')!;
    expect(cutover.triggerBacklogAtDisable).toBeGreaterThan(10);
    expect(cutover.settled.lost).toBeGreaterThan(0);
    expect(control.final.missing.length + control.final.extra.length + control.final.stale.length).toBeGreaterThan(0);
  });
});
