import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { pc, pcErr } from '../colors';
import { ENVIRONMENT_NAMES } from '../../config';
import { canonical, parseOffsetsSnapshot, restoreOffsets, type RestoreResult } from '../../connectors/connect/offsets-restore';
import { renderEnvironment } from '../../connectors/render';
import { checkOutputFormat, CliError, connectUrlOption, environmentFromFlags, environmentOption, environmentOptions, outputOption, progress, type EnvironmentFlags } from '../support';
import { clientFor } from '../../connectors/connect/environment-client';
import { parseBoundedJson } from '../../connectors/connect/bounded-json';
import { serializeOffsetsSnapshot, snapshotOffsets, type OffsetsSnapshot } from '../../connectors/connect/offsets-snapshot';
import { shownText } from '../../connectors/secrets';

interface RestoreFlags {
  env: string;
  connectUrl?: string;
  connector?: string[];
  dryRun?: boolean;
  output: string;
}

/** One partition and its offset, as the snapshot file (untrusted) and the worker wrote them: shown, not obeyed. */
function describeEntry(entry: { partition: Record<string, unknown>; offset: Record<string, unknown> | null }): string {
  const partition = Object.entries(entry.partition)
    .map(([key, value]) => `${shownText(key)}=${shownText(typeof value === 'string' ? value : JSON.stringify(value))}`)
    .join(' ');
  const offset = entry.offset === null ? 'none' : 'kafka_offset' in entry.offset ? shownText(String(entry.offset.kafka_offset)) : shownText(canonical(entry.offset));
  return `${partition}: ${offset}`;
}

/** The snapshot file, bounded in depth (a file nested 100,000 deep overflowed the stack) and checked against the snapshot schema. */
async function readSnapshot(file: string): Promise<OffsetsSnapshot> {
  let json: unknown;
  try {
    json = parseBoundedJson(await readFile(file, 'utf8'));
  } catch (error) {
    throw new CliError(`${shownText(file)}: cannot read the snapshot: ${shownText((error as Error).message, 500)}`);
  }
  return parseOffsetsSnapshot(json, file);
}

function printDryRunText(result: RestoreResult, file: string): void {
  for (const target of result.check.targets) {
    process.stdout.write(`would restore ${shownText(target.connector)} (${target.kind}, now ${target.liveState ?? 'UNKNOWN'}):\n`);
    for (const entry of target.offsets) process.stdout.write(`    ${describeEntry(entry)}\n`);
  }
  process.stdout.write(`Dry run: ${result.check.targets.length} connector(s) would be restored from ${shownText(file)}; nothing was changed.\n`);
}

function printRestoredText(result: RestoreResult, file: string, snapshot: OffsetsSnapshot): void {
  for (const restored of result.restored) {
    process.stdout.write(`${pc.green('restored')} ${shownText(restored.connector)} (${restored.kind}), now ${restored.finalState}:\n`);
    const before = new Map(restored.before.map((entry) => [canonical(entry.partition), entry]));
    for (const entry of restored.after) {
      const previous = before.get(canonical(entry.partition));
      const was = previous ? describeEntry(previous).split(': ').pop() : 'none';
      process.stdout.write(`    ${describeEntry(entry)} (was ${was})${restored.untouched.includes(entry) ? pc.dim(' not in the snapshot, left as it was') : ''}\n`);
    }
  }
  process.stdout.write(`Restored the offsets of ${result.restored.length} connector(s) from ${shownText(file)} (taken ${shownText(snapshot.takenAt)}).\n`);
}

/**
 * `--output json`: what a dry run would restore, or what was restored with each partition's offset
 * before and after. Partitions and offsets are the worker's JSON as it is (as `offsets get` prints it);
 * names and the file are shown as text is.
 */
export function restoreJson(result: RestoreResult, file: string, snapshot: OffsetsSnapshot, dryRun: boolean): object {
  const common = { file: shownText(file), takenAt: shownText(snapshot.takenAt), dryRun };
  if (dryRun) {
    const targets = result.check.targets.map((target) => ({ connector: shownText(target.connector), kind: target.kind, liveState: target.liveState ?? null, offsets: target.offsets }));
    return { ...common, targets };
  }
  const restored = result.restored.map((connector) => {
    const before = new Map(connector.before.map((entry) => [canonical(entry.partition), entry.offset]));
    const offsets = connector.after.map((entry) => ({ ...entry, was: before.get(canonical(entry.partition)) ?? null, inSnapshot: !connector.untouched.includes(entry) }));
    return { connector: shownText(connector.connector), kind: connector.kind, finalState: connector.finalState, offsets };
  });
  return { ...common, restored };
}

const RESTORE_FORMATS = ['text', 'json'];

/** `cdcctl connectors offsets restore FILE`: the offsets half of a rollback (the config half is revert + apply). */
function registerOffsetsRestore(offsets: Command): void {
  outputOption(
    offsets
      .command('restore')
      .description('put offsets back from a snapshot (connectors apply / offsets export): stop → PATCH offsets → resume; Kafka ≥ 3.6')
      .argument('<file>', 'snapshot file, e.g. .local/offsets/<env>-<time>.json')
      .addOption(environmentOption(`environment (${ENVIRONMENT_NAMES.join(', ')}): its worker, and the state each connector ends in`).makeOptionMandatory())
      .addOption(connectUrlOption())
      .option('--connector <name...>', 'restore only these connectors of the snapshot')
      .option('--dry-run', 'check the snapshot against the live connectors and say what would be restored; change nothing'),
    RESTORE_FORMATS,
  ).action(async (file: string, flags: RestoreFlags) => {
    checkOutputFormat(flags.output, RESTORE_FORMATS);
    const environment = environmentFromFlags(flags);
    // The client first: it refuses a worker URL carrying credentials before anything prints it.
    const client = clientFor(environment);
    const snapshot = await readSnapshot(file);
    if (snapshot.worker !== client.url) progress(`the snapshot was taken on ${shownText(snapshot.worker)}; restoring on ${shownText(client.url)}`);
    // The state the repository's config wants; a connector it does not define goes back to its state before.
    const desiredStates = new Map(renderEnvironment(environment).map((connector) => [connector.name, connector.state]));
    const result = await restoreOffsets(client, snapshot, {
      connectors: flags.connector,
      desiredStates,
      dryRun: flags.dryRun,
      waitTimeoutMs: environment.connect.waitTimeoutMs,
      onProgress: progress,
    });
    if (flags.output === 'json') process.stdout.write(`${JSON.stringify(restoreJson(result, file, snapshot, Boolean(flags.dryRun)), null, 2)}\n`);
    else if (flags.dryRun) printDryRunText(result, file);
    else printRestoredText(result, file, snapshot);
  });
}

/** `offsets export`'s file: `--file`, or the deprecated `--out` with a warning; both must agree. */
function snapshotFileFromFlags(flags: { file?: string; out?: string }): string {
  if (flags.out !== undefined) {
    process.stderr.write(`${pcErr.yellow('warning')}: offsets export --out is deprecated (--out names a folder elsewhere): use --file\n`);
    if (flags.file !== undefined && flags.file !== flags.out) throw new CliError(`--file and the deprecated --out name different files (${flags.file}, ${flags.out}): give --file only`);
  }
  const file = flags.file ?? flags.out;
  if (file === undefined) throw new CliError("required option '--file <file>' not specified (where the snapshot is written)");
  return file;
}

/** `cdcctl connectors offsets get|export|restore`. */
export function registerOffsets(connectors: Command): void {
  const offsets = connectors.command('offsets').description("read and export connectors' offsets (Kafka ≥ 3.6)");
  environmentOptions(offsets.command('get').description("print a connector's offsets as JSON").argument('<name>')).action(async (name: string, flags: EnvironmentFlags) => {
    process.stdout.write(`${JSON.stringify(await clientFor(environmentFromFlags(flags)).getOffsets(name), null, 2)}\n`);
  });
  environmentOptions(
    offsets
      .command('export')
      .description('snapshot the offsets of every managed connector into a file (a restore point before a change)')
      .option('--file <file>', 'snapshot file (required)')
      // --out names a folder in every other command; here it was the file. Kept working, with a warning.
      .addOption(new Option('--out <file>', 'deprecated: use --file').hideHelp()),
  ).action(async (flags: EnvironmentFlags & { file?: string; out?: string }) => {
    const file = snapshotFileFromFlags(flags);
    const environment = environmentFromFlags(flags);
    const client = clientFor(environment);
    const live = (await client.listConnectors()).filter((connector) => connector.name.startsWith(environment.managedConnectorPrefix));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, serializeOffsetsSnapshot(await snapshotOffsets(client, live, new Date())));
    process.stderr.write(`offsets of ${live.length} connectors written to ${file}\n`);
  });
  registerOffsetsRestore(offsets);
}
