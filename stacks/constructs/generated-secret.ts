import { Construct } from 'constructs';
import { TerraformStack, Token, ref } from 'cdktf';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';

export interface GeneratedSecretProps {
  /** Secrets Manager name of the secret. */
  readonly name: string;
  readonly description: string;
  /** Customer-managed KMS key that encrypts the secret (MSK refuses secrets under the AWS-managed key). */
  readonly kmsKeyArn: string;
  /** Builds the secret string around the generated password (a Terraform expression, never a value). */
  readonly secretString: (password: string) => string;
  /** Bump to write a new password. @default 1 */
  readonly version?: number;
  /** @default 32 */
  readonly passwordLength?: number;
  /** Days a deleted secret can be restored. @default 7 */
  readonly recoveryWindowInDays?: number;
}

/** Terraform type of the AWS provider's ephemeral resource that calls Secrets Manager's GetRandomPassword. */
export const RANDOM_PASSWORD_EPHEMERAL_TYPE = 'aws_secretsmanager_random_password';

/**
 * A password Secrets Manager generates when Terraform runs, as a reference to an ephemeral
 * `aws_secretsmanager_random_password` (Terraform 1.10): never in the code, the synthesized JSON,
 * the plan or the state, and usable only where Terraform takes ephemeral values (a write-only
 * argument). Named after the construct's path. cdktf 0.21 has no class for ephemeral resources, so
 * the block is written as a stack override. Punctuation is excluded so the password is safe inside
 * URIs, JAAS strings, properties files and the Connect image's entrypoint.
 */
export function ephemeralRandomPassword(scope: Construct, passwordLength = 32): string {
  const stack = TerraformStack.of(scope);
  const ephemeralName = scope.node.path.split('/').slice(1).join('_').replace(/[^A-Za-z0-9_-]/g, '_');
  stack.addOverride(`ephemeral.${RANDOM_PASSWORD_EPHEMERAL_TYPE}.${ephemeralName}`, {
    password_length: passwordLength,
    exclude_punctuation: true,
    include_space: false,
    require_each_included_type: true,
  });
  return Token.asString(ref(`ephemeral.${RANDOM_PASSWORD_EPHEMERAL_TYPE}.${ephemeralName}.random_password`, stack));
}

/**
 * A Secrets Manager secret whose password Secrets Manager itself generates, handed over without
 * ever being stored: an ephemeral password (ephemeralRandomPassword) feeds the write-only
 * `secret_string_wo` (Terraform 1.11). No password in the code, the synthesized JSON, the plan or
 * the state. The password changes only when `version` does.
 */
export class GeneratedSecret extends Construct {
  readonly secret: SecretsmanagerSecret;
  readonly secretVersion: SecretsmanagerSecretVersion;

  constructor(scope: Construct, id: string, props: GeneratedSecretProps) {
    super(scope, id);
    const version = props.version ?? 1;
    const passwordLength = props.passwordLength ?? 32;
    const recoveryWindowInDays = props.recoveryWindowInDays ?? 7;

    const password = ephemeralRandomPassword(this, passwordLength);

    this.secret = new SecretsmanagerSecret(this, 'secret', {
      name: props.name,
      description: props.description,
      kmsKeyId: props.kmsKeyArn,
      recoveryWindowInDays,
    });
    this.secretVersion = new SecretsmanagerSecretVersion(this, 'version', {
      secretId: this.secret.id,
      secretStringWo: props.secretString(password),
      secretStringWoVersion: version,
    });
  }
}
