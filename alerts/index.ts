import type { Environment } from '../config';
import type { PipelineDefinition } from '../connectors/pipelines';
import { contractAlerts } from './rules/contract';
import { debeziumAlerts } from './rules/debezium';
import { mskAlerts } from './rules/msk';
import { pipelineRules } from './rules/pipeline';
import { platformAlerts, platformRecordingRules } from './rules/platform';
import { monitoringTargets, type MonitoringTargets } from './targets';
import type { RuleFile } from './types';

export type { AlertRule, RecordingRule, Rule, RuleFile, RuleGroup, Severity } from './types';
export { monitoringTargets } from './targets';

/**
 * The rule files of one environment: the platform (workers, connector-level recordings), one file
 * per pipeline that streams there, one per Debezium source, and MSK when the environment runs on MSK.
 * File names start with the environment so several environments can share one directory.
 */
export function ruleFilesForTargets(targets: MonitoringTargets): RuleFile[] {
  const env = targets.environment.name;
  const files: RuleFile[] = [
    { fileName: `${env}-platform.yaml`, groups: [{ name: 'cdc-platform', rules: [...platformRecordingRules(), ...platformAlerts()] }] },
  ];
  for (const source of targets.connectors.filter((connector) => connector.role === 'source')) {
    files.push({
      fileName: `${env}-source-${source.name}.yaml`,
      groups: [{ name: `cdc-source-${source.name}`, rules: debeziumAlerts(source, targets.heartbeatIntervalMs) }],
    });
  }
  for (const pipeline of targets.pipelines) {
    files.push({
      fileName: `${env}-pipeline-${pipeline.definition.name}.yaml`,
      groups: [{ name: `cdc-pipeline-${pipeline.definition.name}`, rules: [...pipelineRules(pipeline), ...contractAlerts(pipeline)] }],
    });
  }
  if (targets.msk) files.push({ fileName: `${env}-msk.yaml`, groups: [{ name: 'msk-open-monitoring', rules: mskAlerts() }] });
  return files;
}

export function ruleFiles(environment: Environment, pipelines?: readonly PipelineDefinition[]): RuleFile[] {
  return ruleFilesForTargets(monitoringTargets(environment, pipelines));
}
