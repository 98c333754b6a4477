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
