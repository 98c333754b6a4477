import { rm } from 'node:fs/promises';
import path from 'node:path';
import { loadAllEnvironments, type Environment } from '../config';
import { renderEnvironment, toConnectJson, type RenderedConnector } from '../connectors/render';
import { formatIssue, validateConnectorConfig, type ValidationIssue } from '../connectors/validate';
import { writeOutputFile } from './outputs';

/**
 * `cdcctl gitops validate` and `cdcctl gitops render`: every environment's connectors through the
 * catalog's gate in one pass, every problem of every environment reported at once; `render` also
 * writes `<out>/<environment>/<connector>.json`, the exact bodies Connect takes, kept as an artifact.
 */

export interface EnvironmentRender {
  readonly environment: string;
  readonly connectors: readonly RenderedConnector[];
  readonly issues: readonly ValidationIssue[];
}

export function renderAll(environments: readonly Environment[]): EnvironmentRender[] {
  return environments.map((environment) => {
    const connectors = renderEnvironment(environment);
    const issues = connectors.flatMap((connector) => validateConnectorConfig(connector.name, connector.config, { workerExactlyOnceSource: environment.connect.exactlyOnceSource }));
    return { environment: environment.name, connectors, issues };
  });
}

/** Every error of every environment, one line each (`<environment>: <connector>: <field>: …`). */
export function renderErrors(results: readonly EnvironmentRender[]): string[] {
  return results.flatMap((result) => result.issues.filter((issue) => issue.severity === 'error').map((issue) => `${result.environment}: ${formatIssue(issue)}`));
}

/** Writes `<out>/<environment>/<connector>.json`; a connector removed from the definitions does not survive in `out`. */
export async function writeRendered(results: readonly EnvironmentRender[], out: string): Promise<void> {
  await rm(out, { recursive: true, force: true });
  for (const result of results) {
    for (const connector of result.connectors) await writeOutputFile(path.join(out, result.environment, `${connector.name}.json`), toConnectJson(connector));
  }
}
