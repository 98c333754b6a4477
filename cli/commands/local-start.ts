import type { Command } from 'commander';
import { pc } from '../colors';
import { heartbeatProgress } from '../support';
import { seedStandIn } from '../../local/standin-seed';
import { startLocalPipeline } from '../../local/start';
import { addPortFlags, addStateFlags, formatStatusText, runtimeOptionsFrom, type RuntimeFlags } from './local';
import { formatStandInSummary } from './local-standin';

/**
 * `cdcctl local start` (`npm start`): up, apply the local connectors, replay sample Debezium-format events,
 * then write the same sample day to the MongoDB stand-in through the real Debezium source; show the result.
 * It waits a while (for the connectors, for the rows): a line every 10 s says on what and for how long.
 */
export function registerLocalStart(local: Command): void {
  addPortFlags(
    addStateFlags(
      local
        .command('start')
        .description('bring the runtime up, apply the local connectors, replay sample Debezium-format change events and show the rows they became'),
    ),
  ).action(async (flags: RuntimeFlags) => {
    const heartbeat = heartbeatProgress();
    try {
      await startAndShow(flags, heartbeat.onProgress);
    } finally {
      heartbeat.stop();
    }
  });
}

async function startAndShow(flags: RuntimeFlags, onProgress: (message: string) => void): Promise<void> {
  const summary = await startLocalPipeline({ ...runtimeOptionsFrom(flags), onProgress });
  const out = process.stdout;
  out.write(`\n${pc.bold('Local CDC platform is running')}\n${formatStatusText(summary.status)}\n`);
  out.write(`\n${pc.bold('Connectors')} (local environment)\n`);
  for (const connector of summary.connectors) out.write(`  ${connector.state.padEnd(8)} ${connector.name}  tasks ${connector.tasks.join(' ')}\n`);
  out.write(`\n${pc.bold('Warehouse')} — ${summary.eventsReplayed} change events replayed in Debezium's MongoDB format; rows visible after ${summary.secondsToRows.toFixed(1)} s\n`);
  for (const [table, rows] of Object.entries(summary.rows)) out.write(`  ${table.padEnd(18)} ${rows} rows\n`);

  // The same sample day, now written to the MongoDB stand-in and carried by the real Debezium source.
  const standIn = await seedStandIn({ ...runtimeOptionsFrom(flags), onProgress });
  out.write(formatStandInSummary(standIn));
  out.write(`\nNext: cdcctl connectors plan --env local-standin · cdcctl local status · npm stop\n`);
}
