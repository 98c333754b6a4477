import type { Command } from 'commander';
import { pc } from '../colors';
import { progress } from '../support';
import { seedStandIn, type StandInSeedSummary } from '../../local/standin-seed';
import { addStateFlags, runtimeOptionsFrom, type RuntimeFlags } from './local';

/** What a stand-in seed did, and what it does not prove: printed by `local seed-standin` and `local start`. */
export function formatStandInSummary(summary: StandInSeedSummary): string {
  return [
    `\n${pc.bold('MongoDB stand-in')} (mongo-java-server, in memory — NOT MongoDB) → Debezium MongoDB source → Kafka → JDBC sink`,
    `  connectors (local-standin environment): ${summary.connectors.join(', ')}`,
    `  ${summary.writes} changes written to the stand-in; rows visible after ${summary.secondsToRows.toFixed(1)} s`,
    ...Object.entries(summary.rows).map(([table, rows]) => `  ${table.padEnd(18)} ${rows} rows`),
    `  ${pc.yellow('Replica sets, snapshots, resume after oplog rollover, exact event shapes, transactions and pre/post images are proved only against Atlas (staging).')}`,
    '',
  ].join('\n');
}

/** `cdcctl local seed-standin`: the sample day written to the MongoDB stand-in, through the real connectors. */
export function registerLocalStandIn(local: Command): Command {
  addStateFlags(
    local
      .command('seed-standin')
      .description('apply the local-standin connectors, write the sample changes to the MongoDB STAND-IN (mongo-java-server, not MongoDB) and show the rows they became'),
  ).action(async (flags: RuntimeFlags) => {
    process.stdout.write(formatStandInSummary(await seedStandIn({ ...runtimeOptionsFrom(flags), onProgress: progress })));
  });
  return local;
}
