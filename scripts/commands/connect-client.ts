import type { Environment } from '../../config';
import { createConnectClient, type ConnectClient } from '../../connectors/connect/client';
import { CliError } from '../cli-support';

/** Credentials for the worker come from the environment variables the config names, never from flags. */
export function clientFor(environment: Environment, onRequest?: (method: string, path: string) => void): ConnectClient {
  const headers: Record<string, string> = {};
  const { auth } = environment.connect;
  const read = (name: string) => {
    const value = process.env[name];
    if (!value) throw new CliError(`environment ${environment.name}: connect.auth needs the environment variable ${name}, which is not set`);
    return value;
  };
  if (auth.kind === 'basic') headers.authorization = `Basic ${Buffer.from(`${read(auth.usernameEnv)}:${read(auth.passwordEnv)}`).toString('base64')}`;
  if (auth.kind === 'bearer') headers.authorization = `Bearer ${read(auth.tokenEnv)}`;
  const retries = process.env.CDCCTL_RETRIES === undefined ? undefined : Number(process.env.CDCCTL_RETRIES);
  return createConnectClient({ url: environment.connect.url, timeoutMs: environment.connect.requestTimeoutMs, headers, onRequest, retries });
}
