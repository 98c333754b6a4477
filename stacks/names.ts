import type { Environment } from '../config';

/**
 * Names of what the stacks create, derived from the environment in one place: the kafka stack
 * creates a secret and the connect stack mounts it, so neither spells the other's names.
 * Renaming any of these replaces a live resource.
 */

/** The MSK cluster (its brokers' host names, `b-1.<cluster>.…`, carry it). */
export function mskClusterName(environment: Environment): string {
  return `cdc-${environment.name}`;
}

/** MSK only associates SCRAM secrets whose name starts with `AmazonMSK_`. */
export function scramSecretName(environment: Environment): string {
  return `AmazonMSK_${mskClusterName(environment)}-kafka-connect`;
}

/** The SCRAM user the Connect workers log in as. */
export const SCRAM_USERNAME = 'kafka-connect';

/** Secrets Manager secret with the Atlas CDC user's `username`, `password` and MongoDB `uri`. */
export function atlasCredentialsSecretName(environment: Environment): string {
  return `cdc-platform/${environment.name}/atlas-cdc-user`;
}

/** Kafka Connect's `group.id`; the internal topics derive from it. */
export function connectGroupId(environment: Environment): string {
  return `cdc-connect-${environment.name}`;
}

export function connectInternalTopics(environment: Environment): { readonly configs: string; readonly offsets: string; readonly status: string } {
  const group = connectGroupId(environment);
  return { configs: `${group}-configs`, offsets: `${group}-offsets`, status: `${group}-status` };
}

/** Name of the Deployment, Service, ServiceAccount, PodDisruptionBudget and NetworkPolicy. */
export const CONNECT_APP_NAME = 'kafka-connect';

/** Name of the supervisor's Deployment, Service and NetworkPolicy (`cdcctl connectors supervise`). */
export const CONNECT_SUPERVISOR_APP_NAME = 'kafka-connect-supervisor';

/** Where the `dir` config provider reads the mounted secrets. */
export const CONNECT_SECRETS_DIRECTORY = '/etc/connect-secrets';

export function connectIamRoleName(environment: Environment): string {
  return `cdc-${environment.name}-kafka-connect`;
}

export function atlasCustomRoleName(environment: Environment): string {
  return `cdc-${environment.name}-change-stream-reader`;
}

/** Aliases of the stacks' KMS keys: the kafka stack's (data at rest, broker logs, the SCRAM secret), the atlas stack's (the CDC user's secret), the connect stack's (the REST credentials). */
export function kafkaKeyAlias(environment: Environment): string {
  return `alias/${mskClusterName(environment)}`;
}

export function atlasKeyAlias(environment: Environment): string {
  return `alias/cdc-${environment.name}-atlas`;
}

export function connectKeyAlias(environment: Environment): string {
  return `alias/cdc-${environment.name}-connect`;
}

/** Secrets Manager secret with the Connect REST API's user and password (and the files the workers read them from). */
export function connectRestCredentialsSecretName(environment: Environment): string {
  return `cdc-platform/${environment.name}/connect-rest`;
}
