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

/** Placeholders anywhere in a value (inside a URL, say): a reference, never a literal credential. */
const PLACEHOLDER_INSIDE = /\$\{(?:dir|file|env|secretsmanager):[^}]+\}/g;
/** What stands for the n-th placeholder while a value is searched: `\u0000n\u0000`, never taken for a password. */
const PLACEHOLDER_MARK = /\u0000(\d+)\u0000/g;
const ONLY_A_PLACEHOLDER_MARK = /^\u0000\d+\u0000$/;

/**
 * A word of text: what a URL cannot span (whitespace, quotes, angle brackets, backticks) ends it.
 * Every pattern below runs on one word at a time, and each is linear in the word's length.
 */
const WORD = /[^\s"'`<>]+/g;
/** A word that holds a URL: a scheme's `://` or a JDBC URL (`jdbc:postgresql:bi?…` has no `//`). */
const URL_WORD = /:\/\/|jdbc:/i;

/** Where a literal credential sits in a word, and what form it takes (for messages). */
interface CredentialSpan {
  readonly start: number;
  readonly end: number;
  readonly form: string;
}

/**
 * How strictly a word is read. `detect` decides a validation error, so it claims only what is
 * certainly a password: user info before the first `/`, parameters named password, pwd or passwd.
 * `mask` decides what is shown, so it errs the other way: user info up to the last `@` before the
 * query (an unescaped `/` in a password), and every password-like parameter (sslpassword, token,
 * secret, api_key, …).
 */
type Reading = 'detect' | 'mask';

const DETECTED_PARAMETER = /^(?:password|pwd|passwd)$/i;
const MASKED_PARAMETER = /password|passwd|^pwd$|^pass$|secret|token|api[_.-]?key|credential|signature|^sig$/i;

/** `scheme://user:password@host`: the password of every authority in the word (one pass over each). */
function userInfoSpans(word: string, reading: Reading): CredentialSpan[] {
  const stop = reading === 'detect' ? '/?#' : '?#';
  const spans: CredentialSpan[] = [];
  for (let scheme = word.indexOf('://'); scheme !== -1; ) {
    const start = scheme + 3;
    const next = word.indexOf('://', start);
    const limit = next === -1 ? word.length : next;
    let colon = -1;
    let at = -1;
    for (let index = start; index < limit && !stop.includes(word[index]!); index++) {
      if (word[index] === '@') at = index;
      else if (word[index] === ':' && colon === -1) colon = index;
    }
    if (colon !== -1 && colon < at) spans.push({ start: colon + 1, end: at, form: "a password in the URL's user info" });
    scheme = next;
  }
  return spans;
}

/** `?password=…`, `&password=…`, `;password=…` (SQL Server), `:password=…` (DB2), `#access_token=…`: a parameter's value. */
function parameterSpans(word: string, reading: Reading): CredentialSpan[] {
  const names = reading === 'detect' ? DETECTED_PARAMETER : MASKED_PARAMETER;
  const spans: CredentialSpan[] = [];
  for (const match of word.matchAll(/[?&;:#]([A-Za-z0-9_.-]+)=([^&;#]*)/g)) {
    if (!names.test(match[1]!)) continue;
    const start = match.index + match[0].length - match[2]!.length;
    spans.push({ start, end: start + match[2]!.length, form: 'a password parameter' });
  }
  return spans;
}

/** Oracle's `jdbc:oracle:thin:user/password@host`: each URL searched up to the next one, so the word is read once. */
function oracleSpans(word: string): CredentialSpan[] {
  const spans: CredentialSpan[] = [];
  const lower = word.toLowerCase();
  for (let url = lower.indexOf('jdbc:oracle:'); url !== -1; ) {
    const next = lower.indexOf('jdbc:oracle:', url + 1);
    const limit = next === -1 ? word.length : next;
    const user = /^jdbc:oracle:[a-z0-9]+:[^/@:]+\//i.exec(word.slice(url, limit));
    const at = user ? word.slice(url + user[0].length, limit).indexOf('@') + url + user[0].length : -1;
    if (user && at >= url + user[0].length) spans.push({ start: url + user[0].length, end: at, form: 'a user/password@ Oracle URL' });
    url = next;
  }
  return spans;
}

/** A MongoDB URI's `authMechanismProperties=AWS_SESSION_TOKEN:…`. */
function sessionTokenSpans(word: string): CredentialSpan[] {
  return [...word.matchAll(/AWS_SESSION_TOKEN:([^,&;#]+)/gi)].map((match) => {
    const end = match.index + match[0].length;
    return { start: end - match[1]!.length, end, form: 'an AWS session token' };
  });
}

/** The credentials of one URL word, placeholders (their marks) left out, ordered and not overlapping. */
function urlCredentialSpans(word: string, reading: Reading): CredentialSpan[] {
  if (!URL_WORD.test(word)) return [];
  const found = [...userInfoSpans(word, reading), ...parameterSpans(word, reading), ...oracleSpans(word), ...sessionTokenSpans(word)]
    .filter((span) => span.end > span.start && !ONLY_A_PLACEHOLDER_MARK.test(word.slice(span.start, span.end)))
    .sort((a, b) => a.start - b.start);
  return found.filter((span, index) => index === 0 || span.start >= found[index - 1]!.end);
}

/** JAAS `password="…"` (or `'…'`, or `\"…\"` inside JSON): not a URL, anywhere in the text. Bounded: a password has no 4 KiB. */
const JAAS_PASSWORD = /(password\s{0,16}=\s{0,16}(\\?["']))([^"'\\\n]{1,4096})(\2)/gi;
/**
 * Oracle's quoted password, `jdbc:oracle:thin:user/"password"@host` (or `\"…\"` inside JSON): how a
 * password with special characters is written. Its quotes end a word, so it is read on the whole text,
 * like a JAAS password. Bounded the same way.
 */
const ORACLE_QUOTED_PASSWORD = /(jdbc:oracle:[a-z0-9]+:[^\s"'`<>/@:]+\/(\\?"))([^"\\\n]{1,4096})(\2@)/gi;

/** The text forms whose secret stands between quotes: the opening, the quote, the secret and the closing as groups. */
const QUOTED_SECRETS = [
  { pattern: ORACLE_QUOTED_PASSWORD, form: 'a user/"password"@ Oracle URL' },
  { pattern: JAAS_PASSWORD, form: 'a JAAS password="…"' },
] as const;

/** The value with its placeholders replaced by marks, the work done, and the placeholders put back. */
function withPlaceholdersKept(value: string, work: (text: string) => string): string {
  const placeholders: string[] = [];
  const marked = value.replace(PLACEHOLDER_INSIDE, (placeholder) => `\u0000${placeholders.push(placeholder) - 1}\u0000`);
  return work(marked).replace(PLACEHOLDER_MARK, (mark, index: string) => placeholders[Number(index)] ?? mark);
}

/** A quoted secret (QUOTED_SECRETS' groups) masked, unless it is only a placeholder. */
function maskQuotedSecret(match: string, opening: string, _quote: string, secret: string, closing: string): string {
  return ONLY_A_PLACEHOLDER_MARK.test(secret) ? match : `${opening}${MASK}${closing}`;
}

function maskSpans(word: string, spans: readonly CredentialSpan[]): string {
  let masked = '';
  let from = 0;
  for (const span of spans) {
    masked += `${word.slice(from, span.start)}${MASK}`;
    from = span.end;
  }
  return masked + word.slice(from);
}

/** Every URL of the (marked) text with its credentials masked: word by word, then Oracle's quoted passwords, which span words. */
function maskUrls(marked: string): string {
  return marked.replace(WORD, (word) => maskSpans(word, urlCredentialSpans(word, 'mask'))).replace(ORACLE_QUOTED_PASSWORD, maskQuotedSecret);
}

/**
 * The one mask for URLs, in every form, wherever they stand in the text: the password of a URI's
 * user info (`postgres://user:password@host`, `mongodb+srv://…`), password-like query parameters
 * (`?password=`, `&sslpassword=`, `?token=`), a JDBC URL's properties (`;password=` for SQL Server,
 * `?password=`, `:password=`), Oracle's `user/password@` and `user/"password"@`, and an AWS session
 * token. Placeholders are kept; an unparsable URL is masked as well as a parsable one. Linear in the
 * text's length.
 */
export function maskUrlPassword(text: string): string {
  return withPlaceholdersKept(text, maskUrls);
}

/** `text` with every literal credential inside it masked: URLs (maskUrlPassword) and JAAS `password="…"`; placeholders kept. */
export function maskCredentials(text: string): string {
  return withPlaceholdersKept(text, (marked) => maskUrls(marked).replace(JAAS_PASSWORD, maskQuotedSecret));
}

/**
 * How `value` carries a literal credential inside it (a URI or JDBC URL with a password, a JAAS
 * line, …), or undefined when it carries none. A placeholder in the password's place is no literal.
 */
export function findLiteralCredential(value: string): string | undefined {
  const marked = value.replace(PLACEHOLDER_INSIDE, (_placeholder, offset: number) => `\u0000${offset}\u0000`);
  for (const [word] of marked.matchAll(WORD)) {
    const form = urlCredentialSpans(word, 'detect')[0]?.form;
    if (form) return form;
  }
  for (const { pattern, form } of QUOTED_SECRETS) {
    for (const match of marked.matchAll(pattern)) if (!ONLY_A_PLACEHOLDER_MARK.test(match[3]!)) return form;
  }
  return undefined;
}
