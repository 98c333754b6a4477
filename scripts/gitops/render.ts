import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { loadAllEnvironments, type Environment } from '../../config';
import { renderEnvironment, toConnectJson, type RenderedConnector } from '../../connectors/render';
import { formatIssue, validateConnectorConfig, type ValidationIssue } from '../../connectors/validate';
import { CliError } from '../cli-support';
import { GITOPS_OUTPUT_DIR, isEntryPoint, runScript, writeOutputFile } from './support';

/**
 * `npm run gitops:validate` and `npm run gitops:render`: every environment's connectors through the
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
    const issues = connectors.flatMap((connector) => validateConnectorConfig(connector.name, connector.config));
    return { environment: environment.name, connectors, issues };
  });
}

export function buildProgram(): Command {
  return new Command('gitops-render')
    .description('validate (and render) the connectors of every environment')
    .option('--out <dir>', 'write <dir>/<environment>/<connector>.json', '')
    .option('--check', 'validate only; write nothing')
    .action(async (flags: { out: string; check?: boolean }) => {
      let environments: Environment[];
      try {
        environments = loadAllEnvironments();
      } catch (error) {
        throw new CliError((error as Error).message);
      }
      const results = renderAll(environments);
      const errors = results.flatMap((result) => result.issues.filter((issue) => issue.severity === 'error').map((issue) => `${result.environment}: ${formatIssue(issue)}`));
      for (const result of results) for (const issue of result.issues.filter((candidate) => candidate.severity === 'warning')) process.stderr.write(`warning: ${result.environment}: ${formatIssue(issue)}\n`);
      if (errors.length) {
        for (const line of errors) process.stderr.write(`${line}\n`);
        throw new CliError(`${errors.length} invalid field${errors.length === 1 ? '' : 's'} across ${results.length} environments`);
      }
      const summary = results.map((result) => `${result.environment} ${result.connectors.length}`).join(', ');
      if (flags.check) {
        process.stdout.write(`connectors valid in every environment (${summary})\n`);
        return;
      }
      const out = flags.out || path.join(GITOPS_OUTPUT_DIR, 'rendered');
      // A connector removed from the definitions must not survive in the artifact.
      await rm(out, { recursive: true, force: true });
      for (const result of results) {
        for (const connector of result.connectors) await writeOutputFile(path.join(out, result.environment, `${connector.name}.json`), toConnectJson(connector));
      }
      process.stdout.write(`rendered ${summary} connectors to ${out}\n`);
    });
}

if (isEntryPoint(__filename)) runScript(buildProgram());
