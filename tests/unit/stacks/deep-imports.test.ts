import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Loading a prebuilt provider from its package root (or its `lib` index) loads every resource
 * class of the provider: seconds and hundreds of MiB per synth. The stacks import each class
 * from its own module (`@cdktf/provider-aws/lib/msk-cluster`).
 */
const ROOT_IMPORT = /(?:from\s+|require\(\s*|import\(\s*)['"](@cdktf\/provider-[a-z0-9-]+)(?:\/lib)?\/?['"]/g;

export function rootProviderImports(source: string): string[] {
  return [...source.matchAll(ROOT_IMPORT)].map((match) => match[0]);
}

const repository = path.resolve(__dirname, '../../..');

function typescriptFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const full = path.join(directory, entry);
    if (statSync(full).isDirectory()) return typescriptFiles(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

describe('provider imports', () => {
  const files = [...typescriptFiles(path.join(repository, 'stacks')), path.join(repository, 'main.ts')];

  it('scans the stacks and main.ts', () => {
    expect(files.map((file) => path.relative(repository, file))).toEqual(
      expect.arrayContaining(['main.ts', 'stacks/kafka-stack.ts', 'stacks/connect-stack.ts', 'stacks/atlas-stack.ts']),
    );
  });

  it('never import a provider from its package root', () => {
    const offenders = files.flatMap((file) => rootProviderImports(readFileSync(file, 'utf8')).map((found) => `${path.relative(repository, file)}: ${found}`));
    expect(offenders).toEqual([]);
  });

  it('recognise a root import in each of its spellings, and not a deep one', () => {
    expect(rootProviderImports("import { MskCluster } from '@cdktf/provider-aws';")).toHaveLength(1);
    expect(rootProviderImports('import * as aws from "@cdktf/provider-aws/lib";')).toHaveLength(1);
    expect(rootProviderImports("const k8s = require('@cdktf/provider-kubernetes');")).toHaveLength(1);
    expect(rootProviderImports("const atlas = await import('@cdktf/provider-mongodbatlas/');")).toHaveLength(1);
    expect(rootProviderImports("import { MskCluster } from '@cdktf/provider-aws/lib/msk-cluster';")).toEqual([]);
  });
});
