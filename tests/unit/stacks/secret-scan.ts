/**
 * Finds credentials written as literals in synthesized Terraform JSON. A value under a credential-like
 * key must be a Terraform expression (`${…}`) or a Kafka config-provider placeholder; a password
 * inside a string (JAAS, URI) likewise; and nothing may look like a key or a certificate.
 */
export interface SecretFinding {
  readonly file: string;
  readonly path: string;
  readonly reason: string;
}

const CREDENTIAL_KEY = /(^|[_.-])(password|passwd|secret_string|secret_string_wo|token|private_?key|api_?key|secret_?key|access_?key|credentials?)$/i;
const EXPRESSION = /^\$\{[\s\S]*\}$/;
/** `password="…"` (JAAS), `"password" = "…"` (HCL in an expression), `"password":"…"` (JSON in a string). */
const INLINE_PASSWORD = /"?password"?\s*[=:]\s*"([^"]*)"/gi;
const URI_CREDENTIALS = /[a-z+]+:\/\/[^/\s:@"]+:([^@\s"]+)@/gi;
const SECRET_SHAPES: readonly [RegExp, string][] = [
  [/AKIA[0-9A-Z]{16}/, 'an AWS access key id'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/, 'an API key (Atlas private keys are UUIDs)'],
];

function isReference(value: string): boolean {
  // A Terraform expression, a config-provider placeholder (as written, or escaped for Terraform as
  // `$${…}`), or a format verb that an expression fills.
  return EXPRESSION.test(value) || /^\$?\$\{[a-z]+:[^}]+\}$/.test(value) || value === '%s';
}

export function findSecretLiterals(json: unknown, file: string): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const visit = (value: unknown, path: string, key: string): void => {
    if (typeof value === 'string') {
      if (CREDENTIAL_KEY.test(key) && value !== '' && !isReference(value)) {
        findings.push({ file, path, reason: `credential key "${key}" holds a literal` });
      }
      for (const match of value.matchAll(INLINE_PASSWORD)) {
        if (!isReference(match[1]!)) findings.push({ file, path, reason: 'a password="…" with a literal value' });
      }
      for (const match of value.matchAll(URI_CREDENTIALS)) {
        if (!isReference(match[1]!)) findings.push({ file, path, reason: 'a URI with a literal password' });
      }
      for (const [shape, what] of SECRET_SHAPES) {
        if (shape.test(value)) findings.push({ file, path, reason: `looks like ${what}` });
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${path}[${index}]`, key));
    } else if (value && typeof value === 'object') {
      for (const [childKey, child] of Object.entries(value)) visit(child, path ? `${path}.${childKey}` : childKey, childKey);
    }
  };
  visit(json, '', '');
  return findings;
}
