/**
 * What every Kafka Connect worker of the platform promises about delivery, each setting with its
 * reason. The deployed workers (stacks/connect-worker-config.ts) and the local worker
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
  // aborted after the producer's transaction.timeout.ms (60 s), which fails the task for the supervisor.
  'producer.delivery.timeout.ms': '2147483647',
  // Sinks read only committed records: an exactly-once source's aborted transaction (a task killed
  // mid-poll) never reaches the warehouse. Records written outside a transaction read as before.
  'consumer.isolation.level': 'read_committed',
  // KIP-618: a source task's records and its offsets are committed in one Kafka transaction, so a
  // restart neither loses nor repeats a change. The Debezium MongoDB source declares support
  // (connectors/catalog/debezium-mongodb-source.ts); it needs Kafka Connect in distributed mode.
  'exactly.once.source.support': 'enabled',
} as const;
