import type { Environment } from '../../config';
import { pipelines as allPipelines, type PipelineDefinition } from '../pipelines';
import { renderEnvironment, type RenderedConnector } from '../render';
import { formatIssue, validateConnectorConfig, type ValidationIssue } from '../validate';
import { apply, type ApplyOptions, type ApplyResult } from './apply';
import type { ConnectClient } from './client';

/**
 * "Apply these pipelines to this worker", the one service behind `connectors apply`, the GitOps
 * plan, `npm start` and the stand-in seed: render, validate (nothing is sent when any definition
 * is invalid), then apply with the environment's own settings.
 */

/** Definitions the catalog refuses: every error at once, nothing was sent to the worker. */
export class InvalidConnectorDefinitions extends Error {
  override name = 'InvalidConnectorDefinitions';
  constructor(readonly issues: readonly ValidationIssue[]) {
    super(`${issues.length} invalid field${issues.length === 1 ? '' : 's'}: nothing was sent to Kafka Connect\n${issues.map((issue) => `  ${formatIssue(issue)}`).join('\n')}`);
  }
}

export interface ValidatedConnectors {
  readonly connectors: readonly RenderedConnector[];
  /** What the catalog warns of (a misspelt key, say): worth printing, no reason to stop. */
  readonly warnings: readonly ValidationIssue[];
}

/** Renders the environment's connectors and validates them; throws InvalidConnectorDefinitions on any error. */
export function renderValidated(environment: Environment, pipelines: readonly PipelineDefinition[] = allPipelines): ValidatedConnectors {
  const connectors = renderEnvironment(environment, pipelines);
  const issues = connectors.flatMap((connector) => validateConnectorConfig(connector.name, connector.config, { workerExactlyOnceSource: environment.connect.exactlyOnceSource }));
  const errors = issues.filter((issue) => issue.severity === 'error');
  if (errors.length) throw new InvalidConnectorDefinitions(errors);
  return { connectors, warnings: issues.filter((issue) => issue.severity === 'warning') };
}

export interface DeployOptions extends Omit<ApplyOptions, 'managedPrefix' | 'concurrency' | 'waitTimeoutMs'> {
  readonly client: ConnectClient;
  /** @default every pipeline of the repository */
  readonly pipelines?: readonly PipelineDefinition[];
  /** @default the environment's connect.concurrency */
  readonly concurrency?: number;
  /** @default the environment's connect.waitTimeoutMs */
  readonly waitTimeoutMs?: number;
}

export interface DeployResult extends ApplyResult {
  readonly warnings: readonly ValidationIssue[];
}

/** Renders, validates and applies an environment's connectors to its worker. */
export async function deployEnvironment(environment: Environment, options: DeployOptions): Promise<DeployResult> {
  const { client, pipelines, ...applyOptions } = options;
  const { connectors, warnings } = renderValidated(environment, pipelines);
  const result = await apply(client, connectors, {
    ...applyOptions,
    managedPrefix: environment.managedConnectorPrefix,
    concurrency: options.concurrency ?? environment.connect.concurrency,
    waitTimeoutMs: options.waitTimeoutMs ?? environment.connect.waitTimeoutMs,
  });
  return { ...result, warnings };
}
