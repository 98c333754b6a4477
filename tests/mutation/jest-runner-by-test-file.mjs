// @ts-check
import * as fs from 'node:fs';
import * as path from 'node:path';
import { declareFactoryPlugin, PluginKind, commonTokens, tokens } from '@stryker-mutator/api/plugin';
import { strykerPlugins as jestPlugins } from '@stryker-mutator/jest-runner';

/**
 * Stryker's jest runner, made to load only the test files that hold a mutant's covering tests.
 *
 * Stryker's own jest runner runs each mutant's covering tests by name (`testNamePattern`) over every
 * test file related to the mutated file (`findRelatedTests`). Jest loads each of those files, and their
 * imports, before it filters tests by name. For a file most tests import, such as the catalog or the
 * config schema, that is most of the suite, per mutant, for the one or two tests that run.
 *
 * This runner learns in the dry run which file each test lives in, and gives jest's
 * `findRelatedTests` those test files instead of the mutated file (a test file is the only file
 * related to itself). Same run, same tests by name, same verdicts: only the files jest loads change.
 * A mutant covered by no test in particular (a static one: all tests) goes through unchanged.
 */
const TEST_FILES = '.stryker-test-files.json';

/** @param {import('@stryker-mutator/api/plugin').Injector} injector */
function jestByTestFileFactory(injector) {
  const jest = jestPlugins[0];
  /** @type {import('@stryker-mutator/api/test-runner').TestRunner} */
  const inner = /** @type {any} */ (jest).factory(injector);
  /** @type {Map<string, string> | undefined} */
  let fileOfTest;
  const mapFile = path.resolve(TEST_FILES);

  const testFiles = (/** @type {readonly string[]} */ testIds) => {
    fileOfTest ??= new Map(fs.existsSync(mapFile) ? Object.entries(JSON.parse(fs.readFileSync(mapFile, 'utf8'))) : []);
    const files = new Set(testIds.map((id) => fileOfTest?.get(id)));
    return files.has(undefined) ? undefined : /** @type {string[]} */ ([...files]);
  };

  // The jest runner's mutantRun runs jest once through its run(); the files under test are swapped there.
  /** @type {string[] | undefined} */
  let filesForThisRun;
  const run = /** @type {any} */ (inner).run.bind(inner);
  /** @type {any} */ (inner).run = (/** @type {any} */ settings) => run(filesForThisRun ? { ...settings, fileNamesUnderTest: filesForThisRun } : settings);

  return {
    init: () => inner.init?.(),
    dispose: () => inner.dispose?.(),
    capabilities: () => inner.capabilities(),
    /** @param {import('@stryker-mutator/api/test-runner').DryRunOptions} options */
    async dryRun(options) {
      const result = await inner.dryRun(options);
      if (result.status === 'complete') {
        fileOfTest = new Map(result.tests.filter((test) => test.fileName).map((test) => [test.id, /** @type {string} */ (test.fileName)]));
        fs.writeFileSync(mapFile, JSON.stringify(Object.fromEntries(fileOfTest)));
      }
      return result;
    },
    /** @param {import('@stryker-mutator/api/test-runner').MutantRunOptions} options */
    async mutantRun(options) {
      filesForThisRun = options.testFilter?.length ? testFiles(options.testFilter) : undefined;
      try {
        return await inner.mutantRun(options);
      } finally {
        filesForThisRun = undefined;
      }
    },
  };
}
jestByTestFileFactory.inject = tokens(commonTokens.injector);

export const strykerPlugins = [declareFactoryPlugin(PluginKind.TestRunner, 'jest-by-test-file', jestByTestFileFactory)];
