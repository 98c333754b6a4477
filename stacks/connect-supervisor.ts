import type { Environment } from '../config';
import type { ConnectSettings } from '../config/infrastructure';
import { CONNECT_REST_AUTH_FILES, CONNECT_REST_PORT, CONNECT_REST_TLS_DIRECTORY } from './connect-worker-config';
import { CERTIFICATE_FILES } from './constructs/workload-certificate';
import { CONNECT_APP_NAME } from './names';

/**
 * The supervisor's Deployment as pure functions of the environment: `cdcctl connectors supervise`
 * against the workers' Service, what it is given to log in and trust their certificate, and what
 * rolls it. The connect stack ships what these return; the tests read them directly.
 */

/** The supervisor's Prometheus endpoint (`--metrics-port`): the local runtime's default too. */
export const SUPERVISOR_METRICS_PORT = 9406;
/** Where the supervisor reads the workers' CA (only that key of the certificate's Secret). */
export const SUPERVISOR_CA_DIRECTORY = CONNECT_REST_TLS_DIRECTORY;
/**
 * The Kubernetes Secret the Secrets Store CSI driver syncs the REST user and password into (the REST
 * credentials' SecretProviderClass `secretObjects`; the driver's `syncSecret.enabled` must be on). It
 * exists while a worker mounts that class, and holds the one credential cdcctl reads from variables.
 */
export const SUPERVISOR_CREDENTIALS_SECRET = `${CONNECT_APP_NAME}-rest-client`;
/** Its keys, each the file of the REST credentials' mount of the same name (CONNECT_REST_AUTH_FILES). */
export const SUPERVISOR_CREDENTIAL_KEYS = { username: CONNECT_REST_AUTH_FILES.username, password: CONNECT_REST_AUTH_FILES.password } as const;

/** The `secretObjects` of the REST credentials' SecretProviderClass: the supervisor's Secret. */
export function supervisorSecretObjects() {
  return [
    {
      secretName: SUPERVISOR_CREDENTIALS_SECRET,
      type: 'Opaque',
      data: Object.values(SUPERVISOR_CREDENTIAL_KEYS).map((key) => ({ objectName: key, key })),
    },
  ];
}

/** The workers' REST API at their Service's name, which their certificate carries. */
export function inClusterConnectUrl(connect: Pick<ConnectSettings, 'namespace'>): string {
  return `https://${CONNECT_APP_NAME}.${connect.namespace}.svc:${CONNECT_REST_PORT}`;
}

/**
 * The container's arguments (its entrypoint is cdcctl): the restart policy is not among them, the
 * command reads it from `--env`'s connect.supervisor, as the local runtime's supervisor does.
 */
export function supervisorArgs(environment: Environment, connect: Pick<ConnectSettings, 'namespace'>): string[] {
  return [
    'connectors',
    'supervise',
    '--env',
    environment.name,
    '--connect-url',
    inClusterConnectUrl(connect),
    '--metrics-port',
    String(SUPERVISOR_METRICS_PORT),
    // The pod's address, for Prometheus and the probes; the NetworkPolicy admits Prometheus only.
    '--metrics-host',
    '0.0.0.0',
    '--no-color',
  ];
}

/** Why the supervisor could not log in to the deployed workers with the environment's connect.auth, or undefined. */
export function supervisorAuthProblem(environment: Environment): string | undefined {
  const { kind } = environment.connect.auth;
  return kind === 'basic' ? undefined : `the supervisor logs in to the deployed workers with Basic credentials, so it must be { kind: 'basic', … } (got ${JSON.stringify(kind)})`;
}

/**
 * The container's environment: the Basic credentials under the names the environment's connect.auth
 * gives (never values: references to the synced Secret), and the workers' own CA for Node.js to trust.
 * The workers check Basic credentials (BasicAuthSecurityRestExtension), so connect.auth must be basic.
 */
export function supervisorEnvironmentVariables(environment: Environment) {
  const { auth } = environment.connect;
  const problem = supervisorAuthProblem(environment);
  if (problem || auth.kind !== 'basic') throw new Error(`environment ${environment.name}: connect.auth: ${problem}`);
  const fromSecret = (key: string) => ({ valueFrom: { secretKeyRef: { name: SUPERVISOR_CREDENTIALS_SECRET, key } } });
  return [
    { name: auth.usernameEnv, ...fromSecret(SUPERVISOR_CREDENTIAL_KEYS.username) },
    { name: auth.passwordEnv, ...fromSecret(SUPERVISOR_CREDENTIAL_KEYS.password) },
    { name: 'NODE_EXTRA_CA_CERTS', value: `${SUPERVISOR_CA_DIRECTORY}/${CERTIFICATE_FILES.ca}` },
  ];
}
