import type { Environment } from '../../config';
import { createConnectClient, type ConnectClient } from './client';
import { ConnectError } from './errors';
import { serviceUrlProblem } from './service-url';

/**
 * Why an environment's worker URL (its `connect.url`, or `--connect-url`) may not be used, or
 * undefined. Beside the rules of every service URL (http or https, no `user:password@`): https
 * wherever the environment's credentials would otherwise cross a network in clear (the workers
 * serve their REST API over TLS; plain http is for a worker on this machine), and no query or
 * fragment, which a worker's REST URL never has and which would be printed with every error.
 * The message never repeats what the URL carries.
 */
export function workerUrlProblem(environment: Environment): string | undefined {
  const { url, auth } = environment.connect;
  const problem = serviceUrlProblem(url, { httpsUnlessLoopback: auth.kind !== 'none' });
  if (problem) return problem;
  const parsed = new URL(url);
  if (parsed.search || parsed.hash) return `must not carry a query or a fragment (got ${parsed.protocol}//${parsed.host}${parsed.pathname}${parsed.search ? '?…' : ''}${parsed.hash ? '#…' : ''})`;
  return undefined;
}

/**
 * A client for an environment's worker. Credentials come from the process environment variables the
 * environment's `connect.auth` names, never from flags, URLs or files, so they stay out of shell
 * history and printed text; the URL is checked before they are read.
 */
export function clientFor(environment: Environment, onRequest?: (method: string, path: string) => void, variables: NodeJS.ProcessEnv = process.env): ConnectClient {
  const urlProblem = workerUrlProblem(environment);
  if (urlProblem) {
    throw new ConnectError(`Kafka Connect URL: ${urlProblem}`, { method: '(none sent)', url: '(refused)', suggestion: "give --connect-url (or the environment's connect.url) the worker's https REST URL" });
  }
  const headers: Record<string, string> = {};
  const { auth } = environment.connect;
  const read = (name: string) => {
    const value = variables[name];
    if (!value) throw new Error(`environment ${environment.name}: connect.auth needs the environment variable ${name}, which is not set`);
    return value;
  };
  if (auth.kind === 'basic') headers.authorization = `Basic ${Buffer.from(`${read(auth.usernameEnv)}:${read(auth.passwordEnv)}`).toString('base64')}`;
  if (auth.kind === 'bearer') headers.authorization = `Bearer ${read(auth.tokenEnv)}`;
  const retries = retriesFrom(variables.CDCCTL_RETRIES);
  return createConnectClient({ url: environment.connect.url, timeoutMs: environment.connect.requestTimeoutMs, headers, onRequest, retries });
}

/** CDCCTL_RETRIES: how many times a request is retried (0–20); anything else is an error, never a silent 0. */
export function retriesFrom(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 20) throw new Error(`CDCCTL_RETRIES must be a whole number from 0 to 20 (got ${JSON.stringify(value.slice(0, 40))})`);
  return Number(value);
}
