import { monitoringConfig as config } from '../config';
import { equals, series } from '../promql';
import type { AlertRule } from '../types';

/**
 * MSK broker and disk health from open monitoring. MSK's JMX exporter keeps MBean case and puts the
 * MBean `name` in a label (`kafka_server_ReplicaManager_Value{name="UnderReplicatedPartitions"}`);
 * cluster-wide controller values are reported by every broker, hence `max`, not `sum`.
 */
export function mskAlerts(): AlertRule[] {
  const jmx = equals('job', config.jobs.mskJmx);
  const node = [equals('job', config.jobs.mskNode), config.msk.filesystemSelector] as const;
  const replicaManager = (name: string) => series('kafka_server_ReplicaManager_Value', jmx, equals('name', name));
  const controller = (name: string) => series('kafka_controller_KafkaController_Value', jmx, equals('name', name));
  const diskUsed = `1 - ${series('node_filesystem_avail_bytes', ...node)} / ${series('node_filesystem_size_bytes', ...node)}`;
  const disk = (severity: 'warning' | 'critical', ratio: number): AlertRule => ({
    kind: 'alert',
    alert: 'MskBrokerDiskFilling',
    expr: `${diskUsed} > ${ratio}`,
    for: config.msk.diskFor,
    severity,
    summary: `MSK broker {{ $labels.instance }}: {{ $value | humanizePercentage }} of {{ $labels.mountpoint }} used`,
    description: `A broker whose disk fills stops accepting writes for its partitions. Raise the broker volume size (kafka stack) or shorten retention.`,
    runbook: 'msk-broker-health.md#disk',
  });
  return [
    {
      kind: 'alert',
      alert: 'MskBrokerDown',
      expr: `${series('up', jmx)} == 0`,
      for: config.msk.brokerDownFor,
      severity: 'critical',
      summary: `MSK broker {{ $labels.instance }} does not answer open monitoring`,
      description: `The broker's JMX exporter (port 11001) has been unreachable for ${config.msk.brokerDownFor}: the broker is down or being replaced, or the security group no longer admits Prometheus.`,
      runbook: 'msk-broker-health.md#broker-down',
    },
    {
      kind: 'alert',
      alert: 'MskUnderReplicatedPartitions',
      expr: `sum by (instance) (${replicaManager('UnderReplicatedPartitions')}) > 0`,
      for: config.msk.underReplicatedFor,
      severity: 'warning',
      summary: `MSK broker {{ $labels.instance }} leads {{ $value | humanize }} under-replicated partitions`,
      description: `Followers are not keeping up for ${config.msk.underReplicatedFor} (normal for minutes during MSK patching).`,
      runbook: 'msk-broker-health.md#under-replicated',
    },
    {
      kind: 'alert',
      alert: 'MskUnderMinIsrPartitions',
      expr: `sum(${replicaManager('UnderMinIsrPartitionCount')}) > 0`,
      for: config.msk.underMinIsrFor,
      severity: 'critical',
      summary: `{{ $value | humanize }} MSK partitions are below min.insync.replicas`,
      description: `Producers with acks=all (Debezium, the DLQ writers) fail on these partitions: change events stop flowing.`,
      runbook: 'msk-broker-health.md#under-min-isr',
    },
    {
      kind: 'alert',
      alert: 'MskOfflinePartitions',
      expr: `max(${controller('OfflinePartitionsCount')}) > 0`,
      for: config.msk.offlinePartitionsFor,
      severity: 'critical',
      summary: `{{ $value | humanize }} MSK partitions have no leader`,
      description: `Offline partitions can be neither written nor read.`,
      runbook: 'msk-broker-health.md#offline-partitions',
    },
    {
      kind: 'alert',
      alert: 'MskActiveControllerCount',
      expr: `sum(${controller('ActiveControllerCount')}) != 1`,
      for: config.msk.activeControllerFor,
      severity: 'critical',
      summary: `MSK reports {{ $value | humanize }} active controllers instead of 1`,
      description: `Without exactly one active controller, leader elections and topic changes stall.`,
      runbook: 'msk-broker-health.md#controller',
    },
    disk('warning', config.msk.diskUsedWarningRatio),
    disk('critical', config.msk.diskUsedCriticalRatio),
  ];
}
