/**
 * The faults table: every fault scenario the running local runtime supports (local/faults.ts), at a
 * steady rate (default 1,000 realistic orders a second for 2 minutes: 120,000 per scenario), `--runs`
 * times. The baseline is `no-fault`, the same writes with no fault, run in the same run: each
 * scenario's recovery (fault over and writes done → every order in the warehouse) is printed beside
 * it and as a ratio to it. Each run's JSON is written to `<state-dir>/faults-table/run-<n>.json` as it
 * ends, so a run that fails keeps the ones before it. Prints the table; asserts nothing.
 *
 *   node bin/run-ts bench/faults-table.ts [--state-dir .local] [--runs 3] [--rate 1000] [--seconds 120] [--fault-seconds 20] [--scenarios a,b]
 * (a running local runtime: `cdcctl local up --brokers 3` for broker-kill too; its level of
 * exactly-once, `--exactly-once-source`, is the one source-worker-kill reports)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { runFaultScenarios, scenariosFor, type FaultResult } from '../local/faults';
import { resolveRuntimeOptions } from '../local/options';
import { status } from '../local/runtime';

const { values } = parseArgs({
  options: {
    'state-dir': { type: 'string' },
    runs: { type: 'string', default: '3' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '120' },
    'fault-seconds': { type: 'string', default: '20' },
    scenarios: { type: 'string' },
  },
});

const runtime = { stateDir: values['state-dir'] };
const runs = Number(values.runs);
const rate = Number(values.rate);
const events = rate * Number(values.seconds);
const current = status(runtime);
const supported = scenariosFor(current.brokers, current.services.mongodb.state === 'running');
// --scenarios a,b: only those (each must be one this runtime supports).
const asked = values.scenarios?.split(',').map((name) => name.trim());
const unsupported = asked?.filter((name) => !(supported.runnable as string[]).includes(name)) ?? [];
if (unsupported.length) throw new Error(`--scenarios: ${unsupported.join(', ')} not among what this runtime runs (${supported.runnable.join(', ')})`);
const runnable = asked ? supported.runnable.filter((name) => asked.includes(name)) : supported.runnable;
const { skipped } = supported;
const outputDir = path.join(resolveRuntimeOptions(runtime).stateDir, 'faults-table');
fs.mkdirSync(outputDir, { recursive: true });
for (const entry of skipped) process.stderr.write(`${entry.name} skipped: ${entry.reason}\n`);
process.stderr.write(`${runs} run(s) of ${runnable.join(', ')}: ${events} orders each at ${rate}/s; ${current.brokers} broker(s), exactly.once.source.support=${current.exactlyOnceSource}\n`);

async function main(): Promise<void> {
  const results: FaultResult[][] = [];
  for (let run = 1; run <= runs; run++) {
    const started = Date.now();
    const onProgress = (message: string) => process.stderr.write(`[run ${run}, ${Math.round((Date.now() - started) / 1000)} s] ${message}\n`);
    const result = await runFaultScenarios(runtime, runnable, { events, ratePerSecond: rate, faultMs: Number(values['fault-seconds']) * 1000, onProgress });
    fs.writeFileSync(path.join(outputDir, `run-${run}.json`), `${JSON.stringify({ scenarios: result }, null, 2)}\n`);
    results.push(result);
  }
  process.stdout.write(table(results));
}

/** One line per scenario: each run's figures side by side, and the recovery as a ratio to the same run's no-fault. */
function table(results: readonly FaultResult[][]): string {
  const perRun = (name: string, pick: (result: FaultResult, baseline: FaultResult | undefined) => string) =>
    results.map((run) => pick(run.find((result) => result.name === name)!, run.find((result) => result.name === 'no-fault'))).join(' / ');
  const ratio = (result: FaultResult, baseline: FaultResult | undefined) => (baseline && baseline.recovery_s > 0 ? `${(result.recovery_s / baseline.recovery_s).toFixed(1)}×` : '–');
  const header = ['scenario', 'events', 'written/s', 'lost', 'duplicates (sink)', 'source duplicates', 'restarts', 'recovery s', 'recovery / no-fault', 'manual steps'];
  const lines = runnable.map((name) => [
    name,
    perRun(name, (result) => String(result.events)),
    perRun(name, (result) => String(result.write_rate_per_s ?? '–')),
    perRun(name, (result) => String(result.lost)),
    perRun(name, (result) => String(result.duplicates)),
    perRun(name, (result) => String(result.observed?.source_duplicates ?? '–')),
    perRun(name, (result) => String(result.restarts)),
    perRun(name, (result) => String(result.recovery_s)),
    perRun(name, ratio),
    perRun(name, (result) => String(result.manual_steps)),
  ]);
  return `${[header, header.map(() => '---'), ...lines].map((cells) => `| ${cells.join(' | ')} |`).join('\n')}\n`;
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
