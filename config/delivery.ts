/**
 * What every Kafka Connect worker of the platform promises about delivery, each setting with its
 * reason (`workerDeliveryProperties` adds the environment's exactly-once source level). The deployed workers (stacks/connect-worker-config.ts) and the local worker
 * (local/config-files.ts) both carry these, so a fault test on the laptop runs what MSK runs.
 *
 * Connect's own producer defaults (Kafka 4.1 Worker.baseProducerConfigs) are `acks=all`,
 * `max.in.flight.requests.per.connection=1`, `delivery.timeout.ms=2147483647` and
 * `enable.idempotence=false`; the worker's `producer.*` settings replace them for every producer it
 * makes for a connector (the sources' and the sinks' dead-letter producers alike). A source task under
 * exactly-once gets a transactional producer with idempotence on whatever these say
 * (Worker.exactlyOnceSourceTaskProducerConfigs).
 */
export const WORKER_DELIVERY_PROPERTIES = {
  // A record counts as written only once every in-sync replica holds it: with min.insync.replicas 2 on
  // MSK, a broker lost right after the acknowledgement loses nothing.
  'producer.acks': 'all',
  // A batch retried after a lost acknowledgement is written once, not twice (Connect's default is off).
  'producer.enable.idempotence': 'true',
  // Idempotence keeps a partition's order with up to 5 batches in flight (more would be refused); Connect's
  // default of 1 was for order without idempotence and costs throughput.
  'producer.max.in.flight.requests.per.connection': '5',
  // `retries` stays at its default (2147483647) and this bounds them: Connect's own value, written down
  // because a finite one drops a record — a dead-letter producer only logs a send that timed out
  // (DeadLetterQueueReporter). An exactly-once source is bounded anyway: its open transaction is
  // aborted after the producer's transaction.timeout.ms (below), which fails the task for the supervisor.
  'producer.delivery.timeout.ms': '2147483647',
  // An exactly-once source task killed mid-transaction (a worker's SIGKILL, an OOM) leaves its
  // transaction open until this passes (the broker checks every 10 s), and until then every
  // read_committed reader stops there: the sinks, and every worker starting up, which reads the
  // offsets topic to its end before it runs a task. At the producer's default (60 s) a worker killed
  // that way got its tasks back 61 s after it started (`cdcctl local faults --scenario
  // source-worker-kill`); a transaction here spans one poll (transaction.boundary=poll), milliseconds.
  'producer.transaction.timeout.ms': '10000',
  // Sinks read only committed records: an exactly-once source's aborted transaction (a task killed
  // mid-poll) never reaches the warehouse. Records written outside a transaction read as before.
  'consumer.isolation.level': 'read_committed',
} as const;

/**
 * The values of the workers' `exactly.once.source.support` (KIP-618) an environment may give
 * (`connect.exactlyOnceSource`). Kafka's documentation of the key (DistributedConfig): "To enable
 * exactly-once source support on a new cluster, set this property to 'enabled'. To enable support on
 * an existing cluster, first set to 'preparing' on every worker in the cluster, then set to
 * 'enabled'. A rolling upgrade may be used for both changes." `preparing` and `enabled` both make the
 * leader write the config topic with a transactional producer (DistributedConfig.ExactlyOnceSourceSupport
 * `usesTransactionalLeader`), which KIP-618's fencing of older task generations rests on; only
 * `enabled` runs source tasks exactly-once. Straight to `enabled` on a running cluster would, during
 * the rolling restart, run exactly-once tasks under a leader still at `disabled`. (`disabled`, Kafka's
 * default, is not offered: the platform does not step back from exactly-once.)
 */
export const EXACTLY_ONCE_SOURCE_LEVELS = ['preparing', 'enabled'] as const;
export type ExactlyOnceSourceLevel = (typeof EXACTLY_ONCE_SOURCE_LEVELS)[number];

/**
 * Every delivery property of a worker: the fixed ones above, and KIP-618's level. At `enabled` a
 * source task's records and its offsets are committed in one Kafka transaction, so a restart neither
 * loses nor repeats a change. The Debezium MongoDB source declares support
 * (connectors/catalog/debezium-mongodb-source.ts); it needs Kafka Connect in distributed mode.
 */
export function workerDeliveryProperties(exactlyOnceSource: ExactlyOnceSourceLevel): Record<string, string> {
  return { ...WORKER_DELIVERY_PROPERTIES, 'exactly.once.source.support': exactlyOnceSource };
}
