// @ts-check
import { createRequire } from 'node:module';
import { notForMutation } from './tests/mutation/not-for-mutation.mjs';

/**
 * Mutation testing of the core (issue 18): StrykerJS changes one thing at a time in the files below
 * (a `<` made `<=`, a condition made `true`, a string emptied) and runs the unit tests that reach it;
 * a change no test notices is a surviving mutant. `npm run test:mutation` runs it (`-- --mutate <file>`
 * for one file); README, "Tests", says how to read the report.
 */
const require = createRequire(import.meta.url);

/** The unit project of jest.config.js, as one plain config: Stryker's jest runner takes no `projects`. */
const { projects } = require('./jest.config.js');
const { displayName: _name, ...unitProject } = projects.find((project) => project.displayName === 'unit');

/** The same unit test files for both runners (tests/mutation/not-for-mutation.mjs says which are left out and why). */
const jestIgnore = notForMutation.map((file) => `<rootDir>/${file}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [
    // connectors: the catalog's schemas (not its generated types), the gate, render and the reconcile path
    'connectors/catalog/**/*.ts',
    '!connectors/catalog/generated/**',
    'connectors/validate.ts',
    'connectors/render.ts',
    'connectors/connect/{client,plan,apply,offsets-restore,desired-state,supervise,deploy}.ts',
    // config: the migration phases, credential handling, the environments' schema
    'config/{phases,secrets,schema}.ts',
    // migration: the shadow comparison and the trigger inventory
    'migration/{compare,shadow-tally,inventory,baseline}.ts',
    // alerts and the JMX exporter rules
    'alerts/**/*.ts',
    // what decides the CLI's exit codes
    'cli/support.ts',
    'cli/commands/gitops.ts',
    'gitops/{render-all,connectors-plan,drift,health,stacks-plan}.ts',
  ],
  // The unit tests loaded once and run in Stryker's runner process, each mutant running the tests that
  // reach it (tests/mutation/in-process-runner.mjs says why). `--testRunner jest-by-test-file` runs each
  // mutant's tests in a jest run of their own instead, to check a verdict under jest itself (slower).
  plugins: ['./tests/mutation/in-process-runner.mjs', '@stryker-mutator/jest-runner', '@stryker-mutator/typescript-checker', './tests/mutation/jest-runner-by-test-file.mjs'],
  testRunner: 'in-process',
  jest: {
    projectType: 'custom',
    // package.json has no jest key: the unit project below is the whole config.
    configFile: 'package.json',
    config: { ...unitProject, testPathIgnorePatterns: ['/node_modules/', ...jestIgnore] },
    enableFindRelatedTests: true,
  },
  // No TypeScript checker by default: it cost about 2 s a mutant (hours over the core). A mutant that
  // would not compile then runs (swc strips types) and counts as killed when a test fails on it;
  // `--checkers typescript` gives Stryker's strict score, where such mutants count neither way.
  checkers: [],
  // No `// @ts-nocheck` heading every file of the sandbox: no runner here checks types (swc strips
  // them), and the generated catalog must stay byte for byte what its generator writes
  // (tests/unit/connectors/catalog/generated.test.ts).
  disableTypeChecks: false,
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  // A static mutant (a change to a module-level table, run once when its file loads) is reached by no
  // test in particular: each needs every test file loaded again with it active, and then every test
  // run (about 25 s a mutant: 3 hours on 2 cores for the core's 860). They are reported as Ignored, out of
  // the score; README, "Mutation testing", says how many and how to run them.
  ignoreStatic: true,
  concurrency: 2,
  // A mutant that makes a poll or a retry loop spin is a timeout (killed), not a hung run.
  timeoutMS: 10_000,
  dryRunTimeoutMinutes: 15,
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  ignorePatterns: ['.local', 'cdktf.out', 'local/target', 'reports', 'coverage', '.jest-results.json'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: 80 },
};
