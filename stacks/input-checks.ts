import type { Environment } from '../config';
import type { PipelineDefinition } from '../connectors/pipelines';
import {
  CONNECT_REST_PORT,
  configProviderReferences,
  mountedSecretFiles,
  placeholderOf,
  stackProvidedSecretFiles,
  workerConfigProviders,
} from './connect-worker-config';
import { supervisorAuthProblem } from './connect-supervisor';
import { CONNECT_APP_NAME, CONNECT_SECRETS_DIRECTORY } from './names';

/**
 * Checks across the infrastructure block, the rest of the environment and the pipeline list (the
 * schema in config/infrastructure.ts checks each block by itself). Every problem is returned, each
 * naming the environment, the setting and the value received.
 */
export function stackInputProblems(environment: Environment, pipelines: readonly PipelineDefinition[]): string[] {
  const problems: string[] = [];
  const report = (setting: string, message: string) => problems.push(`environment ${environment.name}: ${setting}: ${message}`);
  const { kafka, connect, atlas } = environment.infrastructure;

  if (kafka && environment.kafka.replicationFactor > kafka.brokerCount) {
    report('kafka.replicationFactor', `must not exceed infrastructure.kafka.brokerCount ${kafka.brokerCount} (got ${environment.kafka.replicationFactor})`);
  }

  if (atlas) {
    if (environment.mongodb.kind !== 'atlas') {
      report('infrastructure.atlas', `needs mongodb.kind "atlas": this environment has no MongoDB to give a CDC user (got mongodb.kind "${environment.mongodb.kind}")`);
    }
    const known = pipelines.map((pipeline) => pipeline.name);
    atlas.triggers.forEach((trigger, index) => {
      if (!known.includes(trigger.pipeline)) {
        report(`infrastructure.atlas.triggers.${index}.pipeline`, `must name a pipeline (${known.join(', ')}) (got ${JSON.stringify(trigger.pipeline)})`);
      }
    });
  }

  if (connect) {
    const stackFiles = new Set(stackProvidedSecretFiles(environment).map((file) => file.file));
    connect.secrets.forEach((secret, index) => {
      if (stackFiles.has(secret.file)) {
        report(`infrastructure.connect.secrets.${index}.file`, `is provided by the stacks themselves; choose another name (got ${JSON.stringify(secret.file)})`);
      }
    });
    const mounted = new Set(mountedSecretFiles(environment).map((file) => file.file));
    const providers = new Set<string>(workerConfigProviders(environment));
    for (const reference of configProviderReferences(environment)) {
      const placeholder = placeholderOf(reference);
      if (!providers.has(reference.provider)) {
        report(reference.setting, `the Connect workers have no "${reference.provider}" config provider (dir, env and file are built in) (got ${placeholder})`);
      } else if (reference.provider === 'dir' && reference.path !== CONNECT_SECRETS_DIRECTORY) {
        report(reference.setting, `the workers mount secrets under ${CONNECT_SECRETS_DIRECTORY} only (got ${placeholder})`);
      } else if (reference.provider === 'dir' && !mounted.has(reference.key)) {
        report(
          reference.setting,
          `no mounted secret provides the file "${reference.key}": add it to infrastructure.connect.secrets (mounted: ${[...mounted].join(', ') || 'none'}) (got ${placeholder})`,
        );
      }
    }
    const expectedHost = `${CONNECT_APP_NAME}.${connect.namespace}.svc`;
    const url = new URL(environment.connect.url);
    if (url.hostname.includes('.svc') && (!url.hostname.startsWith(`${expectedHost}`) || Number(url.port || 80) !== CONNECT_REST_PORT)) {
      report('connect.url', `an in-cluster URL must address the stack's Service ${expectedHost}.cluster.local:${CONNECT_REST_PORT} (got ${environment.connect.url})`);
    }
    const authProblem = supervisorAuthProblem(environment);
    if (authProblem) report('connect.auth', authProblem);
  }
  return problems;
}

export class StackInputError extends Error {
  override name = 'StackInputError';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

/** Throws one error listing every problem of every environment. */
export function assertStackInputs(environments: readonly Environment[], pipelines: readonly PipelineDefinition[]): void {
  const problems = environments.flatMap((environment) => stackInputProblems(environment, pipelines));
  if (problems.length > 0) throw new StackInputError(problems);
}
