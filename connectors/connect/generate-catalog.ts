import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { catalogFiles, connectorCoverage, pluginsByClass, type GeneratedFile } from '../catalog/generate';
import type { ConnectClient } from './client';

export type { GeneratedFile } from '../catalog/generate';

/**
 * Asks the worker for every plugin it runs (`GET /connector-plugins?connectorsOnly=false`) and the
 * config definitions of each (one request per class), and returns the files of `catalog/generated/`.
 * A catalog connector the worker lacks is an error naming it, before the per-class requests.
 */
export async function generateCatalogFiles(client: Pick<ConnectClient, 'listPlugins' | 'pluginConfig'>): Promise<GeneratedFile[]> {
  const plugins = await client.listPlugins();
  const { missing } = connectorCoverage(plugins);
  if (missing.length) throw new Error(`the worker lacks ${missing.join(', ')}: generate against a worker with the pinned plugins (cdcctl local up)`);
  const answers = new Map<string, ReadonlyArray<Record<string, unknown>>>();
  for (const { pluginClass } of pluginsByClass(plugins)) answers.set(pluginClass, await client.pluginConfig(pluginClass));
  return catalogFiles(plugins, answers);
}

export interface CatalogSync {
  readonly files: readonly GeneratedFile[];
  /** Files (as given to `out`) whose content differed from the worker's; written unless checking. */
  readonly stale: readonly string[];
}

/** Generates the files and writes those that differ into `out` — or, with `check`, only reports them. */
export async function syncGeneratedCatalog(client: ConnectClient, out: string, options: { readonly check?: boolean } = {}): Promise<CatalogSync> {
  const files = await generateCatalogFiles(client);
  const stale: string[] = [];
  for (const file of files) {
    const target = path.join(out, file.path);
    if ((await readFile(target, 'utf8').catch(() => undefined)) === file.content) continue;
    stale.push(target);
    if (!options.check) {
      await mkdir(out, { recursive: true });
      await writeFile(target, file.content);
    }
  }
  return { files, stale };
}
