/**
 * Unit test files left out of mutation runs, relative to the repository (a folder ends with `/`).
 * Their work happens in a child process (a spawned bin/cdcctl, cdktf synth, promtool, terraform):
 * Stryker cannot see which mutants they reach, so they would only lengthen the initial run. The stacks'
 * synth tests go too: stacks are not mutated, and what they check of config and alerts is checked
 * without a synth by the tests that stay.
 */
export const notForMutation = [
  'tests/unit/stacks/',
  'tests/unit/cli/connectors.test.ts',
  'tests/unit/connectors/validate-inputs.test.ts',
  'tests/unit/cli/program.test.ts',
  'tests/unit/security/secret-leaks.test.ts',
  'tests/unit/security/hostile-definitions.test.ts',
  'tests/unit/gitops/workflows.test.ts',
  'tests/unit/gitops/stacks-apply.test.ts',
  'tests/unit/architecture.test.ts',
  'tests/unit/alerts/promtool.test.ts',
  // The harness's own tests: each runs it in a child process.
  'tests/unit/mutation/',
  // Replaces a module with jest.mock, which the in-process harness does not do (harness.cjs).
  'tests/unit/cli/schema.test.ts',
];

/** The unit test files a mutation run loads, relative to `root`, in a stable order. @param {string} root */
export async function unitTestFiles(root) {
  const { readdirSync } = await import('node:fs');
  const { join, relative } = await import('node:path');
  const walk = (/** @type {string} */ dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)]));
  return walk(join(root, 'tests/unit'))
    .map((file) => relative(root, file))
    .filter((file) => file.endsWith('.test.ts') && !notForMutation.some((left) => (left.endsWith('/') ? file.startsWith(left) : file === left)))
    .sort();
}
