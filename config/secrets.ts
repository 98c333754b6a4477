import { z } from 'zod';

/**
 * A credential is never a literal: it is a Kafka config-provider placeholder that the Connect
 * worker resolves, never this tool. Supported providers: `dir` (DirectoryConfigProvider, Kubernetes
 * Secrets mounted as files), `file` (FileConfigProvider), `env` (EnvVarConfigProvider) and
 * `secretsmanager` (AWS Secrets Manager config provider).
 */
export const SECRET_PROVIDERS = ['dir', 'file', 'env', 'secretsmanager'] as const;

const PLACEHOLDER = /^\$\{(dir|file|env|secretsmanager):[^}]+\}$/;

export function isConfigProviderPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value);
}

/** A string that must be a config-provider placeholder such as `${dir:/etc/connect-secrets:mongodb-uri}`. */
export const secretReference = z
  .string()
  .refine(isConfigProviderPlaceholder, {
    message: `must be a config-provider placeholder such as \${dir:/etc/connect-secrets:key} (providers: ${SECRET_PROVIDERS.join(', ')}), never a literal credential`,
  });

/** What every output shows in place of a secret value. */
export const MASK = '****';

/** A URL with its password (if any) replaced by the mask, for messages, text output and logs. */
export function maskUrlPassword(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = MASK;
    return url.toString();
  } catch {
    return '(an unparsable URL)';
  }
}
