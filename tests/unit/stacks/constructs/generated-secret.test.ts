import { Fn, Testing } from 'cdktf';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { GeneratedSecret, type GeneratedSecretProps } from '../../../../stacks/constructs/generated-secret';

Testing.setupJest();

const required: GeneratedSecretProps = {
  name: 'team/secret',
  description: 'a test secret',
  kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/test',
  secretString: (password) => Fn.jsonencode({ password }),
};

function synthSecret(props: Partial<GeneratedSecretProps> = {}): string {
  return Testing.synthScope((scope) => {
    new GeneratedSecret(scope, 'generated', { ...required, ...props });
  });
}

describe('GeneratedSecret', () => {
  it('creates the secret under the given KMS key, restorable for 7 days by default', () => {
    expect(synthSecret()).toHaveResourceWithProperties(SecretsmanagerSecret, {
      name: 'team/secret',
      description: 'a test secret',
      kms_key_id: 'arn:aws:kms:eu-west-1:123456789012:key/test',
      recovery_window_in_days: 7,
    });
  });

  it('asks Secrets Manager for a 32-character password without punctuation by default', () => {
    const ephemeral = JSON.parse(synthSecret()).ephemeral.aws_secretsmanager_random_password;
    expect(Object.values(ephemeral)).toEqual([{ password_length: 32, exclude_punctuation: true, include_space: false, require_each_included_type: true }]);
  });

  it('writes the value write-only at version 1 by default', () => {
    expect(synthSecret()).toHaveResourceWithProperties(SecretsmanagerSecretVersion, {
      secret_string_wo: expect.stringMatching(/^\$\{jsonencode\(\{"password" = ephemeral\.aws_secretsmanager_random_password\.generated\.random_password\}\)\}$/),
      secret_string_wo_version: 1,
    });
  });

  it('takes the password length, the version and the recovery window from its props', () => {
    const json = synthSecret({ passwordLength: 48, version: 3, recoveryWindowInDays: 30 });
    expect(Object.values(JSON.parse(json).ephemeral.aws_secretsmanager_random_password)).toEqual([expect.objectContaining({ password_length: 48 })]);
    expect(json).toHaveResourceWithProperties(SecretsmanagerSecretVersion, { secret_string_wo_version: 3 });
    expect(json).toHaveResourceWithProperties(SecretsmanagerSecret, { recovery_window_in_days: 30 });
  });

  it('gives two secrets of one stack two ephemeral passwords', () => {
    const json = Testing.synthScope((scope) => {
      new GeneratedSecret(scope, 'first', required);
      new GeneratedSecret(scope, 'second', { ...required, name: 'team/other' });
    });
    expect(Object.keys(JSON.parse(json).ephemeral.aws_secretsmanager_random_password).sort()).toEqual(['first', 'second']);
  });
});
