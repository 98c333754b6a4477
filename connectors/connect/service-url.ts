import { printable } from './untrusted-text';

/**
 * The URL of a server this tool sends credentials to, checked before the first request: http or
 * https only (not `file:`, not `ftp:`), no `user:password@` (credentials come from the environment
 * variables the configuration names, never from a URL that ends up in logs), and https wherever the
 * credentials would otherwise cross a network in clear.
 */

export interface ServiceUrlRules {
  /** Refuse plain http unless the host is this machine. @default false */
  readonly httpsUnlessLoopback?: boolean;
}

/** 127.0.0.0/8, ::1 and localhost: a connection that never leaves this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** Why the URL may not be used, or undefined. The message never repeats a password the URL holds. */
export function serviceUrlProblem(raw: string, rules: ServiceUrlRules = {}): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `not a URL (got ${JSON.stringify(raw.slice(0, 100))})`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must be an http(s) URL (got ${JSON.stringify(url.username || url.password ? `${url.protocol}//…@${url.host}` : raw)})`;
  if (url.username || url.password) return `must not carry credentials (user:password@): they come from the environment variables the configuration names`;
  if (rules.httpsUnlessLoopback && url.protocol !== 'https:' && !isLoopbackHost(url.hostname)) {
    return `must be https: credentials would cross the network in clear (got http://${url.host}; plain http is accepted for this machine only)`;
  }
  return undefined;
}

/** Where a refused redirect pointed, for its error: the host only (the rest of a Location may carry a token). */
export function redirectHost(location: unknown, base: string): string {
  try {
    return new URL(String(location), base).host || '(no host)';
  } catch {
    return JSON.stringify(printable(String(location), { maxLength: 100 }));
  }
}
