import { displayValue } from '../secrets';
import type { ValidationIssue } from '../validate';
import type { ConnectClient } from './client';

/** A connector definition as read from a file: `{name, config}`, or a bare config map. */
export interface ConnectorBody {
  readonly origin: string;
  readonly json: unknown;
}

/**
 * The worker's own verdict (`PUT /connector-plugins/{class}/config/validate`) on each definition, one
 * issue per field error. Definitions without a `connector.class` are left to the local check.
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
