import type { EnvironmentInput } from '../schema';
import { local } from './local';

/**
 * The worker environment variable that carries the stand-in's connection string. The local runtime
 * sets it for its Connect worker (its port is a runtime setting, not configuration).
 */
export const STANDIN_CONNECTION_STRING_ENV = 'CDC_STANDIN_MONGODB_URL';

/**
 * The `local` environment with a MongoDB STAND-IN as its source: mongo-java-server (an in-memory
 * emulator, not MongoDB) started by the local runtime, captured by the real Debezium MongoDB
 * connector. Everything else — topics, sinks, warehouse tables — is `local`'s. What the stand-in
 * cannot prove (replica sets, snapshots, resume after oplog rollover, exact event shapes,
 * transactions, pre/post images) belongs to a staging run against Atlas.
 */
export const localStandIn: EnvironmentInput = {
  ...local,
  name: 'local-standin',
  mongodb: { kind: 'stand-in', connectionString: `\${env:${STANDIN_CONNECTION_STRING_ENV}}` },
  /**
   * Debezium `poll.interval.ms` 10 (local: 50): measured with bench/source-latency.ts, it takes the
   * stand-in path's p99 at 1,000 writes/s from ~570 ms to ~410 ms on a 2-core machine.
   */
  source: { ...local.source, pollIntervalMs: 10 },
  /** The sandbox account of `local` is no business of the stand-in. */
  infrastructure: undefined,
};
