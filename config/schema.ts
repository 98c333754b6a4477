import { z } from 'zod';
import { infrastructureSchema } from './infrastructure';
import { secretReference } from './secrets';

/** Each collection moves through these phases on its way off Atlas Triggers (see DESIGN.md). */
export const MIGRATION_PHASES = ['trigger', 'shadow', 'stream', 'decommissioned'] as const;
export type MigrationPhase = (typeof MIGRATION_PHASES)[number];

const connectAuthSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  /** Credentials are read from the named environment variables of the process running cdcctl. */
  z.object({ kind: z.literal('basic'), usernameEnv: z.string().min(1), passwordEnv: z.string().min(1) }),
  z.object({ kind: z.literal('bearer'), tokenEnv: z.string().min(1) }),
]);

/**
 * The supervisor (`cdcctl connectors supervise`) that restarts failed connectors and tasks. Delays
 * follow Strimzi's autoRestart formula `unit × (n² + n)` for the n-th restart.
 */
const supervisorSchema = z.object({
  /** The formula's unit. Strimzi's is one minute; 30 s mends a passing fault sooner. @default 30000 */
  restartUnitMs: z.number().int().positive().default(30_000),
  /** Longest delay between two restarts. @default 1800000 (30 min) */
  maxRestartDelayMs: z.number().int().positive().default(1_800_000),
  /** Restarts before it gives up and leaves the connector FAILED (the alerts then page). @default 10 */
  maxRestarts: z.number().int().min(0).default(10),
  /** Healthy this long after a restart and the count starts again. @default 600000 (10 min) */
  healthyResetMs: z.number().int().positive().default(600_000),
  /** Time between two reads of the worker. @default 15000 */
  intervalMs: z.number().int().positive().default(15_000),
});

const connectSchema = z.object({
  /** Base URL of the Kafka Connect REST API. */
  url: z.string().url(),
  auth: connectAuthSchema.default({ kind: 'none' }),
  /** Per-request timeout. @default 15000 */
  requestTimeoutMs: z.number().int().positive().default(15_000),
  /** Connectors changed at once by `apply`. @default 4 */
  concurrency: z.number().int().min(1).max(64).default(4),
  /** How long `apply` waits for a connector to reach its desired state. @default 120000 */
  waitTimeoutMs: z.number().int().positive().default(120_000),
  supervisor: supervisorSchema.prefault({}),
});

const mongodbSchema = z.discriminatedUnion('kind', [
  /** A real MongoDB deployment (Atlas): the Debezium MongoDB source connectors are applied. */
  z.object({ kind: z.literal('atlas'), connectionString: secretReference }),
  /**
   * No MongoDB in this environment: source connectors are not applied, and change events in
   * Debezium's exact format are replayed into the source topics instead (the local runtime).
   */
  z.object({ kind: z.literal('replay') }),
  /**
   * The local MongoDB STAND-IN (mongo-java-server, an in-memory emulator, not MongoDB): the Debezium
   * source is applied with the differences it needs, one source per collection (see
   * connectors/render.ts, `standInSourceDifferences`). Proves the connector path, not MongoDB.
   */
  z.object({ kind: z.literal('stand-in'), connectionString: secretReference }),
]);

const warehouseSchema = z.object({
  /** JDBC URL of the warehouse, or a config-provider placeholder resolved by the worker. */
  jdbcUrl: z.string().min(1),
  username: z.string().min(1),
  password: secretReference,
  /** @default 'public' */
  schema: z.string().min(1).default('public'),
});

const sourceTuningSchema = z.object({
  /** Debezium `poll.interval.ms`. @default 100 (Debezium's own default is 500) */
  pollIntervalMs: z.number().int().positive().default(100),
  /** Debezium `max.batch.size`. @default 2048 */
  maxBatchSize: z.number().int().positive().default(2048),
  /** Debezium `max.queue.size`; must exceed maxBatchSize. @default 8192 */
  maxQueueSize: z.number().int().positive().default(8192),
  /** Debezium `heartbeat.interval.ms`; alerts on "no events" rely on it. @default 10000 */
  heartbeatIntervalMs: z.number().int().nonnegative().default(10_000),
});

const sinkTuningSchema = z.object({
  /** JDBC sink `batch.size`. @default 1000 */
  batchSize: z.number().int().positive().default(1000),
  /** @default 1 */
  tasksMax: z.number().int().positive().default(1),
  /** Consumer `max.poll.records` (through `consumer.override.`). @default 1000 */
  maxPollRecords: z.number().int().positive().default(1000),
});

const collectionSettingsSchema = z.object({
  /** Where the collection is on its way off Atlas Triggers. @default 'stream' */
  phase: z.enum(MIGRATION_PHASES).default('stream'),
  /** Desired connector state for this collection's connectors. @default 'RUNNING' */
  state: z.enum(['RUNNING', 'PAUSED', 'STOPPED']).default('RUNNING'),
  /** Overrides of the environment's sink tuning for this collection. */
  sink: sinkTuningSchema.partial().default({}),
});

export const environmentSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    connect: connectSchema,
    kafka: z.object({
      bootstrapServers: z.string().min(1),
      /** Replication factor of topics the connectors create (DLQs). @default 3 */
      replicationFactor: z.number().int().min(1).default(3),
    }),
    /** Debezium `topic.prefix`: topics are `<topicPrefix>.<database>.<collection>`. */
    topicPrefix: z.string().regex(/^[A-Za-z0-9_.-]+$/),
    /** Every connector this repository manages starts with it; prune touches nothing else. */
    managedConnectorPrefix: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/),
    mongodb: mongodbSchema,
    warehouse: warehouseSchema,
    source: sourceTuningSchema.prefault({}),
    sink: sinkTuningSchema.prefault({}),
    /** Per-collection settings, keyed by pipeline name. A pipeline without an entry uses the defaults. */
    collections: z.record(z.string(), collectionSettingsSchema).default({}),
    infrastructure: infrastructureSchema.default({}),
  })
  .superRefine((env, ctx) => {
    if (env.source.maxQueueSize <= env.source.maxBatchSize) {
      ctx.addIssue({
        code: 'custom',
        path: ['source', 'maxQueueSize'],
        message: `must be larger than source.maxBatchSize (${env.source.maxBatchSize}) (got ${env.source.maxQueueSize})`,
      });
    }
  });

export type EnvironmentInput = z.input<typeof environmentSchema>;
export type Environment = z.output<typeof environmentSchema>;
export type CollectionSettings = z.output<typeof collectionSettingsSchema>;
