import type { Environment } from '../../config';
import { createConnectClient, type ConnectClient } from './client';

/**
 * A client for an environment's worker. Credentials come from the process environment variables the
 * environment's `connect.auth` names, never from flags or files, so they stay out of shell history.
 */
export function clientFor(environment: Environment, onRequest?: (method: string, path: string) => void, variables: NodeJS.ProcessEnv = process.env): ConnectClient {
  const headers: Record<string, string> = {};
  const { auth } = environment.connect;
  const read = (name: string) => {
    const value = variables[name];
    if (!value) throw new Error(`environment ${environment.name}: connect.auth needs the environment variable ${name}, which is not set`);
    return value;
  };
  if (auth.kind === 'basic') headers.authorization = `Basic ${Buffer.from(`${read(auth.usernameEnv)}:${read(auth.passwordEnv)}`).toString('base64')}`;
  if (auth.kind === 'bearer') headers.authorization = `Bearer ${read(auth.tokenEnv)}`;
  const retries = variables.CDCCTL_RETRIES === undefined ? undefined : Number(variables.CDCCTL_RETRIES);
  return createConnectClient({ url: environment.connect.url, timeoutMs: environment.connect.requestTimeoutMs, headers, onRequest, retries });
}
