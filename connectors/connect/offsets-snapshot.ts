import { z } from 'zod';
import { maskUrlPassword } from '../../config/secrets';
import { maskConfig } from '../secrets';
import type { ConnectClient, LiveConnector } from './client';

/**
 * The offsets of connectors at one moment: the restore point `connectors apply` takes before it
 * updates or deletes a connector, `connectors offsets export` writes, and `offsets restore` reads.
 * One schema for the worker's answer (`GET /connectors/{name}/offsets`, KIP-875), the file and the type.
 */

export const offsetEntrySchema = z.object({
  partition: z.record(z.string(), z.unknown()),
  offset: z.record(z.string(), z.unknown()).nullable(),
});
export type OffsetEntry = z.infer<typeof offsetEntrySchema>;

/** The body of `GET` and `PATCH /connectors/{name}/offsets`. */
export const connectorOffsetsSchema = z.object({ offsets: z.array(offsetEntrySchema) });
export type ConnectorOffsets = z.infer<typeof connectorOffsetsSchema>;

export const offsetsSnapshotSchema = z.object({
  takenAt: z.string().min(1),
  worker: z.string().min(1),
  connectors: z.record(z.string(), z.object({ config: z.record(z.string(), z.string()), offsets: z.array(offsetEntrySchema) })),
});
export type OffsetsSnapshot = z.infer<typeof offsetsSnapshotSchema>;

/** Reads the offsets of the given live connectors: the restore point before a change. */
export async function snapshotOffsets(client: ConnectClient, connectors: readonly LiveConnector[], takenAt: Date): Promise<OffsetsSnapshot> {
  const entries: OffsetsSnapshot['connectors'] = {};
  for (const connector of connectors) entries[connector.name] = { config: { ...connector.config }, offsets: (await client.getOffsets(connector.name)).offsets };
  return { takenAt: takenAt.toISOString(), worker: client.url, connectors: entries };
}

/**
 * The snapshot as its file holds it (and the GitOps apply keeps it as an artifact): two-space JSON,
 * credentials masked in the worker's URL and in every config.
 */
export function serializeOffsetsSnapshot(snapshot: OffsetsSnapshot): string {
  const connectors = Object.fromEntries(Object.entries(snapshot.connectors).map(([name, entry]) => [name, { ...entry, config: maskConfig(entry.config) }]));
  return `${JSON.stringify({ ...snapshot, worker: maskUrlPassword(snapshot.worker), connectors }, null, 2)}\n`;
}

/** The file name of a snapshot of an environment: `<environment>-<time>.json`, sortable by time. */
export function offsetsSnapshotFileName(environment: string, snapshot: Pick<OffsetsSnapshot, 'takenAt'>): string {
  return `${environment}-${snapshot.takenAt.replace(/[:.]/g, '-')}.json`;
}
