/**
 * Every threshold, duration and selector of the alert rules and dashboards, each with the reason for
 * its value (the node_exporter mixin's `config.libsonnet` is the model). Rules read these; nothing
 * else spells a number. Durations are Prometheus duration strings.
 */
export const monitoringConfig = {
  /** Scrape job names, shared by the monitoring stack's scrape configs and the local Prometheus. */
  jobs: {
    /** The Connect workers' JMX exporter agents (alerts/jmx-exporter.ts). */
    connect: 'kafka-connect',
    /** The supervisor's own metrics (`cdcctl connectors supervise --metrics-port`, cdc_supervisor_*). */
    supervisor: 'cdc-supervisor',
    /** MSK open monitoring: the brokers' JMX exporter on port 11001. */
    mskJmx: 'msk-jmx',
    /** MSK open monitoring: the brokers' node exporter on port 11002. */
    mskNode: 'msk-node',
  },

  /**
   * Where the runbooks are read by an environment without a monitoring section (local): a path in
   * this repository. Every other environment gives its https URL (monitoring.runbookBaseUrl).
   */
  runbookBaseUrl: 'docs/runbooks',

  connector: {
    /**
     * A FAILED connector or task never recovers by itself (Connect does not restart it), but a
     * rolling worker restart shows FAILED for a moment: 2m rides that out without hiding a real failure.
     */
    failedFor: '2m',
    /**
     * Tasks stay UNASSIGNED up to `scheduled.rebalance.max.delay.ms` (5 min by default) after a worker
     * leaves; 15m is well past that, so what is left is a stuck assignment or a stopped connector.
     */
    notRunningFor: '15m',
  },

  supervisor: {
    /**
     * `cdcctl connectors supervise` restarts a failed connector or task with backoff (2s × (n² + n) locally,
     * connect.supervisor); three restarts within 15m is a task that fails again after each one
     * (a warehouse away, a poison record): the restarts keep data moving, a person should still look.
     */
    restartsWindow: '15m',
    restartsWarning: 3,
    /**
     * The supervisor itself not answering Prometheus, or answering without having read the workers:
     * nothing restarts a failed connector meanwhile. A warning, not a page: the Cdc*Failed alerts still
     * page for every FAILED connector. 5m rides out a pod restart (Recreate, then the image's start).
     */
    downFor: '5m',
    /**
     * Its last successful read of the workers older than this: 20 rounds at the deployed default
     * interval (15 s, connect.supervisor.intervalMs), far more locally (2 s): the REST API refuses it
     * (credentials, certificate, network policy) or the process hangs.
     */
    staleCheckSeconds: 300,
  },

  worker: {
    /** A scrape target down for 2m is a worker that is gone, not a slow scrape (interval 30s). */
    downFor: '2m',
    /**
     * A rebalance takes seconds; the cooperative protocol may wait `scheduled.rebalance.max.delay.ms`
     * (5 min) for a departed worker, so a warning after 6m and a page after 15m.
     */
    rebalancingWarningFor: '6m',
    rebalancingCriticalFor: '15m',
  },

  errors: {
    /** Rate window of the error counters: long enough to hold several scrapes (30s interval). */
    rateWindow: '5m',
    /** Any record error rising for 10m is worth a look; the 5% rollback trigger is its critical partner. */
    risingFor: '10m',
    /** DLQ: window over which a newly dead-lettered record is reported (a warning, not a page). */
    deadLetterWindow: '10m',
    /**
     * Beyond this many dead-lettered records in the window, something systematic is wrong (a schema
     * change, a bad transform): page.
     */
    deadLetterCriticalRecords: 1000,
  },

  sinkLag: {
    /** The seed's rule: lag > 10000 records for 5 minutes. */
    warningRecords: 10_000,
    warningFor: '5m',
    /** Ten times the warning level, held 15m: the sink is not going to catch up by itself. */
    criticalRecords: 100_000,
    criticalFor: '15m',
    /**
     * A sink consumer that has not polled for this long is stuck in `put()` or a flush; at
     * `max.poll.interval.ms` (5 min by default) the group throws it out and rebalances.
     */
    notPollingSeconds: 240,
    notPollingFor: '2m',
    /** Floor of the drain-rate estimate (records/s), so a stopped sink reads as slow, not infinite. */
    drainRateFloor: 1,
  },

  debezium: {
    /** Change events more than a minute old mean the source is falling behind MongoDB. */
    behindSourceWarningMs: 60_000,
    behindSourceWarningFor: '5m',
    /** Ten minutes behind: the warehouse is visibly stale and the oplog window is being eaten. */
    behindSourceCriticalMs: 600_000,
    behindSourceCriticalFor: '5m',
    /** A disconnected change stream loses no data but delivers none: page after 2m. */
    disconnectedFor: '2m',
    /** More than this many reconnects in 15m is a flapping network path or a failing member. */
    disconnectsWarning: 3,
    disconnectsWindow: '15m',
    /** Queue between the change stream reader and Connect: under 20% free is backpressure from Kafka. */
    queueFreeWarningRatio: 0.2,
    queueFreeCriticalRatio: 0.05,
    queueFor: '5m',
    /**
     * Heartbeats make a healthy source write records even when MongoDB is quiet, so a source that
     * writes nothing for `silentHeartbeats` heartbeat intervals (at least `silentMinimumWindow`) is stuck.
     */
    silentHeartbeats: 3,
    silentMinimumWindow: '5m',
    silentFor: '5m',
    /** Without heartbeats only data changes show life: a quiet collection is normal, so warn late. */
    noEventsWithoutHeartbeatMs: 3_600_000,
    noEventsFor: '10m',
  },

  msk: {
    /** Every broker is scraped every 30s (open monitoring); 3m is six scrapes. */
    brokerDownFor: '3m',
    /** Under-replication during a rolling upgrade is normal for a few minutes. */
    underReplicatedFor: '10m',
    /** Under min ISR, producers with acks=all (Debezium's) fail: page quickly. */
    underMinIsrFor: '2m',
    offlinePartitionsFor: '1m',
    activeControllerFor: '5m',
    /** Brokers' data disks: real filesystems only (ext4/xfs), not tmpfs/overlay. */
    filesystemSelector: 'fstype=~"ext4|xfs"',
    diskUsedWarningRatio: 0.75,
    diskUsedCriticalRatio: 0.9,
    diskFor: '10m',
  },

  rollback: {
    /** The seed's rollback trigger: processing lag over an hour. */
    processingLagSeconds: 3600,
    processingLagFor: '5m',
    /** The seed's rollback trigger: error rate over 5%. */
    errorRatio: 0.05,
    errorRatioFor: '10m',
  },

  sla: {
    /** The business promise: warehouse data at most 5 minutes behind MongoDB. */
    freshnessSeconds: 300,
  },
} as const;

export type MonitoringConfig = typeof monitoringConfig;
