import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { jmxExporterConfigYaml } from '../../../alerts/jmx-exporter';
import { loadAllEnvironments, loadEnvironment } from '../../../config';
import { buildProgram } from '../../../cli/cdcctl';
import { monitoringFiles } from '../../../cli/commands/monitoring';

describe('cdcctl monitoring render', () => {
  it('lays out alerts/*.yaml, dashboards/*.json and jmx-exporter/*.yaml, each path once', () => {
    const files = monitoringFiles(loadAllEnvironments());
    const paths = files.map((file) => file.path);
    expect(new Set(paths).size).toBe(paths.length);
    for (const path of paths) expect(path).toMatch(/^(alerts\/[a-z0-9-]+\.yaml|dashboards\/[a-z0-9-]+\.json|jmx-exporter\/[a-z0-9-]+\.yaml)$/);
    expect(files.find((file) => file.path === 'jmx-exporter/kafka-connect.yaml')?.content).toBe(jmxExporterConfigYaml());
    for (const environment of loadAllEnvironments()) {
      expect(paths).toContain(`alerts/${environment.name}-platform.yaml`);
      expect(paths).toContain(`dashboards/cdc-operations-${environment.name}.json`);
    }
  });

  it('writes the files, and --check finds them up to date, then finds a drifted one', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cdc-monitoring-render-'));
    const run = async (...args: string[]) => {
      process.exitCode = undefined;
      await buildProgram().parseAsync(['node', 'cdcctl', 'monitoring', 'render', '--out', out, ...args]);
      const code = process.exitCode;
      process.exitCode = undefined;
      return code;
    };
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await run('--env', 'local');
      const rules = parse(readFileSync(join(out, 'alerts', 'local-platform.yaml'), 'utf8')) as { groups: { name: string }[] };
      expect(rules.groups[0]!.name).toBe('cdc-platform');
      expect(JSON.parse(readFileSync(join(out, 'dashboards', 'cdc-business-local.json'), 'utf8')).uid).toBe('cdc-business-local');
      expect(await run('--env', 'local', '--check')).toBe(0);
      writeFileSync(join(out, 'alerts', 'local-platform.yaml'), 'groups: []\n');
      expect(await run('--env', 'local', '--check')).toBe(2);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    expect(loadEnvironment('local').name).toBe('local');
  });

  it('lists the alerts of an environment with severity, for, group and expression', async () => {
    const lines: string[] = [];
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      await buildProgram().parseAsync(['node', 'cdcctl', 'monitoring', 'alerts', '--env', 'local']);
    } finally {
      stdout.mockRestore();
    }
    const rows = lines.join('').trim().split('\n').map((line) => line.split('\t'));
    expect(rows).toContainEqual(['CdcSinkConsumerLagHigh', 'warning', '5m', 'cdc-pipeline-orders', 'cdc:pipeline_sink_lag_records{pipeline="orders"} > 10000']);
    expect(rows.every((row) => row.length === 5)).toBe(true);
  });
});
