import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { ENVIRONMENT_NAMES, loadAllEnvironments, loadEnvironment, type Environment } from '../../config';
import { ruleFiles } from '../../alerts';
import { jmxExporterConfigYaml } from '../../alerts/jmx-exporter';
import { renderRuleFile } from '../../alerts/rule-file';
import type * as Dashboards from '../../dashboards';
import { CliError, EXIT, progress } from '../support';

/** A generated file, relative to the output folder. */
export interface MonitoringFile {
  readonly path: string;
  readonly content: string;
}

/**
 * Everything `monitoring render` writes, pure: `alerts/<env>-*.yaml` (Prometheus rule files),
 * `dashboards/<uid>.json` and `jmx-exporter/kafka-connect.yaml` (the same for every environment).
 */
export function monitoringFiles(environments: readonly Environment[]): MonitoringFile[] {
  // Loaded on use: the Grafana SDK costs about 0.1 s, which every other cdcctl command would pay at start-up.
  const { dashboardJson, dashboards } = require('../../dashboards') as typeof Dashboards;
  const files: MonitoringFile[] = [{ path: path.join('jmx-exporter', 'kafka-connect.yaml'), content: jmxExporterConfigYaml() }];
  for (const environment of environments) {
    for (const file of ruleFiles(environment)) {
      files.push({ path: path.join('alerts', file.fileName), content: renderRuleFile(file, { environment: environment.name }) });
    }
    for (const dashboard of dashboards(environment)) {
      files.push({ path: path.join('dashboards', dashboard.fileName), content: dashboardJson(dashboard) });
    }
  }
  return files;
}

function environmentsFrom(name: string | undefined): Environment[] {
  return name ? [loadEnvironment(name)] : loadAllEnvironments();
}

async function render(flags: { out: string; env?: string; check?: boolean }): Promise<void> {
  const files = monitoringFiles(environmentsFrom(flags.env));
  if (flags.check) {
    const drifted: string[] = [];
    for (const file of files) {
      const current = await readFile(path.join(flags.out, file.path), 'utf8').catch(() => undefined);
      if (current !== file.content) drifted.push(file.path);
    }
    for (const file of drifted) process.stdout.write(`drifted: ${file}\n`);
    process.stdout.write(drifted.length ? `${drifted.length} of ${files.length} files differ from a fresh render\n` : `${files.length} files up to date\n`);
    process.exitCode = drifted.length ? EXIT.changes : EXIT.ok;
    return;
  }
  for (const file of files) {
    const target = path.join(flags.out, file.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.content, 'utf8');
  }
  progress(`wrote ${files.length} files under ${flags.out}`);
  for (const file of files) process.stdout.write(`${file.path}\n`);
}

function listAlerts(flags: { env: string }): void {
  const [environment] = environmentsFrom(flags.env);
  for (const file of ruleFiles(environment!)) {
    for (const group of file.groups) {
      for (const rule of group.rules) {
        if (rule.kind !== 'alert') continue;
        process.stdout.write(`${rule.alert}\t${rule.severity}\t${rule.for ?? '0s'}\t${group.name}\t${rule.expr}\n`);
      }
    }
  }
}

export function registerMonitoringCommands(program: Command): void {
  const monitoring = program.command('monitoring').description('alert rules, dashboards and JMX exporter configuration, generated from the pipelines');
  monitoring
    .command('render')
    .description('write DIR/alerts/*.yaml, DIR/dashboards/*.json and DIR/jmx-exporter/*.yaml')
    .requiredOption('--out <dir>', 'output folder')
    .option('--env <name>', `only this environment (${ENVIRONMENT_NAMES.join(', ')}); default: all`)
    .option('--check', 'write nothing; exit 2 when the files in DIR differ from a fresh render')
    .action(render);
  monitoring
    .command('alerts')
    .description('list the alerts of an environment: name, severity, for, group, expression (tab-separated)')
    .requiredOption('--env <name>', `environment (${ENVIRONMENT_NAMES.join(', ')})`)
    .action(listAlerts);
}
