import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import pc from 'picocolors';
import { ENVIRONMENT_NAMES } from '../../config';
import { canonical, parseOffsetsSnapshot, restoreOffsets } from '../../connectors/connect/offsets-restore';
import { renderEnvironment } from '../../connectors/render';
import { CliError, environmentFromFlags, progress } from '../support';
import { clientFor } from '../../connectors/connect/environment-client';

interface RestoreFlags {
  env: string;
  connectUrl?: string;
  connector?: string[];
  dryRun?: boolean;
}

function describeEntry(entry: { partition: Record<string, unknown>; offset: Record<string, unknown> | null }): string {
  const partition = Object.entries(entry.partition)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  const offset = entry.offset === null ? 'none' : 'kafka_offset' in entry.offset ? String(entry.offset.kafka_offset) : canonical(entry.offset);
  return `${partition}: ${offset}`;
}

/** `cdcctl connectors offsets restore FILE`: the offsets half of a rollback (the config half is revert + apply). */
export function registerOffsetsRestore(offsets: Command): void {
  offsets
    .command('restore')
    .description('put offsets back from a snapshot (connectors apply / offsets export): stop → PATCH offsets → resume; Kafka ≥ 3.6')
    .argument('<file>', 'snapshot file, e.g. .local/offsets/<env>-<time>.json')
    .requiredOption('--env <name>', `environment (${ENVIRONMENT_NAMES.join(', ')}): its worker, and the state each connector ends in`)
    .option('--connect-url <url>', "override the environment's Kafka Connect REST URL")
    .option('--connector <name...>', 'restore only these connectors of the snapshot')
    .option('--dry-run', 'check the snapshot against the live connectors and say what would be restored; change nothing')
    .action(async (file: string, flags: RestoreFlags) => {
      const environment = environmentFromFlags(flags);
      let json: unknown;
      try {
        json = JSON.parse(await readFile(file, 'utf8'));
      } catch (error) {
        throw new CliError(`${file}: cannot read the snapshot: ${(error as Error).message}`);
      }
      const snapshot = parseOffsetsSnapshot(json, file);
      if (snapshot.worker !== environment.connect.url) progress(`the snapshot was taken on ${snapshot.worker}; restoring on ${environment.connect.url}`);
      // The state the repository's config wants; a connector it does not define goes back to its state before.
      const desiredStates = new Map(renderEnvironment(environment).map((connector) => [connector.name, connector.state]));
      const result = await restoreOffsets(clientFor(environment), snapshot, {
        connectors: flags.connector,
        desiredStates,
        dryRun: flags.dryRun,
        waitTimeoutMs: environment.connect.waitTimeoutMs,
        onProgress: progress,
      });
      if (flags.dryRun) {
        for (const target of result.check.targets) {
          process.stdout.write(`would restore ${target.connector} (${target.kind}, now ${target.liveState ?? 'UNKNOWN'}):\n`);
          for (const entry of target.offsets) process.stdout.write(`    ${describeEntry(entry)}\n`);
        }
        process.stdout.write(`Dry run: ${result.check.targets.length} connector(s) would be restored from ${file}; nothing was changed.\n`);
        return;
      }
      for (const restored of result.restored) {
        process.stdout.write(`${pc.green('restored')} ${restored.connector} (${restored.kind}), now ${restored.finalState}:\n`);
        const before = new Map(restored.before.map((entry) => [canonical(entry.partition), entry]));
        for (const entry of restored.after) {
          const previous = before.get(canonical(entry.partition));
          const was = previous ? describeEntry(previous).split(': ').pop() : 'none';
          process.stdout.write(`    ${describeEntry(entry)} (was ${was})${restored.untouched.includes(entry) ? pc.dim(' not in the snapshot, left as it was') : ''}\n`);
        }
      }
      process.stdout.write(`Restored the offsets of ${result.restored.length} connector(s) from ${file} (taken ${snapshot.takenAt}).\n`);
    });
}
