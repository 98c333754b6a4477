// @ts-check
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { declareClassPlugin, PluginKind, commonTokens } from '@stryker-mutator/api/plugin';
import { INSTRUMENTER_CONSTANTS } from '@stryker-mutator/api/core';
import { DryRunStatus, TestStatus, determineHitLimitReached, toMutantRunResult } from '@stryker-mutator/api/test-runner';
import { unitTestFiles } from './not-for-mutation.mjs';

const require = createRequire(import.meta.url);

/**
 * Stryker's test runner for the unit tests, in this process: the test files are loaded once, and each
 * mutant runs only the tests that reach it, stopping at the first that fails.
 *
 * Why not Stryker's jest runner: each mutant run is a whole jest run, which builds a fresh module
 * registry and loads every related test file and all it imports before one test runs (7 s a mutant on
 * the catalog); a full run over the core took hours. Mutants are switched on at run time
 * (`__stryker__.activeMutant`), and static mutants are ignored (stryker.config.mjs), so nothing needs
 * reloading between mutants. harness.cjs runs the same test files with jest's own `expect`,
 * `jest-mock`, `jest-each` and snapshot code; what it does differently is said there.
 */
export class InProcessTestRunner {
  static inject = /** @type {const} */ ([commonTokens.logger]);

  /** @param {import('@stryker-mutator/api/logging').Logger} log */
  constructor(log) {
    this.log = log;
    /** @type {any} */
    this.harness = undefined;
    this.ns = /** @type {any} */ (globalThis)[INSTRUMENTER_CONSTANTS.NAMESPACE] ??= {};
    // The instrumented code keeps a reference to this object from its first hit on: filled, never replaced.
    this.ns.mutantCoverage ??= { static: {}, perTest: {} };
  }

  capabilities() {
    return { reloadEnvironment: true };
  }

  /**
   * The harness for a run, loading the test files (and so the code under test) when needed:
   * - on first use;
   * - for a static mutant (one that acts while its module loads): loaded afresh with it active;
   * - after one: loaded afresh without it.
   * A mutant reached both while loading and by tests ("hybrid") is activated at run time only, when
   * static mutants are ignored (stryker.config.mjs). Stryker asks then for a reload, to start from
   * modules loaded with no mutant active; those are the modules already here, so none is done.
   * @param {{ mutantActivation?: string, activeMutant?: { id: string } }} [options]
   */
  async harnessFor(options = {}) {
    const loadWith = options.mutantActivation === 'static' ? options.activeMutant?.id : undefined;
    if (this.harness && this.loadedWith === loadWith) return this.harness;
    if (this.harness) forgetProjectModules();
    this.ns.activeMutant = loadWith;
    const { Harness } = require('./harness.cjs');
    const harness = new Harness();
    // MUTATION_TEST_FILES=tests/unit/config,tests/unit/cli/support.test.ts loads only the test files under
    // those paths: a quicker loop while writing tests for one file; the score is that of those tests only.
    const only = process.env.MUTATION_TEST_FILES?.split(',').filter(Boolean);
    const files = (await unitTestFiles(process.cwd())).filter((file) => !only || only.some((prefix) => file.startsWith(prefix)));
    const problems = harness.load(files.map((file) => path.resolve(file)));
    if (problems.length > 0) throw new Error(`Test files that did not load:\n${problems.join('\n')}`);
    this.harness = harness;
    this.loadedWith = loadWith;
    return harness;
  }

  /** @param {import('@stryker-mutator/api/test-runner').DryRunOptions} options */
  async dryRun(options) {
    try {
      const harness = await this.harnessFor();
      this.ns.activeMutant = undefined;
      const perTest = options.coverageAnalysis === 'perTest';
      const results = await harness.run(harness.allTests(), {
        bail: false,
        onTestStart: (/** @type {{ id: string }} */ test) => (this.ns.currentTestId = perTest ? test.id : undefined),
        onTestEnd: () => (this.ns.currentTestId = undefined),
      });
      return { status: DryRunStatus.Complete, tests: results.map(toTestResult), mutantCoverage: options.coverageAnalysis === 'off' ? undefined : this.ns.mutantCoverage };
    } catch (error) {
      return { status: DryRunStatus.Error, errorMessage: String(error instanceof Error ? error.stack : error) };
    }
  }

  /** @param {import('@stryker-mutator/api/test-runner').MutantRunOptions} options */
  async mutantRun(options) {
    const harness = await this.harnessFor(options);
    const tests = options.testFilter ? harness.testsById(options.testFilter) : harness.allTests();
    this.ns.activeMutant = options.activeMutant.id;
    this.ns.hitLimit = options.hitLimit;
    this.ns.hitCount = options.hitLimit === undefined ? undefined : 0;
    try {
      const results = await harness.run(tests, { bail: !options.disableBail });
      const hitLimit = determineHitLimitReached(this.ns.hitCount, this.ns.hitLimit);
      return toMutantRunResult(hitLimit ?? { status: DryRunStatus.Complete, tests: results.map(toTestResult) });
    } finally {
      this.ns.activeMutant = undefined;
      this.ns.hitLimit = undefined;
      this.ns.hitCount = undefined;
    }
  }
}

/** @param {{ test: { id: string, fullName: string, file: { path: string } }, status: string, failureMessage?: string, timeSpentMs: number }} result */
function toTestResult({ test, status, failureMessage, timeSpentMs }) {
  const base = { id: test.id, name: test.fullName, fileName: test.file.path, timeSpentMs: Math.round(timeSpentMs) };
  if (status === 'failed') return { ...base, status: TestStatus.Failed, failureMessage: failureMessage ?? '' };
  return { ...base, status: status === 'skipped' ? TestStatus.Skipped : TestStatus.Success };
}

/** Drops the repository's modules (not node_modules) from require's cache, so that they load again. */
function forgetProjectModules() {
  const root = process.cwd() + path.sep;
  const dependencies = path.join(process.cwd(), 'node_modules') + path.sep;
  for (const file of Object.keys(require.cache)) {
    if (file.startsWith(root) && !file.startsWith(dependencies)) delete require.cache[file];
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.TestRunner, 'in-process', InProcessTestRunner)];
