/**
 * The MongoDB STAND-IN's oplog (local/standin IndexedOplog) against mongo-java-server's own
 * (CollectionBackedOplog, the baseline), side by side in one run. Each measurement starts a fresh
 * stand-in on a free port, writes realistic orders to it at --rate for --seconds through the stand-in
 * writer (4 inserts of orders with line items to 1 update of an earlier order), and reads them with one
 * change stream as the stand-in's Debezium source does: its repair stages, fullDocument updateLookup,
 * batches of 2,048, a read every 10 ms when the last one was empty (poll.interval.ms 10).
 * The two oplogs alternate, and the order is swapped each round.
 *
 * Prints, per oplog and round: writes acknowledged per second, events read per second, the reader's
 * lag when the writes end (last write acknowledged → last event read), the stand-in's CPU seconds; and
 * the ratios indexed / baseline. Asserts nothing. The baseline is never trimmed: over 60 s at 1,000/s it
 * holds what the stand-in's 60 s retention would.
 *
 *   node bin/run-ts bench/standin-oplog.ts [--rate 1000] [--seconds 60] [--rounds 2]
 * (needs the installed runtime, `cdcctl local install`; it starts and stops its own stand-ins)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MongoClient, type Document } from 'mongodb';
import { sleep, waitUntil } from '../connectors/connect/poll';
import { standInEventRepair } from '../connectors/render';
import { resolveRuntimeOptions, runtimeLayout } from '../local/options';
import { freePort } from '../local/processes';
import { customerId, orderDocument, orderId } from '../local/sample-data';
import { writePaced } from '../local/source-events';
import { openStandInWriter, standInConnectionString, standInReady, standInServeCommand, type StandInOperation } from '../local/standin-writer';

const USAGE = 'usage: node bin/run-ts bench/standin-oplog.ts [--rate 1000] [--seconds 60] [--rounds 2]';

function usage(problem: string): never {
  process.stderr.write(`standin-oplog: ${problem}\n${USAGE}\n`);
  process.exit(2);
}

function options(): { rate: number; seconds: number; rounds: number } {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({ options: { rate: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '60' }, rounds: { type: 'string', default: '2' } } }));
  } catch (error) {
    usage((error as Error).message);
  }
  const parsed = { rate: Number(values.rate), seconds: Number(values.seconds), rounds: Number(values.rounds) };
  for (const [flag, value] of Object.entries(parsed)) {
    if (!Number.isInteger(value) || value < 1) usage(`--${flag} must be a whole number from 1 (got ${JSON.stringify(values[flag])})`);
  }
  return parsed;
}

const { rate, seconds, rounds } = options();

type OplogKind = 'mongo-java-server' | 'indexed';
const DATABASE = 'bench';
const COLLECTION = 'orders';
/** How long the reader may still take once the writes end before the measurement gives up on it. */
const CATCH_UP_MS = 60_000;

interface Measurement {
  readonly oplog: OplogKind;
  readonly writesPerSecond: number;
  readonly eventsPerSecond: number;
  readonly read: number;
  readonly total: number;
  /** Last write acknowledged → last event read; undefined when the reader had not caught up within CATCH_UP_MS. */
  readonly lagAtEndMs: number | undefined;
  readonly cpuSeconds: number;
}

/** User + system CPU seconds of a process so far (Linux /proc; clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** 4 inserts to 1 update of an order inserted before, in the order an application would write them. */
function operations(total: number): StandInOperation[] {
  const at = new Date(Date.UTC(2026, 10, 30, 9));
  const result: StandInOperation[] = [];
  let inserted = 0;
  for (let index = 0; index < total; index += 1) {
    if (index % 5 === 4) {
      result.push({ op: 'update', database: DATABASE, collection: COLLECTION, id: orderId(1 + ((index * 7) % inserted)), set: { status: 'shipped' } });
    } else {
      inserted += 1;
      result.push({ op: 'insert', database: DATABASE, collection: COLLECTION, document: orderDocument(inserted, customerId(1 + (inserted % 500)), at) });
    }
  }
  return result;
}

async function waitUntilListening(port: number, server: ChildProcess): Promise<void> {
  const listening = await waitUntil(async () => server.exitCode !== null || (await standInReady(port)) === true, 60_000, 200);
  if (server.exitCode !== null) throw new Error(`the stand-in exited (code ${server.exitCode})`);
  if (!listening) throw new Error(`the stand-in did not listen on ${port} within 60 s`);
}

async function measure(oplog: OplogKind): Promise<Measurement> {
  const port = await freePort();
  const layout = runtimeLayout({ stateDir: mkdtempSync(join(tmpdir(), 'cdc-oplog-bench-')), runtimeDir: resolveRuntimeOptions({}).runtimeDir });
  const command = standInServeCommand(layout, { port, oplog });
  const server = spawn(command.command, command.args, { cwd: command.cwd, stdio: 'ignore' });
  const mongo = new MongoClient(standInConnectionString(port), { serverSelectionTimeoutMS: 10_000 });
  const writer = openStandInWriter(layout, standInConnectionString(port));
  try {
    await waitUntilListening(port, server);
    await mongo.connect();
    const stream = mongo.db(DATABASE).collection(COLLECTION).watch(standInEventRepair({ database: DATABASE, collection: COLLECTION }) as Document[], { fullDocument: 'updateLookup', batchSize: 2048 });
    await stream.tryNext(); // positioned before the first write
    const total = rate * seconds;
    const cpuBefore = cpuSeconds(server.pid!);
    const started = Date.now();
    let read = 0;
    let lastReadAt = started;
    let writesEndedAt: number | undefined;
    const reader = (async () => {
      while (read < total && (writesEndedAt === undefined || Date.now() - writesEndedAt < CATCH_UP_MS)) {
        if (await stream.tryNext()) {
          read += 1;
          lastReadAt = Date.now();
        } else await sleep(10);
      }
    })();
    await writePaced(writer, operations(total), rate).done;
    writesEndedAt = Date.now();
    await reader;
    await stream.close();
    return {
      oplog,
      writesPerSecond: total / ((writesEndedAt - started) / 1000),
      eventsPerSecond: read / ((lastReadAt - started) / 1000),
      read,
      total,
      lagAtEndMs: read === total ? Math.max(0, lastReadAt - writesEndedAt) : undefined,
      cpuSeconds: cpuSeconds(server.pid!) - cpuBefore,
    };
  } finally {
    await writer.close();
    await mongo.close();
    server.kill('SIGKILL');
  }
}

const round1 = (value: number) => Math.round(value * 10) / 10;

function line(result: Measurement): string {
  const lag = result.lagAtEndMs === undefined ? `not caught up: ${result.read.toLocaleString('en-US')} of ${result.total.toLocaleString('en-US')} read ${CATCH_UP_MS / 1000} s after the writes` : `${(result.lagAtEndMs / 1000).toFixed(2)} s`;
  return `${result.oplog.padEnd(17)} writes ${round1(result.writesPerSecond)}/s, events read ${round1(result.eventsPerSecond)}/s, lag at end ${lag}, stand-in CPU ${round1(result.cpuSeconds)} s`;
}

async function main(): Promise<void> {
  console.log(`stand-in oplog bench: ${rate} writes/s for ${seconds} s (${(rate * seconds).toLocaleString('en-US')} per measurement), ${rounds} round(s); baseline mongo-java-server's CollectionBackedOplog`);
  for (let round = 1; round <= rounds; round += 1) {
    const order: OplogKind[] = round % 2 === 1 ? ['mongo-java-server', 'indexed'] : ['indexed', 'mongo-java-server'];
    const results = new Map<OplogKind, Measurement>();
    for (const oplog of order) {
      const result = await measure(oplog);
      results.set(oplog, result);
      console.log(`round ${round}: ${line(result)}`);
    }
    const baseline = results.get('mongo-java-server')!;
    const indexed = results.get('indexed')!;
    const lagRatio = baseline.lagAtEndMs !== undefined && indexed.lagAtEndMs !== undefined && indexed.lagAtEndMs > 0 ? `${round1(baseline.lagAtEndMs / indexed.lagAtEndMs)}×` : 'n/a';
    console.log(
      `round ${round}: indexed / baseline: writes ${round1(indexed.writesPerSecond / baseline.writesPerSecond)}×, events read ${round1(indexed.eventsPerSecond / baseline.eventsPerSecond)}×, ` +
        `stand-in CPU ${round1(indexed.cpuSeconds / baseline.cpuSeconds)}×; lag at end, baseline / indexed: ${lagRatio}`,
    );
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});
