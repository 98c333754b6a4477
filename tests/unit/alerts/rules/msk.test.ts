import { mskAlerts } from '../../../../alerts/rules/msk';
import type { AlertRule } from '../../../../alerts/types';

// Built in each test, not when the file loads: a mutation run credits a test only with what runs inside it.
let rules: AlertRule[];
beforeEach(() => {
  rules = mskAlerts();
});
const named = (alert: string, severity?: AlertRule['severity']): AlertRule => {
  const found = rules.filter((rule) => rule.alert === alert && (!severity || rule.severity === severity));
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe('MSK alerts', () => {
  it('are broker down, under-replicated, under min ISR, offline partitions, controller count and a disk pair, none labelled per connector', () => {
    expect(rules.map((rule) => [rule.alert, rule.severity])).toEqual([
      ['MskBrokerDown', 'critical'],
      ['MskUnderReplicatedPartitions', 'warning'],
      ['MskUnderMinIsrPartitions', 'critical'],
      ['MskOfflinePartitions', 'critical'],
      ['MskActiveControllerCount', 'critical'],
      ['MskBrokerDiskFilling', 'warning'],
      ['MskBrokerDiskFilling', 'critical'],
    ]);
    for (const rule of rules) {
      expect(rule.kind).toBe('alert');
      expect(rule.labels).toBeUndefined();
    }
  });

  it('page when a broker has not answered open monitoring for 3m', () => {
    expect(named('MskBrokerDown')).toEqual({
      kind: 'alert',
      alert: 'MskBrokerDown',
      expr: 'up{job="msk-jmx"} == 0',
      for: '3m',
      severity: 'critical',
      summary: 'MSK broker {{ $labels.instance }} does not answer open monitoring',
      description:
        "The broker's JMX exporter (port 11001) has been unreachable for 3m: the broker is down or being replaced, or the security group no longer admits Prometheus.",
      runbook: 'msk-broker-health.md#broker-down',
    });
  });

  it('warn on under-replicated partitions per broker after 10m', () => {
    expect(named('MskUnderReplicatedPartitions')).toEqual({
      kind: 'alert',
      alert: 'MskUnderReplicatedPartitions',
      expr: 'sum by (instance) (kafka_server_ReplicaManager_Value{job="msk-jmx",name="UnderReplicatedPartitions"}) > 0',
      for: '10m',
      severity: 'warning',
      summary: 'MSK broker {{ $labels.instance }} leads {{ $value | humanize }} under-replicated partitions',
      description: 'Followers are not keeping up for 10m (normal for minutes during MSK patching).',
      runbook: 'msk-broker-health.md#under-replicated',
    });
  });

  it('page on partitions under min.insync.replicas, summed over the cluster, after 2m', () => {
    expect(named('MskUnderMinIsrPartitions')).toEqual({
      kind: 'alert',
      alert: 'MskUnderMinIsrPartitions',
      expr: 'sum(kafka_server_ReplicaManager_Value{job="msk-jmx",name="UnderMinIsrPartitionCount"}) > 0',
      for: '2m',
      severity: 'critical',
      summary: '{{ $value | humanize }} MSK partitions are below min.insync.replicas',
      description: 'Producers with acks=all (Debezium, the DLQ writers) fail on these partitions: change events stop flowing.',
      runbook: 'msk-broker-health.md#under-min-isr',
    });
  });

  it('page on offline partitions taking the max of what every broker reports of the controller', () => {
    expect(named('MskOfflinePartitions')).toEqual({
      kind: 'alert',
      alert: 'MskOfflinePartitions',
      expr: 'max(kafka_controller_KafkaController_Value{job="msk-jmx",name="OfflinePartitionsCount"}) > 0',
      for: '1m',
      severity: 'critical',
      summary: '{{ $value | humanize }} MSK partitions have no leader',
      description: 'Offline partitions can be neither written nor read.',
      runbook: 'msk-broker-health.md#offline-partitions',
    });
  });

  it('page when the cluster has other than exactly one active controller', () => {
    expect(named('MskActiveControllerCount')).toEqual({
      kind: 'alert',
      alert: 'MskActiveControllerCount',
      expr: 'sum(kafka_controller_KafkaController_Value{job="msk-jmx",name="ActiveControllerCount"}) != 1',
      for: '5m',
      severity: 'critical',
      summary: 'MSK reports {{ $value | humanize }} active controllers instead of 1',
      description: 'Without exactly one active controller, leader elections and topic changes stall.',
      runbook: 'msk-broker-health.md#controller',
    });
  });

  it('warn at 75% and page at 90% of a real broker filesystem used, for 10m', () => {
    const used = '1 - node_filesystem_avail_bytes{job="msk-node",fstype=~"ext4|xfs"} / node_filesystem_size_bytes{job="msk-node",fstype=~"ext4|xfs"}';
    const disk = {
      kind: 'alert',
      alert: 'MskBrokerDiskFilling',
      for: '10m',
      summary: 'MSK broker {{ $labels.instance }}: {{ $value | humanizePercentage }} of {{ $labels.mountpoint }} used',
      description: 'A broker whose disk fills stops accepting writes for its partitions. Raise the broker volume size (kafka stack) or shorten retention.',
      runbook: 'msk-broker-health.md#disk',
    };
    expect(named('MskBrokerDiskFilling', 'warning')).toEqual({ ...disk, severity: 'warning', expr: `${used} > 0.75` });
    expect(named('MskBrokerDiskFilling', 'critical')).toEqual({ ...disk, severity: 'critical', expr: `${used} > 0.9` });
  });
});
