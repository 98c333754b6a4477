import { z } from 'zod';
import { EXACTLY_ONCE_SOURCE_LEVELS } from './delivery';
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
  /**
   * The workers' `exactly.once.source.support` (config/delivery.ts): `enabled` on a new Connect
   * cluster; a cluster already running without it takes two rolling steps, every worker at
   * `preparing` (one `cdktf deploy` of the connect stack, rolled out), then `enabled` (a second). While
   * `preparing`, the sources are rendered without `exactly.once.support=required` (Connect's defaults,
   * as before exactly-once), and validate and plan refuse a connector that requires it: the workers
   * would refuse it themselves. @default 'enabled'
   */
  exactlyOnceSource: z.enum(EXACTLY_ONCE_SOURCE_LEVELS).default('enabled'),
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
  /**
   * The sinks' consumer `max.poll.records`, set on the worker (`consumer.max.poll.records`): the workers
   * admit no client override from a connector config (`connector.client.config.override.policy=None`). @default 1000
   */
  maxPollRecords: z.number().int().positive().default(1000),
  /**
   * `use.reduction.buffer` + `dialect.postgres.unnest.insert.enabled`: the last change of each key per
   * batch, written as one UNNEST statement. @default true
   */
  reduceAndUnnest: z.boolean().default(true),
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
      /**
       * The largest record the platform's topics carry (see `messageSizeSettings`). MongoDB allows
       * 16 MiB documents; a change event holds the document in `after`, JSON-escaped with its schema
       * (×1.14 measured for a 15 MiB document), and on MongoDB an update may carry it again in
       * `updateDescription`, and a pre-image mode a third time: 3 × 16 MiB × 1.15 ≈ 56 MiB → 64 MiB.
       * MSK Serverless caps a topic at 8 MiB: there zstd must bring each batch under the cap.
       * @default 67108864 (64 MiB)
       */
      maxMessageBytes: z.number().int().min(1_048_576).default(64 * 1024 * 1024),
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

/**
 * Every Kafka and Connect size that lets the largest record through, from the one fact
 * `kafka.maxMessageBytes`, each with its reason. The worker config (stacks/connect-worker-config.ts),
 * the MSK cluster configuration (stacks/kafka-stack.ts), the local broker and worker
 * (local/config-files.ts), the topics the local runtime creates and the Debezium source read it.
 * Consumer fetch sizes stay at their defaults: since KIP-74 a fetch returns the first batch even when
 * it is larger than fetch.max.bytes / max.partition.fetch.bytes (measured: a sink consumed 17 MiB
 * records at defaults), and so does a follower's replica fetch.
 */
export interface MessageSizeSettings {
  /** Topic `max.message.bytes` (source and dead-letter topics) and broker `message.max.bytes`: checked against the batch after compression. */
  readonly topicMaxMessageBytes: number;
  /** Producer `max.request.size`: checked against a record's uncompressed serialized size (KafkaProducer.ensureValidRecordSize). */
  readonly producerMaxRequestSize: number;
  /** Producer `buffer.memory`: must hold the largest record (default 32 MiB), twice so that one waits while one is sent. */
  readonly producerBufferMemory: number;
  /** Producer `compression.type`: JSON compresses well (a 2.5 KiB order to a fraction), and MSK Serverless' 8 MiB cap needs it. */
  readonly producerCompressionType: 'zstd';
  /** Debezium `max.queue.size.in.bytes`: a bound in bytes (the default 0 counts events only: 8,192 events of 16 MiB exhaust any heap). */
  readonly debeziumQueueBytes: number;
}

export function messageSizeSettings(kafka: { readonly maxMessageBytes: number }): MessageSizeSettings {
  return {
    topicMaxMessageBytes: kafka.maxMessageBytes,
    producerMaxRequestSize: kafka.maxMessageBytes,
    producerBufferMemory: 2 * kafka.maxMessageBytes,
    producerCompressionType: 'zstd',
    debeziumQueueBytes: 4 * kafka.maxMessageBytes,
  };
}

export type EnvironmentInput = z.input<typeof environmentSchema>;
export type Environment = z.output<typeof environmentSchema>;
export type CollectionSettings = z.output<typeof collectionSettingsSchema>;
