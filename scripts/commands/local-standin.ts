import type { Command } from 'commander';
import pc from 'picocolors';
import { progress } from '../cli-support';
import { seedStandIn } from '../local/seed-standin';
import { addStateFlags, runtimeOptionsFrom, type RuntimeFlags } from './local';

/** `cdcctl local seed-standin`: the sample day written to the MongoDB stand-in, through the real connectors. */
export function registerLocalStandIn(local: Command): Command {
  addStateFlags(
    local
      .command('seed-standin')
      .description('apply the local-standin connectors, write the sample changes to the MongoDB STAND-IN (mongo-java-server, not MongoDB) and show the rows they became'),
  ).action(async (flags: RuntimeFlags) => {
    const summary = await seedStandIn({ ...runtimeOptionsFrom(flags), onProgress: progress });
    const out = process.stdout;
    out.write(`\n${pc.bold('Connectors')} (local-standin environment): ${summary.connectors.join(', ')}\n`);
    out.write(`\n${pc.bold('Warehouse')} — ${summary.writes} changes written to the MongoDB stand-in; rows visible after ${summary.secondsToRows.toFixed(1)} s\n`);
    for (const [table, rows] of Object.entries(summary.rows)) out.write(`  ${table.padEnd(18)} ${rows} rows\n`);
    out.write(`\n${pc.yellow('The source was mongo-java-server, an in-memory stand-in: replica sets, snapshots, resume after oplog rollover, exact event shapes, transactions and pre/post images are proved only against Atlas (staging).')}\n`);
  });
  return local;
}
