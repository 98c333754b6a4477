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

/** Placeholders anywhere in a value (inside a URL, say): a reference, never a literal credential. */
const PLACEHOLDER_INSIDE = /\$\{(?:dir|file|env|secretsmanager):[^}]+\}/g;
/** What stands for a placeholder while a value is searched: no credential pattern takes it as a password. */
const PLACEHOLDER_MARK = '\u0000';

interface CredentialForm {
  /** What the form is, for messages: "a password in the URL's user info". */
  readonly description: string;
  /** Matches the form in a value whose placeholders were replaced by PLACEHOLDER_MARK; the secret is group `secret`. */
  readonly pattern: RegExp;
  /** Only values that look like a URL carry it (a `password=` elsewhere is not a URL parameter). */
  readonly urlsOnly?: boolean;
}

/**
 * The ways a literal credential hides inside a value: a URI's user info (`mongodb://user:pass@…`,
 * `postgresql://…`), a JDBC URL's `password=`/`pwd=` parameter (PostgreSQL and MySQL `?…&password=`,
 * SQL Server `;password=`), Oracle's `jdbc:oracle:thin:user/pass@…`, a JAAS `password="…"`, and an
 * AWS session token in a MongoDB URI's `authMechanismProperties`.
 */
const CREDENTIAL_FORMS: readonly CredentialForm[] = [
  { description: "a password in the URL's user info", pattern: /[a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]*:(?<secret>[^\s/?#@]*)@/gi },
  { description: 'a password parameter', pattern: /[?&;:]\s*(?:password|pwd|passwd)\s*=\s*(?<secret>[^&;\s]*)/gi, urlsOnly: true },
  { description: 'a user/password@ Oracle URL', pattern: /jdbc:oracle:[a-z0-9]+:[^\s/@:]+\/(?<secret>[^\s@]+)@/gi },
  { description: 'a JAAS password="…"', pattern: /password\s*=\s*"(?<secret>[^"]*)"/gi },
  { description: 'an AWS session token', pattern: /AWS_SESSION_TOKEN:(?<secret>[^,&\s]+)/gi },
];

function looksLikeUrl(value: string): boolean {
  return /^\s*jdbc:/i.test(value) || /[a-z][a-z0-9+.-]*:\/\//i.test(value);
}

function isLiteralSecret(secret: string | undefined): boolean {
  return Boolean(secret) && secret !== PLACEHOLDER_MARK;
}

/**
 * How `value` carries a literal credential inside it (a URI or JDBC URL with a password, a JAAS
 * line, …), or undefined when it carries none. A placeholder in the password's place is no literal.
 */
export function findLiteralCredential(value: string): string | undefined {
  const searched = value.replace(PLACEHOLDER_INSIDE, PLACEHOLDER_MARK);
  for (const form of CREDENTIAL_FORMS) {
    if (form.urlsOnly && !looksLikeUrl(searched)) continue;
    for (const match of searched.matchAll(form.pattern)) if (isLiteralSecret(match.groups?.secret)) return form.description;
  }
  return undefined;
}

/** `value` with every literal credential inside it replaced by the mask; placeholders and the rest kept. */
export function maskCredentials(value: string): string {
  const placeholders: string[] = [];
  let masked = value.replace(PLACEHOLDER_INSIDE, (placeholder) => `${PLACEHOLDER_MARK}${placeholders.push(placeholder) - 1}${PLACEHOLDER_MARK}`);
  for (const form of CREDENTIAL_FORMS) {
    if (form.urlsOnly && !looksLikeUrl(masked)) continue;
    masked = masked.replace(form.pattern, (match: string, ...rest: unknown[]) => {
      const secret = (rest.at(-1) as { secret?: string }).secret ?? '';
      if (!secret || /^\u0000\d+\u0000$/.test(secret)) return match;
      const start = match.lastIndexOf(secret);
      return `${match.slice(0, start)}${MASK}${match.slice(start + secret.length)}`;
    });
  }
  return masked.replace(/\u0000(\d+)\u0000/g, (_, index: string) => placeholders[Number(index)]!);
}
