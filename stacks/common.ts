import * as path from 'node:path';
import { LocalBackend, S3Backend, type TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { Construct } from 'constructs';
import type { Environment } from '../config';
import type { AwsSettings, StateBackendSettings } from '../config/infrastructure';
import { RequiredTerraformVersion } from './constructs/required-terraform-version';
import { S3BackendWithLockFile } from './constructs/s3-backend-with-lock-file';

/** Terraform runs each stack in `cdktf.out/stacks/<stack>/`: relative state paths start there. */
const STACK_DIRECTORY_TO_REPOSITORY = '../../..';

/**
 * Terraform 1.11 or later: the stacks hand generated passwords over through ephemeral resources (1.10)
 * and write-only arguments (1.11), so that no generated password is stored in a plan or a state, with
 * one exception. The Atlas CDC user's password: the mongodbatlas provider these bindings pin has no
 * write-only password for a database user, so the atlas stack reads it back from Secrets Manager and
 * its state holds it. That state is encrypted with a KMS key of its own (`stateBackend.kmsKeyId`,
 * which the atlas stack requires) and readable by whoever may read the state, the plan role included.
 */
export const REQUIRED_TERRAFORM_VERSION = '>= 1.11.0';

/**
 * The stack's `terraform` block: the Terraform version it needs, and its state where the
 * environment says — S3, encrypted, locked with S3's lock file, or a file on this machine. Both
 * through cdktf's own elements, no override, so that `cdktf synth --hcl` writes them as well as JSON.
 */
export function configureTerraform(stack: TerraformStack, stackName: string, backend: StateBackendSettings): void {
  new RequiredTerraformVersion(stack, 'required-terraform-version', REQUIRED_TERRAFORM_VERSION);
  if (backend.kind === 'local') {
    new LocalBackend(stack, { path: path.posix.join(STACK_DIRECTORY_TO_REPOSITORY, backend.directory, `${stackName}.tfstate`) });
    return;
  }
  const s3 = {
    bucket: backend.bucket,
    key: `${backend.keyPrefix}/${stackName}.tfstate`,
    region: backend.region,
    encrypt: true,
    ...(backend.kmsKeyId ? { kmsKeyId: backend.kmsKeyId } : {}),
  };
  if (backend.lockTable) new S3Backend(stack, { ...s3, dynamodbTable: backend.lockTable });
  else new S3BackendWithLockFile(stack, s3);
}

/** The AWS provider, pinned to the environment's account so a wrong profile cannot deploy elsewhere. */
export function configureAwsProvider(scope: Construct, environment: Environment, aws: AwsSettings): AwsProvider {
  return new AwsProvider(scope, 'aws', {
    region: aws.region,
    allowedAccountIds: [aws.accountId],
    defaultTags: [
      { tags: { ...aws.tags, 'cdc-platform:environment': environment.name, 'cdc-platform:managed-by': 'cdktf (mongo-cdc-platform)' } },
    ],
  });
}

/**
 * A literal string for the synthesized JSON: Terraform reads `${…}` and `%{…}` in every string as a
 * template, so a Kafka config-provider placeholder (`${dir:…}`) must reach the resource escaped.
 */
export function terraformLiteral(text: string): string {
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/** terraformLiteral on every string of a JSON value (a Kubernetes object for kubernetes_manifest, say). */
export function terraformLiterals<T>(value: T): T {
  if (typeof value === 'string') return terraformLiteral(value) as T;
  if (Array.isArray(value)) return value.map((item) => terraformLiterals(item)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, terraformLiterals(item)])) as T;
  }
  return value;
}

/** The ARN prefix of a service in the environment's account and region: `arn:aws:<service>:<region>:<account>`. */
export function arnPrefix(aws: AwsSettings, service: string): string {
  return `arn:aws:${service}:${aws.region}:${aws.accountId}`;
}

/** An IAM policy document; `JSON.stringify` keeps the Terraform references inside it. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Principal?: Record<string, string | readonly string[]>;
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** The first statement of every customer-managed key's policy: the account administers it through IAM. */
export function accountAdministersKeyThroughIam(accountId: string): PolicyStatement {
  return { Sid: 'AccountAdministersThroughIam', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'kms:*', Resource: '*' };
}

/** Throws when a stack is built for an environment whose configuration lacks the section it needs. */
export function requireSetting<T>(value: T | undefined, setting: string, environment: Environment): T {
  if (value === undefined) {
    throw new Error(`environment ${environment.name}: infrastructure.${setting}: required by this stack (got undefined)`);
  }
  return value;
}
