import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadEnvironment } from '../config';
import { ruleFiles } from '../alerts/index';
import { renderRuleFile } from '../alerts/rule-file';

/**
 * Writes the `local` environment's rule files into `dir` (created if missing) and returns their
 * paths; the local runtime's Prometheus loads them (`rule_files: [<dir>/*.yaml]`).
 */
export async function writeLocalPrometheusRules(dir: string): Promise<string[]> {
  const environment = loadEnvironment('local');
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const file of ruleFiles(environment)) {
    const path = join(dir, file.fileName);
    await writeFile(path, renderRuleFile(file, { environment: environment.name }), 'utf8');
    paths.push(path);
  }
  return paths;
}
