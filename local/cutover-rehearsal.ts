import { MongoClient } from 'mongodb';
import { Client } from 'pg';
import { parseEnvironment, type Environment } from '../config';
import { localStandIn } from '../config/environments/local-standin';
import { PHASE_BEHAVIOUR } from '../config/phases';
import type { MigrationPhase } from '../config/schema';
import { createConnectClient, type ConnectClient } from '../connectors/connect/client';
import { deployEnvironment } from '../connectors/connect/deploy';
import { sleep } from '../connectors/connect/poll';
import { cutOverSink } from '../connectors/connect/sink-rewind';
import { shadowTable } from '../connectors/naming';
import { cutoverTarget, removeGhostRows } from '../migration/cutover';
import { validateShadow } from '../migration/shadow-validation';
import { pipelines, type PipelineDefinition } from '../connectors/pipelines';
import { dropSchemaSql, pipelineTableIn } from '../warehouse/tables';
import { startOrderLoad, type OrderLoad, type OrderLoadCounts } from './order-load';
import { kafkaClient } from './replay';
import { compareVersions, compareWithSource, describeComparison, sourceVersions, tableVersions, type SourceComparison } from './source-comparison';
import { applyStandInConnectors, waitUntilStreaming } from './standin-seed';
import { openStandInWriter, type StandInWriter } from './standin-writer';
import { startTriggerEmulator, type FailedWrite, type TriggerEmulator, type TriggerEmulatorStats } from './trigger-emulator';
import { CUTOVER_WALK, FULL_WALK, rehearsalActions, type RehearsalAction, type WalkStep } from './rehearsal-walk';
import type { RehearsalTimelinePoint } from './rehearsal-report';
import { LocalRuntimeError, type RuntimeLayout, type RuntimeOptions } from './options';
import { status } from './runtime';
import { runningRuntimeLayout } from './standin-seed';
import { applyWarehouseMigrations } from '../warehouse/migrate';

/**
 * A migration rehearsal on the local runtime (issue 13): the `orders` collection of the MongoDB STAND-IN
 * (mongo-java-server, not MongoDB) under a steady load of realistic changes, walked through the
 * migration's phases and rollbacks (local/rehearsal-walk.ts) while the writes flow. The production
 * table is written by the Atlas trigger EMULATOR (lagging, failing now and then) while the phase says
 * the trigger writes it, by the real Debezium source and JDBC sink once it says the stream does; each
 * move runs the runbook's actions in the runbook's order. After each step the load pauses and the
 * production table is compared with the collection, document by document, once both writers have
 * caught up: a difference the trigger's own failed runs do not explain is a change lost by the move.
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
  /** Seconds of load in each step, after its move. @default 5 */
  readonly stepSeconds?: number;
  /** `full`: forward, each rollback once, forward again, decommissioned; `cutover`: the cut-over alone. @default 'full' */
  readonly walk?: 'full' | 'cutover';
  /** How long after a change is seen the emulated trigger runs it at the earliest, ms. @default 2000 */
  readonly triggerLagMs?: number;
  /** Each emulated trigger function run's duration, ms: above 1000 / rate the trigger falls further and further behind. @default 0 */
  readonly triggerRunMs?: number;
  /** @default 0.01 */
  readonly triggerFailureRate?: number;
  /**
   * Where the sink starts in the production table at a cut-over: `earliest` (the replay) or `current`,
   * the order the runbook gave before the rehearsal — a control run that shows what that order loses. @default 'earliest'
   */
  readonly sinkFrom?: 'earliest' | 'current';
  /** How long the writers may take to catch up after a step's load. @default 60000 */
  readonly settleTimeoutMs?: number;
  readonly onProgress?: (message: string) => void;
}

/** A sample of the rehearsal, once a second: the production table against the collection, and each writer's lag (the report's timeline point). */
export type RehearsalSample = RehearsalTimelinePoint;

/** The production table against the collection once the writers caught up after a step's load. */
export interface SettledCounts {
  readonly missing: number;
  readonly extra: number;
  readonly stale: number;
  /** Of those, the documents whose last change the trigger failed to run (in a phase where it writes the table): its own loss, as in Atlas. */
  readonly triggerFailed: number;
  /** The rest: changes lost by the move. */
  readonly lost: number;
  /** The first ten of them: `missing|stale|extra <_id> (versions)`. */
  readonly lostIds: readonly string[];
  /** From the load's pause to caught up (or to the time-out). */
  readonly settleMs: number;
}

export interface RehearsalStepResult extends WalkStep {
  /** ms since the load started. */
  readonly startedMs: number;
  readonly endedMs: number;
  /** The move's actions, each with how long it took. */
  readonly actions: ReadonlyArray<{ readonly action: RehearsalAction; readonly ms: number }>;
  /** The worst of the step's samples. */
  readonly missing: number;
  readonly extra: number;
  readonly stale: number;
  readonly maxStalenessMs: number;
  readonly settled: SettledCounts;
  /** `migrate validate`'s accuracy (production against shadow, percent) once settled, in a step that ends in shadow; null otherwise. */
  readonly validateAccuracy: number | null;
  /** When the move disabled the trigger: how many changes it had seen and not run. */
  readonly triggerBacklogAtDisable?: number;
}

export interface CutoverRehearsalReport {
  readonly writes: OrderLoadCounts & { readonly total: number };
  readonly trigger: TriggerEmulatorStats;
  readonly steps: readonly RehearsalStepResult[];
  /** Once a second, from the load's start to the end. */
  readonly samples: readonly RehearsalSample[];
  /** The worst staleness of any document in any sample. */
  readonly maxStalenessMs: number;
  /** The production table against the collection at the end, after the last step settled. */
  readonly final: SourceComparison;
}

type Settings = Required<Omit<CutoverRehearsalOptions, 'onProgress'>> & { readonly onProgress: (message: string) => void };

function resolveSettings(options: CutoverRehearsalOptions): Settings {
  return {
    schema: 'cutover_rehearsal', ratePerSecond: 20, stepSeconds: 5, walk: 'full', triggerLagMs: 2000, triggerRunMs: 0, triggerFailureRate: 0.01, sinkFrom: 'earliest', settleTimeoutMs: 60_000,
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
  readonly shadowTable: string;
}

/** What changes as the rehearsal walks: the sampler reads it. */
interface WalkState {
  step: string;
  phase: MigrationPhase;
  trigger?: TriggerEmulator;
  readonly load: OrderLoad;
  readonly startedAt: number;
}

async function openSession(settings: Settings): Promise<Session> {
  const pipeline = { ...pipelines.find((candidate) => candidate.name === 'orders')!, database: `rehearsal_${settings.runId}` };
  const warehouse = new Client({ connectionString: settings.runtime.warehouseUrl });
  const mongo = new MongoClient(settings.runtime.mongodbUrl, { serverSelectionTimeoutMS: 10_000 });
  await warehouse.connect();
  await mongo.connect();
  const writer = openStandInWriter(settings.runtime.layout, settings.runtime.mongodbUrl);
  const client = createConnectClient({ url: settings.runtime.connectUrl });
  return { settings, pipeline, client, warehouse, mongo, writer, productionTable: `${settings.schema}.${pipeline.table}`, shadowTable: `${settings.schema}.${shadowTable(pipeline)}` };
}

/** The production table and its shadow, empty, in a schema of the rehearsal's own. */
async function prepareWarehouse(session: Session): Promise<void> {
  const { warehouse, settings, pipeline } = session;
  await warehouse.query(dropSchemaSql(settings.schema));
  await warehouse.query(`CREATE SCHEMA ${settings.schema}`);
  await warehouse.query(pipelineTableIn(settings.schema, pipeline));
  await warehouse.query(pipelineTableIn(settings.schema, pipeline, shadowTable(pipeline)));
}

function comparisonTarget(session: Session, table: string): { database: string; collection: string; table: string } {
  return { database: session.pipeline.database, collection: session.pipeline.collection, table };
}

/** Samples the production table (and the shadow while the sink writes it) against the collection once a second until stopped. */
function startSampler(session: Session, state: WalkState): { samples: () => readonly RehearsalSample[]; stop: () => Promise<RehearsalSample[]> } {
  const samples: RehearsalSample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const { phase, step, trigger } = state;
      const sinkTarget = PHASE_BEHAVIOUR[phase].sinkTarget;
      const production = await compareWithSource(session.mongo, session.warehouse, comparisonTarget(session, session.productionTable));
      const shadow = sinkTarget === 'shadow' ? await compareWithSource(session.mongo, session.warehouse, comparisonTarget(session, session.shadowTable)) : undefined;
      const writes = Object.values(state.load.counts()).reduce((sum, count) => sum + count, 0);
      samples.push({
        at_ms: Date.now() - state.startedAt, step, phase, writes,
        missing: production.missing.length, extra: production.extra.length, stale: production.stale.length, max_staleness_ms: production.maxStalenessMs,
        trigger_lag_ms: trigger?.isEnabled() ? trigger.lagMs() : null,
        stream_lag_ms: shadow ? shadow.maxStalenessMs : sinkTarget === 'production' ? production.maxStalenessMs : null,
      });
      await sleep(1_000);
    }
  })();
  loop.catch(() => undefined);
  return {
    samples: () => samples,
    async stop() {
      running = false;
      await loop;
      return samples;
    },
  };
}

/** The production table against the collection, each difference either the trigger's own failed run or a lost change. */
async function settledCounts(session: Session, phase: MigrationPhase, failed: ReadonlyMap<string, FailedWrite>): Promise<Omit<SettledCounts, 'settleMs'>> {
  const table = await tableVersions(session.warehouse, session.productionTable);
  const source = await sourceVersions(session.mongo, session.pipeline.database, session.pipeline.collection);
  const { missing, extra, stale } = compareVersions(source, table, Date.now());
  const triggerWrites = PHASE_BEHAVIOUR[phase].productionWriter === 'trigger';
  const explained = (id: string, write: FailedWrite) => triggerWrites && failed.get(id) === write;
  const lostIds = [
    ...missing.filter((id) => !explained(id, source.get(id)!)).map((id) => `missing ${id} (${source.get(id)})`),
    ...stale.filter((id) => !explained(id, source.get(id)!)).map((id) => `stale ${id} (${table.get(id)} < ${source.get(id)})`),
    ...extra.filter((id) => !explained(id, 'delete')).map((id) => `extra ${id} (${table.get(id)})`),
  ];
  const differences = missing.length + extra.length + stale.length;
  return { missing: missing.length, extra: extra.length, stale: stale.length, triggerFailed: differences - lostIds.length, lost: lostIds.length, lostIds: lostIds.slice(0, 10) };
}

/** Waits (the load paused) until the production table has nothing lost and, while the sink writes the shadow, the shadow is current. */
async function settle(session: Session, state: WalkState): Promise<SettledCounts> {
  const started = Date.now();
  const sinkTarget = PHASE_BEHAVIOUR[state.phase].sinkTarget;
  for (;;) {
    const counts = await settledCounts(session, state.phase, state.trigger?.failedWrites() ?? new Map());
    const shadow = sinkTarget === 'shadow' ? await compareWithSource(session.mongo, session.warehouse, comparisonTarget(session, session.shadowTable)) : undefined;
    const shadowCurrent = !shadow || shadow.missing.length + shadow.extra.length + shadow.stale.length === 0;
    const timedOut = Date.now() - started > session.settings.settleTimeoutMs;
    if (timedOut && !shadowCurrent) {
      const shadowLag = [...shadow!.missing.map((id) => `missing ${id}`), ...shadow!.stale.map((id) => `stale ${id}`), ...shadow!.extra.map((id) => `extra ${id}`)];
      session.settings.onProgress(`${state.step}: the shadow table did not catch up with the collection: ${shadowLag.length} documents (${shadowLag.slice(0, 5).join(', ')})`);
    }
    if ((counts.lost === 0 && shadowCurrent) || timedOut) return { ...counts, settleMs: Date.now() - started };
    await sleep(250);
  }
}

/** `migrate validate`'s accuracy of the production table against the shadow, as the gate runs it (nothing persisted). */
async function validateAccuracy(session: Session): Promise<number | null> {
  const result = await validateShadow({
    databaseUrl: session.settings.runtime.warehouseUrl, collection: session.pipeline.name, schema: session.settings.schema,
    triggerTable: session.pipeline.table, streamTable: shadowTable(session.pipeline), persist: false,
  });
  return result.accuracyPercent;
}

/** `cdcctl connectors apply` of the phase moved to (`--prune` out of the stream path); into shadow from no stream path, until the source streams. */
async function applyConnectors(session: Session, from: MigrationPhase, to: MigrationPhase): Promise<void> {
  const { settings, pipeline, client } = session;
  const environment = rehearsalEnvironment(settings, to);
  if (PHASE_BEHAVIOUR[from].sinkTarget === 'none') {
    await applyStandInConnectors(environment, settings.runtime.connectUrl, settings.runtime.bootstrapServers, [pipeline], settings.onProgress);
    await waitUntilStreaming(session.writer, session.warehouse, environment, [pipeline], client);
    return;
  }
  // Where the stream path goes, `--prune`: its connectors are deleted.
  const prune = PHASE_BEHAVIOUR[to].sinkTarget === 'none';
  const result = await deployEnvironment(environment, { client, pipelines: [pipeline], onProgress: settings.onProgress, prune });
  if (result.error) throw result.error;
}

/** One action of a move, as the runbook's command does it. Returns the trigger's backlog when it disabled it. */
async function runAction(session: Session, state: WalkState, action: RehearsalAction, move: WalkStep): Promise<number | undefined> {
  const { settings } = session;
  switch (action) {
    case 'apply-connectors':
      await applyConnectors(session, move.from, move.to);
      return undefined;
    case 'replay-sink': {
      // `migrate cutover`; the control run's cut-over keeps the sink's offsets, as the runbook once said.
      const target = cutoverTarget(rehearsalEnvironment(settings, move.to), session.pipeline);
      await cutOverSink(session.client, target.sink, target.config, { from: move.to === 'stream' ? settings.sinkFrom : 'earliest' });
      // The stand-in's source takes no snapshot, but the primed topic holds every document (primeStreamPath): ghosts can be told apart.
      if (move.to === 'stream') {
        const ghosts = await removeGhostRows(session.warehouse, target.table, target.shadow);
        settings.onProgress(`${move.step}: ${ghosts.length} ghost rows removed (documents deleted before the stream path started, the trigger's delete having failed)`);
      }
      return undefined;
    }
    case 'enable-trigger':
      await state.trigger!.enable();
      return undefined;
    case 'disable-trigger': {
      const backlog = state.trigger!.backlog();
      await state.trigger!.disable();
      settings.onProgress(`${move.step}: trigger emulator disabled with ${backlog} changes seen and not run`);
      return backlog;
    }
    case 'remove-trigger':
      await state.trigger!.close();
      state.trigger = undefined;
      return undefined;
  }
}

/** A step: the load resumed, its move once the trigger is behind by its lag, the load for `stepSeconds`, then paused until the writers caught up, and the comparison. */
async function runStep(session: Session, state: WalkState, move: WalkStep, samples: () => readonly RehearsalSample[]): Promise<RehearsalStepResult> {
  const startedMs = Date.now() - state.startedAt;
  state.step = move.step;
  state.load.resume();
  // The move is made in a steady state: writes flowing and the trigger behind by its lag, as under real load.
  if (move.from !== move.to) await sleep(session.settings.triggerLagMs + 500);
  const actions: Array<{ action: RehearsalAction; ms: number }> = [];
  let triggerBacklogAtDisable: number | undefined;
  for (const action of rehearsalActions(move.from, move.to)) {
    const started = Date.now();
    triggerBacklogAtDisable = (await runAction(session, state, action, move)) ?? triggerBacklogAtDisable;
    actions.push({ action, ms: Date.now() - started });
  }
  state.phase = move.to;
  await sleep(session.settings.stepSeconds * 1000);
  await state.load.pause();
  const settled = await settle(session, state);
  const accuracy = move.to === 'shadow' ? await validateAccuracy(session) : null;
  const endedMs = Date.now() - state.startedAt;
  const during = samples().filter((sample) => sample.at_ms >= startedMs && sample.at_ms <= endedMs);
  const worst = (key: 'missing' | 'extra' | 'stale' | 'max_staleness_ms') => Math.max(0, ...during.map((sample) => sample[key]));
  session.settings.onProgress(
    `${move.step} (${move.from} → ${move.to}): settled in ${settled.settleMs} ms, ${settled.lost} lost${settled.lost ? ` (${settled.lostIds.join(', ')})` : ''}, ${settled.triggerFailed} the trigger's failed runs${accuracy === null ? '' : `, validate ${accuracy.toFixed(2)} %`}`,
  );
  return {
    ...move, startedMs, endedMs, actions, missing: worst('missing'), extra: worst('extra'), stale: worst('stale'), maxStalenessMs: worst('max_staleness_ms'), settled, validateAccuracy: accuracy,
    ...(triggerBacklogAtDisable === undefined ? {} : { triggerBacklogAtDisable }),
  };
}

/**
 * A STAND-IN limit, not the migration's: the stand-in cannot snapshot (its sources run with
 * `snapshot.mode=no_data`), so a source started under load would never deliver the documents that
 * existed before it and were not changed after — on MongoDB its initial snapshot does. So the stream
 * path is started once, before the first write, and removed again (the walk starts in `trigger`): its
 * source keeps its offsets, and when the walk starts it again it resumes from there, so its topic holds
 * every change since the collection was empty, as a snapshot and the changes after it would. (The
 * stand-in keeps 300 s of oplog: the walk must reach the shadow phase within that, or the source fails
 * with ChangeStreamHistoryLost.)
 */
async function primeStreamPath(session: Session): Promise<void> {
  await applyConnectors(session, 'trigger', 'shadow');
  await applyConnectors(session, 'shadow', 'trigger');
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

/** The whole rehearsal: set-up, then the walk under load, step by step, and the final comparison. */
export async function rehearseMigration(options: CutoverRehearsalOptions): Promise<CutoverRehearsalReport> {
  const settings = resolveSettings(options);
  const session = await openSession(settings);
  try {
    await prepareWarehouse(session);
    return await walkUnderLoad(session);
  } finally {
    await closeSession(session);
  }
}

async function walkUnderLoad(session: Session): Promise<CutoverRehearsalReport> {
  const { settings, pipeline } = session;
  const trigger = await startTriggerEmulator({
    mongodbUrl: settings.runtime.mongodbUrl, database: pipeline.database, collection: pipeline.collection, warehouseUrl: settings.runtime.warehouseUrl,
    table: { schema: settings.schema, table: pipeline.table }, lagMs: settings.triggerLagMs, delayMs: settings.triggerRunMs, failureRate: settings.triggerFailureRate,
  });
  await primeStreamPath(session);
  const load = startOrderLoad(session.writer, { database: pipeline.database, collection: pipeline.collection, ratePerSecond: settings.ratePerSecond });
  await load.pause();
  const state: WalkState = { step: 'start', phase: 'trigger', trigger, load, startedAt: Date.now() };
  const sampler = startSampler(session, state);
  try {
    settings.onProgress(`load: ${settings.ratePerSecond} changes/s, ${settings.stepSeconds} s a step; trigger emulator: ${settings.triggerLagMs} ms behind, ${settings.triggerRunMs} ms a run, failure rate ${settings.triggerFailureRate}`);
    const steps: RehearsalStepResult[] = [];
    for (const move of settings.walk === 'full' ? FULL_WALK : CUTOVER_WALK) steps.push(await runStep(session, state, move, sampler.samples));
    const final = await compareWithSource(session.mongo, session.warehouse, comparisonTarget(session, session.productionTable));
    settings.onProgress(`final: ${describeComparison(final)}`);
    const writes = await load.stop();
    const samples = await sampler.stop();
    return { writes, trigger: trigger.stats(), steps, samples, maxStalenessMs: Math.max(0, ...samples.map((sample) => sample.max_staleness_ms)), final };
  } finally {
    await Promise.allSettled([load.stop(), sampler.stop(), state.trigger?.close()]);
  }
}

/** The rehearsal on the running local runtime (`cdcctl local up`): where its servers listen comes from its state. */
export async function rehearseOnLocalRuntime(runtimeOptions: RuntimeOptions, options: Omit<CutoverRehearsalOptions, 'runtime' | 'runId'>): Promise<CutoverRehearsalReport> {
  const { kafka, mongodb, connect, warehouse } = status(runtimeOptions).services;
  const down = Object.entries({ kafka, mongodb, connect, warehouse }).filter(([, service]) => service.state !== 'running' && service.state !== 'external');
  if (down.length) throw new LocalRuntimeError(`the local runtime is not running: ${down.map(([name, service]) => `${name} is ${service.state}`).join(', ')}`, 'cdcctl local up');
  await applyWarehouseMigrations(warehouse.url as string);
  const runtime = { connectUrl: connect.url as string, bootstrapServers: kafka.url as string, warehouseUrl: warehouse.url as string, mongodbUrl: mongodb.url as string, layout: runningRuntimeLayout(runtimeOptions) };
  return rehearseMigration({ ...options, runtime, runId: Date.now().toString(36) });
}
