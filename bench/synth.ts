import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

/**
 * `node bin/run-ts bench/synth.ts [--runs N]`: wall time and peak memory of `npm run synth` (every
 * environment's stacks, from the cached bundle of bin/synth.js) beside, in the same run, loading the
 * AWS provider from its package root, the synth with its bundle rebuilt, `node bin/synth.js` without
 * npm, the unbundled app through tsx, and the `cdktf synth` CLI path; prints the medians and their
 * ratios. The issue's goal: the whole synth in less than a third of the root load's time.
 *
 * Peak memory is each node process's own maximum resident set size (getrusage), reported at exit by
 * a preload that NODE_OPTIONS hands to every node process a command starts (npm, npx, the cdktf CLI
 * and the app it runs): "peak" is the largest single process, "sum" adds up the processes' peaks.
 */

interface Command {
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Runs before each measurement, outside the timing. */
  readonly before?: () => void;
}

interface Sample {
  readonly seconds: number;
  /** User + system CPU time of all the command's node processes: steadier than wall time on a busy machine. */
  readonly cpuSeconds: number;
  readonly peakMiB: number;
  readonly sumMiB: number;
  readonly processes: number;
}

const repository = path.resolve(__dirname, '..');
const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 5;

const bundleCache = path.join(repository, 'node_modules', '.cache', 'mongo-cdc-platform', 'synth');
const commands: readonly Command[] = [
  { label: "require('@cdktf/provider-aws') (root)", command: process.execPath, args: ['-e', "require('@cdktf/provider-aws')"] },
  { label: 'npm run synth (all environments)', command: 'npm', args: ['run', '--silent', 'synth'] },
  { label: 'npm run synth, bundle rebuilt', command: 'npm', args: ['run', '--silent', 'synth'], before: () => rmSync(bundleCache, { recursive: true, force: true }) },
  { label: 'node bin/synth.js (no npm)', command: process.execPath, args: ['bin/synth.js'] },
  { label: 'node bin/run-ts main.ts (unbundled)', command: process.execPath, args: ['bin/run-ts', 'main.ts'] },
  { label: 'npx cdktf synth (CLI path)', command: 'npx', args: ['--no-install', 'cdktf', 'synth'] },
];

const workDirectory = mkdtempSync(path.join(tmpdir(), 'bench-synth-'));
const preload = path.join(workDirectory, 'report-max-rss.js');
writeFileSync(
  preload,
  `process.on('exit', () => { const usage = process.resourceUsage(); require('node:fs').appendFileSync(${JSON.stringify(
    path.join(workDirectory, 'usage'),
  )}, usage.maxRSS + ' ' + (usage.userCPUTime + usage.systemCPUTime) + '\\n'); });\n`,
);

function measure({ command, args, label, before }: Command): Sample {
  before?.();
  const usageFile = path.join(workDirectory, 'usage');
  rmSync(usageFile, { force: true });
  const started = performance.now();
  const result = spawnSync(command, args, {
    cwd: repository,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${preload}`.trim(), CHECKPOINT_DISABLE: '1', CI: '1' },
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) {
    throw new Error(`${label} failed (exit ${result.status}):\n${result.stderr || result.stdout}`);
  }
  const usages = readFileSync(usageFile, 'utf8').trim().split('\n').map((line) => line.split(' ').map(Number) as [number, number]);
  const peaksKiB = usages.map(([maxRssKiB]) => maxRssKiB);
  return {
    seconds,
    cpuSeconds: usages.reduce((sum, [, cpuMicroseconds]) => sum + cpuMicroseconds, 0) / 1e6,
    peakMiB: Math.max(...peaksKiB) / 1024,
    sumMiB: peaksKiB.reduce((sum, kib) => sum + kib, 0) / 1024,
    processes: peaksKiB.length,
  };
}

/** One command's medians. */
type Row = Sample & { readonly label: string };

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function main(): void {
  // One warm-up of each: tsx's transpile cache and the file cache are then as a developer has them.
  for (const command of commands) measure(command);
  const samples = new Map<string, Sample[]>(commands.map((command) => [command.label, []]));
  // Interleaved, so that a slow moment of a shared machine hits every command alike.
  for (let run = 0; run < runs; run += 1) {
    for (const command of commands) samples.get(command.label)!.push(measure(command));
  }

  const summary = commands.map(({ label }): Row => {
    const taken = samples.get(label)!;
    return {
      label,
      seconds: median(taken.map((sample) => sample.seconds)),
      cpuSeconds: median(taken.map((sample) => sample.cpuSeconds)),
      peakMiB: median(taken.map((sample) => sample.peakMiB)),
      sumMiB: median(taken.map((sample) => sample.sumMiB)),
      processes: taken[0]!.processes,
    };
  });
  const [rootLoad, synth, rebuilt, bundled, unbundled, cli] = summary as [Row, Row, Row, Row, Row, Row];

  console.log(`bench/synth: median of ${runs} runs each (after one warm-up), interleaved\n`);
  console.log(`${'command'.padEnd(42)}${'wall s'.padStart(8)}${'cpu s'.padStart(8)}${'peak MiB'.padStart(10)}${'sum MiB'.padStart(9)}${'procs'.padStart(7)}`);
  for (const row of summary) {
    console.log(
      `${row.label.padEnd(42)}${row.seconds.toFixed(2).padStart(8)}${row.cpuSeconds.toFixed(2).padStart(8)}${row.peakMiB.toFixed(0).padStart(10)}${row.sumMiB.toFixed(0).padStart(9)}${String(row.processes).padStart(7)}`,
    );
  }
  console.log('');
  console.log(`npm run synth / root load:       time ${(synth.seconds / rootLoad.seconds).toFixed(2)}  cpu ${(synth.cpuSeconds / rootLoad.cpuSeconds).toFixed(2)}  peak memory ${(synth.peakMiB / rootLoad.peakMiB).toFixed(2)}  (goal: time < 0.33)`);
  const ratio = (name: string, a: Row, b: Row) => console.log(`${name.padEnd(33)}time ${(a.seconds / b.seconds).toFixed(2)}  cpu ${(a.cpuSeconds / b.cpuSeconds).toFixed(2)}  peak memory ${(a.peakMiB / b.peakMiB).toFixed(2)}`);
  ratio('synth, bundle rebuilt / root:', rebuilt, rootLoad);
  ratio('node bin/synth.js / root load:', bundled, rootLoad);
  ratio('bundled / unbundled app:', bundled, unbundled);
  console.log(`npx cdktf synth / npm run synth: time ${(cli.seconds / synth.seconds).toFixed(2)}  cpu ${(cli.cpuSeconds / synth.cpuSeconds).toFixed(2)}  memory (sum) ${(cli.sumMiB / synth.sumMiB).toFixed(2)}`);
  rmSync(workDirectory, { recursive: true, force: true });
}

main();
