import { Testing, TerraformStack } from 'cdktf';
import type { StateBackendSettings } from '../../../config/infrastructure';
import { configureTerraform, REQUIRED_TERRAFORM_VERSION, terraformLiteral, terraformLiterals } from '../../../stacks/common';
import { parsed } from './fixtures';

describe('terraformLiteral', () => {
  it('escapes Terraform template sequences so a placeholder reaches the resource as written', () => {
    expect(terraformLiteral('password="${dir:/etc/connect-secrets:p}"')).toBe('password="$${dir:/etc/connect-secrets:p}"');
    expect(terraformLiteral('%{ if x }')).toBe('%%{ if x }');
  });

  it('leaves text without template sequences alone', () => {
    expect(terraformLiteral('kafka_connect_$1_$4 {a}')).toBe('kafka_connect_$1_$4 {a}');
  });
});

describe('terraformLiterals', () => {
  it('escapes every string of an object, in arrays and nested objects, and leaves other values alone', () => {
    // GIVEN a Kubernetes object holding a template sequence deep inside
    const object = { kind: 'PrometheusRule', spec: { groups: [{ rules: [{ expr: 'x', annotations: { summary: '${not.terraform}' } }], limit: 3, partial: false }] } };
    // THEN
    expect(terraformLiterals(object)).toEqual({ kind: 'PrometheusRule', spec: { groups: [{ rules: [{ expr: 'x', annotations: { summary: '$${not.terraform}' } }], limit: 3, partial: false }] } });
  });
});

describe('configureTerraform', () => {
  /** The synthesized `terraform` block and metadata of a stack with only configureTerraform in it. */
  const synthesized = (backend: StateBackendSettings) => parsed(Testing.synthScope((scope) => configureTerraform(TerraformStack.of(scope), 'kafka-test', backend)));

  it('requires the Terraform version through a cdktf element, not a stack override', () => {
    // GIVEN
    const stack = new TerraformStack(Testing.app(), 'kafka-test');
    // WHEN
    configureTerraform(stack, 'kafka-test', { kind: 's3', bucket: 'state', region: 'eu-west-1', keyPrefix: 'p' });
    // THEN (the metadata, which Testing.synth leaves out, lists a stack's overrides)
    const json = stack.toTerraform();
    expect(json.terraform.required_version).toBe(REQUIRED_TERRAFORM_VERSION);
    expect(json['//'].metadata.overrides).toBeUndefined();
  });

  it('keeps S3 state encrypted and locked with S3\'s lock file', () => {
    // WHEN
    const json = synthesized({ kind: 's3', bucket: 'state', region: 'eu-west-1', keyPrefix: 'mongo-cdc-platform/test' });
    // THEN
    expect(json.terraform.backend).toEqual({ s3: { bucket: 'state', key: 'mongo-cdc-platform/test/kafka-test.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true } });
  });

  it('encrypts S3 state under the KMS key the environment names, still with the lock file', () => {
    // WHEN
    const json = synthesized({ kind: 's3', bucket: 'state', region: 'eu-west-1', keyPrefix: 'p', kmsKeyId: 'alias/terraform-state' });
    // THEN
    expect(json.terraform.backend.s3).toMatchObject({ encrypt: true, kms_key_id: 'alias/terraform-state', use_lockfile: true });
    expect(json.terraform.backend.s3.dynamodb_table).toBeUndefined();
  });

  it('keeps local state under the repository, relative to the stack\'s folder', () => {
    expect(synthesized({ kind: 'local', directory: '.local/terraform-state' }).terraform.backend).toEqual({ local: { path: '../../../.local/terraform-state/kafka-test.tfstate' } });
  });
});
