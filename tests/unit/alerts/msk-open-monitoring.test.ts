import { ruleFiles } from '../../../alerts';
import { monitoringConfig as config } from '../../../alerts/config';
import { MSK_OPEN_MONITORING_METRICS, selectedNameLabels } from '../../../alerts/msk-open-monitoring';
import { metricNames, SYNTHETIC_METRICS } from '../../../alerts/promql';
import { loadAllEnvironments } from '../../../config';
import { dashboards } from '../../../dashboards';
import { PROMTOOL_ENVIRONMENTS } from '../../promtool/environments';
import { panelQueries } from '../dashboards/dashboard-queries';

/**
 * Only an MSK cluster publishes these names, so no local test can scrape them: the list in
 * alerts/msk-open-monitoring.ts stands in for MSK, and must agree both with what the MSK rules and
 * panels read and with what Kafka documents the brokers register.
 */

/** What an MSK rule or panel reads: every expression selecting MSK's scrape jobs, in every environment. */
function mskExpressions(): string[] {
  const mskJobs = [`job="${config.jobs.mskJmx}"`, `job="${config.jobs.mskNode}"`];
  const environments = [...PROMTOOL_ENVIRONMENTS, ...loadAllEnvironments()];
  const rules = environments.flatMap((environment) => ruleFiles(environment).flatMap((file) => file.groups.flatMap((group) => group.rules.map((rule) => rule.expr))));
  const panels = environments.flatMap((environment) => dashboards(environment).flatMap((rendered) => panelQueries(rendered.dashboard).map((query) => query.expr)));
  return [...rules, ...panels].filter((expr) => mskJobs.some((job) => expr.includes(job)));
}

/**
 * Broker MBeans as Kafka's operations guide ("Monitoring") names them. MSK's JMX exporter turns
 * `kafka.server:type=ReplicaManager,name=X` into `kafka_server_ReplicaManager_Value{name="X"}`.
 */
const DOCUMENTED_BROKER_MBEANS = [
  'kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions',
  'kafka.server:type=ReplicaManager,name=UnderMinIsrPartitionCount',
  'kafka.server:type=ReplicaManager,name=AtMinIsrPartitionCount',
  'kafka.server:type=ReplicaManager,name=OfflineReplicaCount',
  'kafka.server:type=ReplicaManager,name=PartitionCount',
  'kafka.server:type=ReplicaManager,name=LeaderCount',
  'kafka.server:type=ReplicaManager,name=IsrShrinksPerSec',
  'kafka.controller:type=KafkaController,name=ActiveControllerCount',
  'kafka.controller:type=KafkaController,name=OfflinePartitionsCount',
  'kafka.controller:type=KafkaController,name=GlobalPartitionCount',
  'kafka.controller:type=KafkaController,name=GlobalTopicCount',
  'kafka.controller:type=KafkaController,name=PreferredReplicaImbalanceCount',
];

/** `domain:type=T,name=N` → the exporter's family and `name` label. */
function exportedAs(mbean: string): { family: string; name: string } {
  const [, domain, type, name] = /^([a-z.]+):type=(\w+),name=(\w+)$/.exec(mbean)!;
  return { family: `${domain!.replace(/\./g, '_')}_${type}_Value`, name: name! };
}

/** node_exporter's standard names (its filesystem, cpu and meminfo collectors). */
const NODE_EXPORTER_NAMES = ['node_filesystem_avail_bytes', 'node_filesystem_size_bytes', 'node_filesystem_free_bytes', 'node_cpu_seconds_total', 'node_memory_MemAvailable_bytes', 'node_memory_MemTotal_bytes'];

describe('MSK open monitoring names', () => {
  it('cover every family and name label that an MSK rule or panel reads', () => {
    const expressions = mskExpressions();
    const read = [...new Set(expressions.flatMap(metricNames))].filter((name) => !SYNTHETIC_METRICS.has(name)).sort();
    // The MSK alerts and the operations dashboard's MSK row: none of them may go unchecked.
    expect(read).toEqual(['kafka_controller_KafkaController_Value', 'kafka_server_ReplicaManager_Value', 'node_filesystem_avail_bytes', 'node_filesystem_size_bytes']);
    for (const family of read) {
      const published = MSK_OPEN_MONITORING_METRICS[family];
      expect({ family, published: published !== undefined }).toEqual({ family, published: true });
      const selected = [...new Set(expressions.flatMap((expr) => selectedNameLabels(expr, family)))];
      if (published) expect({ family, unpublished: selected.filter((name) => !published.includes(name)) }).toEqual({ family, unpublished: [] });
      else expect({ family, selected }).toEqual({ family, selected: [] });
    }
  });

  it('are JMX families and name labels of broker MBeans that Kafka documents, or node_exporter names', () => {
    const documented = DOCUMENTED_BROKER_MBEANS.map(exportedAs);
    for (const [family, names] of Object.entries(MSK_OPEN_MONITORING_METRICS)) {
      if (names === null) {
        expect(NODE_EXPORTER_NAMES).toContain(family);
        continue;
      }
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) expect(documented).toContainEqual({ family, name });
    }
  });
});

describe('the name labels an expression selects on a metric', () => {
  it('reads the name matcher wherever it stands among the matchers, with or without spaces', () => {
    const expr =
      'sum by (instance) (kafka_server_ReplicaManager_Value{job="msk-jmx",name="UnderReplicatedPartitions"}) + sum(kafka_server_ReplicaManager_Value{name="UnderMinIsrPartitionCount", job="msk-jmx"}) + max(kafka_server_ReplicaManager_Value{job="msk-jmx", name="OfflineReplicaCount"})';
    expect(selectedNameLabels(expr, 'kafka_server_ReplicaManager_Value')).toEqual(['UnderReplicatedPartitions', 'UnderMinIsrPartitionCount', 'OfflineReplicaCount']);
  });

  it("reads only the given metric's selectors", () => {
    const expr = 'max(kafka_controller_KafkaController_Value{job="msk-jmx",name="OfflinePartitionsCount"}) > 0 and sum(kafka_server_ReplicaManager_Value{job="msk-jmx",name="UnderMinIsrPartitionCount"}) > 0';
    expect(selectedNameLabels(expr, 'kafka_controller_KafkaController_Value')).toEqual(['OfflinePartitionsCount']);
  });

  it('finds none where the metric is selected without a name matcher, or a label merely ends in "name"', () => {
    expect(selectedNameLabels('count(kafka_server_ReplicaManager_Value{job="msk-jmx"})', 'kafka_server_ReplicaManager_Value')).toEqual([]);
    expect(selectedNameLabels('count(kafka_server_ReplicaManager_Value{job="msk-jmx",broker_name="b-1"})', 'kafka_server_ReplicaManager_Value')).toEqual([]);
    expect(selectedNameLabels('1 - node_filesystem_avail_bytes{job="msk-node",fstype=~"ext4|xfs"} / node_filesystem_size_bytes{job="msk-node"}', 'node_filesystem_avail_bytes')).toEqual([]);
  });
});
