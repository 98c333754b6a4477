/**
 * Metric families that MSK open monitoring publishes, which only an MSK cluster can show (nothing
 * like it runs locally). A unit test checks every name the MSK rules and panels use against
 * this list instead of against the local Prometheus.
 *
 * MSK's JMX exporter (broker port 11001) keeps the MBean's case and puts the MBean `name` key in a
 * label: `kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions` becomes
 * `kafka_server_ReplicaManager_Value{name="UnderReplicatedPartitions"}` (AWS's MSK workshop queries
 * `kafka_controller_KafkaController_Value{name="OfflinePartitionsCount"}`). The node exporter (port
 * 11002) is Prometheus' node_exporter with its standard names.
 */
export const MSK_OPEN_MONITORING_METRICS: Readonly<Record<string, readonly string[] | null>> = {
  // JMX exporter, port 11001: family → values of its `name` label that the brokers publish.
  kafka_server_ReplicaManager_Value: ['UnderReplicatedPartitions', 'UnderMinIsrPartitionCount', 'AtMinIsrPartitionCount', 'OfflineReplicaCount', 'PartitionCount', 'LeaderCount'],
  kafka_controller_KafkaController_Value: ['ActiveControllerCount', 'OfflinePartitionsCount', 'GlobalPartitionCount', 'GlobalTopicCount'],
  // node_exporter, port 11002 (no `name` label).
  node_filesystem_avail_bytes: null,
  node_filesystem_size_bytes: null,
  node_cpu_seconds_total: null,
  node_memory_MemAvailable_bytes: null,
};

/** The `name` label values an expression selects on a metric (`metric{…name="X"…}`). */
export function selectedNameLabels(expr: string, metric: string): string[] {
  const pattern = new RegExp(`${metric}\\{([^}]*)\\}`, 'g');
  const names: string[] = [];
  for (const match of expr.matchAll(pattern)) {
    const name = /(?:^|,)\s*name="([^"]+)"/.exec(match[1]!);
    if (name) names.push(name[1]!);
  }
  return names;
}
