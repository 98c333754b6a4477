import { displayValue } from '../secrets';
import type { ValidationIssue } from '../validate';
import type { ConnectClient } from './client';

/** A connector definition as read from a file: `{name, config}`, or a bare config map. */
export interface ConnectorBody {
  readonly origin: string;
  readonly json: unknown;
}

/** A definition with what the local check found in it. */
export interface CheckedBody extends ConnectorBody {
  readonly issues: readonly ValidationIssue[];
}

/**
 * The definitions the worker may be asked about: those the local check found no error in. One it
 * refused may carry the very literal credential it refused, which must not then be sent anywhere.
 */
export function sendableToWorker(checked: readonly CheckedBody[]): ConnectorBody[] {
  return checked.filter((body) => !body.issues.some((issue) => issue.severity === 'error'));
}

/**
 * The worker's own verdict (`PUT /connector-plugins/{class}/config/validate`) on each definition, one
 * issue per field error. Definitions without a `connector.class` are left to the local check; pass
 * only the definitions it passed (sendableToWorker).
 */
export async function remoteValidationIssues(client: ConnectClient, bodies: readonly ConnectorBody[]): Promise<ValidationIssue[]> {
  const issues: ValidationIssue[] = [];
  for (const { json } of bodies) {
    if (typeof json !== 'object' || json === null) continue;
    const body = json as { name?: string; config?: Record<string, string> };
    const config = { ...(body.config ?? (json as Record<string, string>)) };
    const name = body.name ?? config.name ?? '?';
    const connectorClass = config['connector.class'];
    if (!connectorClass) continue;
    const result = await client.validate(connectorClass, { ...config, name });
    for (const entry of result.configs) {
      for (const message of entry.value.errors) {
        issues.push({ connector: name, field: entry.value.name, message: `worker: ${message}`, value: displayValue(connectorClass, entry.value.name, config[entry.value.name]), severity: 'error' });
      }
    }
  }
  return issues;
}
