import { MongoClient } from 'mongodb';
import { Client } from 'pg';
import { parseEnvironment, type Environment } from '../config';
import { localStandIn } from '../config/environments/local-standin';
import type { MigrationPhase } from '../config/schema';
import { createConnectClient, type ConnectClient } from '../connectors/connect/client';
import { renderValidated } from '../connectors/connect/deploy';
import { sleep } from '../connectors/connect/poll';
import { cutOverSink } from '../connectors/connect/sink-rewind';
import { qualifiedTable, shadowTable, sinkConnectorName } from '../connectors/naming';
import { pipelines, type PipelineDefinition } from '../connectors/pipelines';
import { dropSchemaSql, pipelineTableIn } from '../warehouse/tables';
import { startOrderLoad, type OrderLoadCounts } from './order-load';
import { kafkaClient } from './replay';
import { compareWithSource, describeComparison, type SourceComparison } from './source-comparison';
import { applyStandInConnectors, waitUntilStreaming } from './standin-seed';
import { openStandInWriter, type StandInWriter } from './standin-writer';
import { startTriggerEmulator, type TriggerEmulator, type TriggerEmulatorStats } from './trigger-emulator';
import { LocalRuntimeError, type RuntimeLayout, type RuntimeOptions } from './options';
import { status } from './runtime';
import { runningRuntimeLayout } from './standin-seed';
import { applyWarehouseMigrations } from '../warehouse/migrate';

/**
 * A cut-over rehearsal on the local runtime (issue 13): the `orders` collection of the MongoDB STAND-IN
 * (mongo-java-server, not MongoDB) under a steady load of realistic changes, its production table
 * written by the Atlas trigger EMULATOR (lagging, failing now and then) and its shadow table by the
 * real Debezium source and JDBC sink; then the cut-over as the runbook says it: the sink rewound to the
 * earliest offset and switched to the production table (connectors/connect/sink-rewind.ts), the
 * trigger disabled once the sink has caught up. After the load stops and everything drains, the
 * production table is compared with the collection, document by document.
 */

export interface RehearsalRuntime {
  readonly connectUrl: string;
  readonly bootstrapServers: string;
  readonly warehouseUrl: string;
  readonly mongodbUrl: string;
  /** Where the stand-in writer's jars are. */
  readonly layout: Pick<RuntimeLayout, 'standInLibDir'>;
}

export interface CutoverRehearsalOptions {
  readonly runtime: RehearsalRuntime;
  /** Names the stand-in database, the topics and the connectors of this run. */
  readonly runId: string;
  /** Warehouse schema of the rehearsal's tables (dropped and created; kept after the run for inspection). @default 'cutover_rehearsal' */
  readonly schema?: string;
  /** Changes per second written to the collection. @default 20 */
  readonly ratePerSecond?: number;
  /** Seconds of load before the cut-over (phase shadow). @default 12 */
  readonly shadowSeconds?: number;
  /** Seconds of load after it (phase stream). @default 8 */
  readonly streamSeconds?: number;
  /** Each trigger function run's duration, ms: above 1000 / rate the trigger falls behind. @default 100 */
  readonly triggerDelayMs?: number;
  /** @default 0.01 */
  readonly triggerFailureRate?: number;
  /**
   * Where the sink starts in the production table: `earliest` (the gapless cut-over) or `current`, the
   * order the runbook gave before the rehearsal — a control run that shows what that order loses. @default 'earliest'
   */
  readonly sinkFrom?: 'earliest' | 'current';
  /** How long the drain may take once the load stops. @default 60000 */
  readonly drainTimeoutMs?: number;
  readonly onProgress?: (message: string) => void;
}

export interface RehearsalSample {
  /** Since the load started. */
  readonly atMs: number;
  readonly phase: 'shadow' | 'cut-over' | 'stream' | 'drain';
  readonly missing: number;
  readonly extra: number;
  readonly stale: number;
  readonly maxStalenessMs: number;
}

export interface CutoverRehearsalReport {
  readonly writes: OrderLoadCounts & { readonly total: number };
  /** The emulated trigger when it was disabled, and how many changes it had not reached then. */
  readonly trigger: TriggerEmulatorStats & { readonly unprocessedAtDisable: number };
  /** From the sink's stop to the trigger's disable. */
  readonly cutoverMs: number;
  /** The production table against the collection, once a second. */
  readonly samples: readonly RehearsalSample[];
  /** The worst staleness of any document in any sample. */
  readonly maxStalenessMs: number;
  /** After the load stopped and everything drained. */
  readonly final: SourceComparison;
  /** From the load's stop to the final comparison. */
  readonly drainMs: number;
}

type Settings = Required<Omit<CutoverRehearsalOptions, 'onProgress'>> & { readonly onProgress: (message: string) => void };

function resolveSettings(options: CutoverRehearsalOptions): Settings {
  return {
    schema: 'cutover_rehearsal', ratePerSecond: 20, shadowSeconds: 12, streamSeconds: 8, triggerDelayMs: 100, triggerFailureRate: 0.01, sinkFrom: 'earliest', drainTimeoutMs: 60_000,
    onProgress: () => undefined,
    ...options,
  };
}

/** The stand-in environment of the rehearsal with the collection in `phase`: its sink writes the shadow or the production table. */
export function rehearsalEnvironment(settings: Pick<Settings, 'runtime' | 'runId' | 'schema'>, phase: MigrationPhase): Environment {
  return parseEnvironment({
    ...localStandIn,
    name: 'rehearsal',
    connect: { ...localStandIn.connect, url: settings.runtime.connectUrl },
    kafka: { bootstrapServers: settings.runtime.bootstrapServers, replicationFactor: 1 },
    topicPrefix: `rehearsal-${settings.runId}`,
    managedConnectorPrefix: 'rehearsal-',
    warehouse: { ...localStandIn.warehouse, schema: settings.schema },
    collections: { orders: { phase } },
  });
}

interface Session {
  readonly settings: Settings;
  readonly pipeline: PipelineDefinition;
  readonly client: ConnectClient;
  readonly warehouse: Client;
  readonly mongo: MongoClient;
  readonly writer: StandInWriter;
  readonly productionTable: string;
}

async function openSession(settings: Settings): Promise<Session> {
  const pipeline = { ...pipelines.find((candidate) => candidate.name === 'orders')!, database: `rehearsal_${settings.runId}` };
  const warehouse = new Client({ connectionString: settings.runtime.warehouseUrl });
  const mongo = new MongoClient(settings.runtime.mongodbUrl, { serverSelectionTimeoutMS: 10_000 });
  await warehouse.connect();
  await mongo.connect();
  const writer = openStandInWriter(settings.runtime.layout, settings.runtime.mongodbUrl);
  const client = createConnectClient({ url: settings.runtime.connectUrl });
  return { settings, pipeline, client, warehouse, mongo, writer, productionTable: `${settings.schema}.${pipeline.table}` };
}

/** The production table and its shadow, empty, in a schema of the rehearsal's own. */
async function prepareWarehouse(session: Session): Promise<void> {
  const { warehouse, settings, pipeline } = session;
  await warehouse.query(dropSchemaSql(settings.schema));
  await warehouse.query(`CREATE SCHEMA ${settings.schema}`);
  await warehouse.query(pipelineTableIn(settings.schema, pipeline));
  await warehouse.query(pipelineTableIn(settings.schema, pipeline, shadowTable(pipeline)));
}

/** Phase shadow: the stand-in source and the sink writing the shadow table, streaming before the load starts. */
async function startShadowPath(session: Session): Promise<void> {
  const environment = rehearsalEnvironment(session.settings, 'shadow');
  await applyStandInConnectors(environment, session.settings.runtime.connectUrl, session.settings.runtime.bootstrapServers, [session.pipeline], session.settings.onProgress);
  await waitUntilStreaming(session.writer, session.warehouse, environment, [session.pipeline], session.client);
}

/** Samples the production table against the collection once a second until stopped. */
function startSampler(session: Session, phase: () => RehearsalSample['phase'], startedAt: number): { stop: () => Promise<RehearsalSample[]> } {
  const samples: RehearsalSample[] = [];
  let running = true;
  const target = { database: session.pipeline.database, collection: session.pipeline.collection, table: session.productionTable };
  const loop = (async () => {
    while (running) {
      const comparison = await compareWithSource(session.mongo, session.warehouse, target);
      samples.push({ atMs: Date.now() - startedAt, phase: phase(), missing: comparison.missing.length, extra: comparison.extra.length, stale: comparison.stale.length, maxStalenessMs: comparison.maxStalenessMs });
      await sleep(1_000);
    }
  })();
  loop.catch(() => undefined);
  return {
    async stop() {
      running = false;
      await loop;
      return samples;
    },
  };
}

/**
 * The cut-over, gapless by construction: the sink rewound to the earliest offset and switched to the
 * production table, then — once its replay has passed where it had got in the shadow — the trigger disabled.
 */
async function cutOver(session: Session, trigger: TriggerEmulator, writtenSoFar: () => number): Promise<{ unprocessedAtDisable: number; cutoverMs: number }> {
  const started = Date.now();
  const environment = rehearsalEnvironment(session.settings, 'stream');
  const sink = renderValidated(environment, [session.pipeline]).connectors.find((connector) => connector.role === 'sink')!;
  const from = session.settings.sinkFrom;
  session.settings.onProgress(`cut-over: ${sink.name} switched to ${qualifiedTable(environment, session.pipeline.table)}, reading from ${from === 'earliest' ? 'the earliest offset' : 'its current offsets'}`);
  await cutOverSink(session.client, sinkConnectorName(environment, session.pipeline), sink.config, { from });
  const stats = trigger.stats();
  const unprocessedAtDisable = writtenSoFar() - (stats.applied + stats.failed + stats.skipped);
  await trigger.disable();
  session.settings.onProgress(`cut-over: trigger emulator disabled with ${unprocessedAtDisable} changes it had not reached`);
  return { unprocessedAtDisable, cutoverMs: Date.now() - started };
}

/** Waits until the production table equals the collection (or the drain times out), and returns the last comparison. */
async function drain(session: Session): Promise<SourceComparison> {
  const target = { database: session.pipeline.database, collection: session.pipeline.collection, table: session.productionTable };
  const deadline = Date.now() + session.settings.drainTimeoutMs;
  for (;;) {
    const comparison = await compareWithSource(session.mongo, session.warehouse, target);
    const settled = comparison.missing.length + comparison.extra.length + comparison.stale.length === 0;
    if (settled || Date.now() > deadline) return comparison;
    await sleep(500);
  }
}

async function closeSession(session: Session): Promise<void> {
  for (const connector of await session.client.listConnectors()) if (connector.name.startsWith('rehearsal-')) await session.client.deleteConnector(connector.name);
  await session.writer.write({ op: 'dropDatabase', database: session.pipeline.database });
  await session.writer.close();
  const admin = kafkaClient(session.settings.runtime.bootstrapServers).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`rehearsal-${session.settings.runId}.`));
    if (topics.length) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
  await Promise.all([session.mongo.close(), session.warehouse.end()]);
}

/** The whole rehearsal: set-up, load under the trigger, cut-over under load, load under the stream, drain, compare. */
export async function rehearseCutover(options: CutoverRehearsalOptions): Promise<CutoverRehearsalReport> {
  const settings = resolveSettings(options);
  const session = await openSession(settings);
  try {
    await prepareWarehouse(session);
    await startShadowPath(session);
    return await runUnderLoad(session);
  } finally {
    await closeSession(session);
  }
}

async function runUnderLoad(session: Session): Promise<CutoverRehearsalReport> {
  const { settings, pipeline } = session;
  const trigger = await startTriggerEmulator({
    mongodbUrl: settings.runtime.mongodbUrl, database: pipeline.database, collection: pipeline.collection, warehouseUrl: settings.runtime.warehouseUrl,
    table: { schema: settings.schema, table: pipeline.table }, delayMs: settings.triggerDelayMs, failureRate: settings.triggerFailureRate,
  });
  let phase: RehearsalSample['phase'] = 'shadow';
  const startedAt = Date.now();
  const load = startOrderLoad(session.writer, { database: pipeline.database, collection: pipeline.collection, ratePerSecond: settings.ratePerSecond });
  const sampler = startSampler(session, () => phase, startedAt);
  try {
    settings.onProgress(`load: ${settings.ratePerSecond} changes/s; trigger emulator: ${settings.triggerDelayMs} ms per run, failure rate ${settings.triggerFailureRate}`);
    await sleep(settings.shadowSeconds * 1000);
    phase = 'cut-over';
    const writtenSoFar = () => Object.values(load.counts()).reduce((sum, count) => sum + count, 0);
    const cutover = await cutOver(session, trigger, writtenSoFar);
    phase = 'stream';
    await sleep(settings.streamSeconds * 1000);
    const writes = await load.stop();
    phase = 'drain';
    const drainStarted = Date.now();
    const final = await drain(session);
    const drainMs = Date.now() - drainStarted;
    const samples = await sampler.stop();
    settings.onProgress(`final: ${describeComparison(final)}`);
    const maxStalenessMs = Math.max(0, ...samples.map((sample) => sample.maxStalenessMs));
    return { writes, trigger: { ...trigger.stats(), unprocessedAtDisable: cutover.unprocessedAtDisable }, cutoverMs: cutover.cutoverMs, samples, maxStalenessMs, final, drainMs };
  } finally {
    await Promise.allSettled([load.stop(), sampler.stop(), trigger.close()]);
  }
}

/** The rehearsal on the running local runtime (`cdcctl local up`): where its servers listen comes from its state. */
export async function rehearseOnLocalRuntime(runtimeOptions: RuntimeOptions, options: Omit<CutoverRehearsalOptions, 'runtime' | 'runId'>): Promise<CutoverRehearsalReport> {
  const { kafka, mongodb, connect, warehouse } = status(runtimeOptions).services;
  const down = Object.entries({ kafka, mongodb, connect, warehouse }).filter(([, service]) => service.state !== 'running' && service.state !== 'external');
  if (down.length) throw new LocalRuntimeError(`the local runtime is not running: ${down.map(([name, service]) => `${name} is ${service.state}`).join(', ')}`, 'cdcctl local up');
  await applyWarehouseMigrations(warehouse.url as string);
  const runtime = { connectUrl: connect.url as string, bootstrapServers: kafka.url as string, warehouseUrl: warehouse.url as string, mongodbUrl: mongodb.url as string, layout: runningRuntimeLayout(runtimeOptions) };
  return rehearseCutover({ ...options, runtime, runId: Date.now().toString(36) });
}
