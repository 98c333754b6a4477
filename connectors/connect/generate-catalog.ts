import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GENERATED_MODULES, generatedIndex, generatedModule, pluginDefinitions } from '../catalog/generate';
import type { ConnectClient } from './client';

export interface GeneratedFile {
  /** Relative to `connectors/catalog/generated/`. */
  readonly path: string;
  readonly content: string;
}

/**
 * Asks the worker for every catalog plugin's config definitions (one list request, one per class)
 * and returns the files of `catalog/generated/`. A class the worker lacks is an error naming it.
 */
export async function generateCatalogFiles(client: ConnectClient): Promise<GeneratedFile[]> {
  const installed = new Map((await client.listPlugins()).map((plugin) => [plugin.class, plugin.version]));
  const missing = Object.keys(GENERATED_MODULES).filter((connectorClass) => !installed.has(connectorClass));
  if (missing.length) throw new Error(`the worker lacks ${missing.join(', ')}: generate against a worker with the pinned plugins (cdcctl local up)`);
  const files: GeneratedFile[] = [];
  for (const [connectorClass, module] of Object.entries(GENERATED_MODULES)) {
    const answer = await client.pluginConfig(connectorClass);
    const version = installed.get(connectorClass) ?? 'unknown';
    files.push({ path: `${module}.ts`, content: generatedModule(pluginDefinitions(connectorClass, version, answer)) });
  }
  files.push({ path: 'index.ts', content: generatedIndex() });
  return files;
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
