// @ts-check
import { createRequire } from 'node:module';

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

/**
 * Unit tests whose work happens in a child process (a spawned bin/cdcctl, cdktf synth, promtool):
 * Stryker cannot see which mutants they reach, so they only lengthen the initial run. The stacks'
 * synth tests are left out too: stacks are not mutated, and what they check of config and alerts is
 * checked without a synth by the tests that stay.
 */
const notForMutation = [
  '<rootDir>/tests/unit/stacks/',
  '<rootDir>/tests/unit/cli/connectors.test.ts',
  '<rootDir>/tests/unit/security/secret-leaks.test.ts',
  '<rootDir>/tests/unit/security/hostile-definitions.test.ts',
  '<rootDir>/tests/unit/gitops/workflows.test.ts',
  '<rootDir>/tests/unit/gitops/stacks-apply.test.ts',
  '<rootDir>/tests/unit/architecture.test.ts',
  '<rootDir>/tests/unit/alerts/promtool.test.ts',
  // Compares the generated catalog byte for byte with what the generator writes; Stryker's sandbox
  // heads every TypeScript file with `// @ts-nocheck`, and neither the generator nor its output is mutated.
  '<rootDir>/tests/unit/connectors/catalog/generated.test.ts',
];

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
  // Stryker's jest runner, loading only the test files that hold a mutant's covering tests (see the file).
  plugins: ['@stryker-mutator/jest-runner', '@stryker-mutator/typescript-checker', './tests/mutation/jest-runner-by-test-file.mjs'],
  testRunner: 'jest-by-test-file',
  jest: {
    projectType: 'custom',
    // package.json has no jest key: the unit project below is the whole config.
    configFile: 'package.json',
    config: { ...unitProject, testPathIgnorePatterns: ['/node_modules/', ...notForMutation] },
    enableFindRelatedTests: true,
  },
  // No TypeScript checker by default: it cost about 2 s a mutant (hours over the core). A mutant that
  // would not compile then runs (swc strips types) and counts as killed when a test fails on it;
  // `--checkers typescript` gives Stryker's strict score, where such mutants count neither way.
  checkers: [],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  // A static mutant (a change to a module-level table, run once when the file loads) is reached by no
  // test in particular: it reruns every test file importing its file, most of the suite for the
  // catalog and config, which is over 90 % of a full run's time. They are reported as Ignored, out of
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
