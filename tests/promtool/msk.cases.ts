import type { PromtoolCase } from './harness';
import { FILES, PLATFORM } from './labels';

const files = [FILES.msk];
const broker = (n: number) => `b-${n}.promtool.abc123.c2.kafka.eu-west-1.amazonaws.com:11001`;
const jmx = (n: number, name: string, metric = 'kafka_server_ReplicaManager_Value') => `${metric}{job="msk-jmx",instance="${broker(n)}",name="${name}"}`;
const controller = (n: number, name: string) => jmx(n, name, 'kafka_controller_KafkaController_Value');
const nodeInstance = 'b-1.promtool.abc123.c2.kafka.eu-west-1.amazonaws.com:11002';
const filesystem = (metric: string, fstype: string, mountpoint: string) =>
  `${metric}{job="msk-node",instance="${nodeInstance}",fstype="${fstype}",mountpoint="${mountpoint}"}`;

export const mskCases: PromtoolCase[] = [
  {
    name: 'MskBrokerDown pages after 3m without open monitoring',
    ruleFiles: files,
    input: [
      { series: `up{job="msk-jmx",instance="${broker(1)}"}`, values: '0x10' },
      { series: `up{job="msk-jmx",instance="${broker(2)}"}`, values: '1x10' },
    ],
    alerts: [
      { at: '2m', alert: 'MskBrokerDown', firing: [] },
      { at: '5m', alert: 'MskBrokerDown', firing: [{ labels: { ...PLATFORM, job: 'msk-jmx', instance: broker(1), severity: 'critical' } }] },
    ],
  },
  {
    name: 'MskUnderReplicatedPartitions warns after 10m',
    ruleFiles: files,
    input: [
      { series: jmx(1, 'UnderReplicatedPartitions'), values: '2x20' },
      { series: jmx(2, 'UnderReplicatedPartitions'), values: '0x20' },
    ],
    alerts: [
      { at: '8m', alert: 'MskUnderReplicatedPartitions', firing: [] },
      { at: '12m', alert: 'MskUnderReplicatedPartitions', firing: [{ labels: { ...PLATFORM, instance: broker(1), severity: 'warning' }, value: 2 }] },
    ],
  },
  {
    name: 'MskUnderMinIsrPartitions pages after 2m',
    ruleFiles: files,
    input: [
      { series: jmx(1, 'UnderMinIsrPartitionCount'), values: '1x10' },
      { series: jmx(2, 'UnderMinIsrPartitionCount'), values: '0x10' },
    ],
    alerts: [
      { at: '1m', alert: 'MskUnderMinIsrPartitions', firing: [] },
      { at: '4m', alert: 'MskUnderMinIsrPartitions', firing: [{ labels: { ...PLATFORM, severity: 'critical' }, value: 1 }] },
    ],
  },
  {
    name: 'MskUnderMinIsrPartitions stays quiet when every partition has its ISR',
    ruleFiles: files,
    input: [{ series: jmx(1, 'UnderMinIsrPartitionCount'), values: '0x10' }],
    alerts: [{ at: '4m', alert: 'MskUnderMinIsrPartitions', firing: [] }],
  },
  {
    name: 'MskOfflinePartitions counts the cluster-wide value once (max, not sum)',
    ruleFiles: files,
    input: [
      { series: controller(1, 'OfflinePartitionsCount'), values: '3x10' },
      { series: controller(2, 'OfflinePartitionsCount'), values: '3x10' },
    ],
    alerts: [{ at: '3m', alert: 'MskOfflinePartitions', firing: [{ labels: { ...PLATFORM, severity: 'critical' }, value: 3 }] }],
  },
  {
    name: 'MskOfflinePartitions stays quiet when every partition has a leader',
    ruleFiles: files,
    input: [
      { series: controller(1, 'OfflinePartitionsCount'), values: '0x10' },
      { series: controller(2, 'OfflinePartitionsCount'), values: '0x10' },
    ],
    alerts: [{ at: '3m', alert: 'MskOfflinePartitions', firing: [] }],
  },
  {
    name: 'MskActiveControllerCount pages when no broker is the active controller',
    ruleFiles: files,
    input: [1, 2, 3].map((n) => ({ series: controller(n, 'ActiveControllerCount'), values: '0x10' })),
    alerts: [
      { at: '3m', alert: 'MskActiveControllerCount', firing: [] },
      { at: '7m', alert: 'MskActiveControllerCount', firing: [{ labels: { ...PLATFORM, severity: 'critical' }, value: 0 }] },
    ],
  },
  {
    name: 'MskActiveControllerCount stays quiet with exactly one active controller',
    ruleFiles: files,
    input: [
      { series: controller(1, 'ActiveControllerCount'), values: '1x10' },
      { series: controller(2, 'ActiveControllerCount'), values: '0x10' },
      { series: controller(3, 'ActiveControllerCount'), values: '0x10' },
    ],
    alerts: [{ at: '7m', alert: 'MskActiveControllerCount', firing: [] }],
  },
  {
    name: 'MskBrokerDiskFilling warns at 75% of a data filesystem, ignoring tmpfs',
    ruleFiles: files,
    input: [
      { series: filesystem('node_filesystem_avail_bytes', 'ext4', '/kafka/datalogs'), values: '20x20' },
      { series: filesystem('node_filesystem_size_bytes', 'ext4', '/kafka/datalogs'), values: '100x20' },
      { series: filesystem('node_filesystem_avail_bytes', 'tmpfs', '/run'), values: '1x20' },
      { series: filesystem('node_filesystem_size_bytes', 'tmpfs', '/run'), values: '100x20' },
    ],
    alerts: [
      { at: '8m', alert: 'MskBrokerDiskFilling', firing: [] },
      {
        at: '12m',
        alert: 'MskBrokerDiskFilling',
        firing: [{ labels: { ...PLATFORM, job: 'msk-node', instance: nodeInstance, fstype: 'ext4', mountpoint: '/kafka/datalogs', severity: 'warning' }, value: 0.8 }],
      },
    ],
  },
  {
    name: 'MskBrokerDiskFilling pages at 90%',
    ruleFiles: files,
    input: [
      { series: filesystem('node_filesystem_avail_bytes', 'xfs', '/kafka/datalogs'), values: '5x20' },
      { series: filesystem('node_filesystem_size_bytes', 'xfs', '/kafka/datalogs'), values: '100x20' },
    ],
    alerts: [
      {
        at: '12m',
        alert: 'MskBrokerDiskFilling',
        firing: [
          { labels: { ...PLATFORM, job: 'msk-node', instance: nodeInstance, fstype: 'xfs', mountpoint: '/kafka/datalogs', severity: 'warning' }, value: 0.95 },
          { labels: { ...PLATFORM, job: 'msk-node', instance: nodeInstance, fstype: 'xfs', mountpoint: '/kafka/datalogs', severity: 'critical' }, value: 0.95 },
        ],
      },
    ],
  },
];
