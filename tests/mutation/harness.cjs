// @ts-check
'use strict';
/**
 * The unit tests, loaded once and run in this process: the test harness behind the in-process
 * mutation runner (in-process-runner.mjs says why). It gives the test files what jest gives them —
 * describe/it (with .each and .skip), the four hooks, jest's own `expect` (snapshots included) and
 * `jest.fn`/`spyOn`/fake timers — and runs any subset of their tests by id, hooks included.
 *
 * What differs from jest, on purpose: one module registry for every test file (as vitest's
 * `isolate: false`), so a module's state is shared between files; and TypeScript is compiled by swc,
 * as @swc/jest does for `npm test`. `jest.mock` is not supported (the one file that uses it is left out).
 */
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');
const { bind: eachOf } = require('jest-each');
const { jestExpect } = require('@jest/expect');
const { SnapshotState } = require('jest-snapshot');
const { ModuleMocker } = require('jest-mock');
const FakeTimers = require('@sinonjs/fake-timers');

/** Captured before any test can fake them: the harness's own deadlines always use the real clock. */
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const DEFAULT_TIMEOUT_MS = 5_000;

/**
 * An error thrown outside any test's own call chain (in a timer or an event handler) fails the test
 * running when it comes, as under jest, instead of ending the process. Installed once per process.
 * @type {{ error?: unknown }}
 */
const escaped = {};
if (!process.listeners('uncaughtException').some((listener) => listener.name === 'failRunningTest')) {
  process.on('uncaughtException', function failRunningTest(error) {
    escaped.error ??= error;
  });
}

/** TypeScript compiled to CommonJS on require, as @swc/jest does for jest (types stripped, no check). */
function compileTypeScriptOnRequire() {
  Module._extensions['.ts'] = (module, filename) => {
    const source = fs.readFileSync(filename, 'utf8');
    const { code } = transformSync(source, {
      filename,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
    });
    /** @type {any} */ (module)._compile(code, filename);
  };
}

/**
 * @typedef {{ name: string, parent?: Suite, file: TestFile, children: Array<Suite | Test>,
 *   beforeAll: Function[], afterAll: Function[], beforeEach: Function[], afterEach: Function[] }} Suite
 * @typedef {{ id: string, name: string, fullName: string, fn?: Function, timeout?: number, suite: Suite, file: TestFile }} Test
 * @typedef {{ path: string, root: Suite, timeout: number, tests: Test[] }} TestFile
 */

/** @param {string} name @param {TestFile} file @param {Suite} [parent] @returns {Suite} */
function newSuite(name, file, parent) {
  return { name, parent, file, children: [], beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] };
}

/** @param {Suite} suite @returns {Suite[]} from the file's root down to this suite */
function lineage(suite) {
  const suites = [];
  for (let at = /** @type {Suite | undefined} */ (suite); at; at = at.parent) suites.unshift(at);
  return suites;
}

/** Registers tests while a file loads: the globals below write into the suite being declared. */
class Registry {
  constructor() {
    /** @type {Suite | undefined} */
    this.current = undefined;
    /** @type {Map<string, Test>} */
    this.byId = new Map();
    /** @type {TestFile[]} */
    this.files = [];
  }

  /** @param {string} name @param {Function | undefined} fn @param {number} [timeout] */
  addTest(name, fn, timeout) {
    const suite = this.suite('a test');
    const names = [...lineage(suite).slice(1).map((s) => s.name), name];
    const fullName = names.join(' ');
    const prefix = `${path.relative(process.cwd(), suite.file.path)}#`;
    let id = fullName;
    for (let n = 2; this.byId.has(prefix + id); n++) id = `${fullName} (${n})`;
    /** @type {Test} */
    const test = { id: prefix + id, name, fullName, fn, timeout, suite, file: suite.file };
    suite.children.push(test);
    suite.file.tests.push(test);
    this.byId.set(test.id, test);
  }

  /** @param {string} name @param {Function} body */
  addSuite(name, body) {
    const parent = this.suite('describe');
    const suite = newSuite(name, parent.file, parent);
    parent.children.push(suite);
    this.current = suite;
    try {
      body();
    } finally {
      this.current = parent;
    }
  }

  /** @param {string} what @returns {Suite} */
  suite(what) {
    if (!this.current) throw new Error(`${what} declared outside a test file's loading`);
    return this.current;
  }

  /** Loads one test file, collecting its tests. @param {string} file absolute path */
  load(file) {
    /** @type {TestFile} */
    const testFile = { path: file, root: /** @type {any} */ (undefined), timeout: DEFAULT_TIMEOUT_MS, tests: [] };
    testFile.root = newSuite('', testFile);
    this.current = testFile.root;
    try {
      require(file);
    } finally {
      this.current = undefined;
    }
    this.files.push(testFile);
    return testFile;
  }
}

/** @param {Registry} registry @param {{ fakeClock?: any }} timers */
function installGlobals(registry, timers) {
  const mocker = new ModuleMocker(globalThis);
  /** @type {any} */
  const it = (/** @type {string} */ name, /** @type {Function} */ fn, /** @type {number} */ timeout) => registry.addTest(name, fn, timeout);
  it.each = eachOf(it);
  it.skip = (/** @type {string} */ name) => registry.addTest(name, undefined);
  it.skip.each = eachOf(it.skip);
  /** @type {any} */
  const describe = (/** @type {string} */ name, /** @type {Function} */ body) => registry.addSuite(name, body);
  describe.each = eachOf(describe, false);
  const hook = (/** @type {'beforeAll' | 'afterAll' | 'beforeEach' | 'afterEach'} */ kind) => (/** @type {Function} */ fn) => {
    registry.suite(kind)[kind].push(fn);
  };
  Object.assign(globalThis, {
    it,
    test: it,
    describe,
    beforeAll: hook('beforeAll'),
    afterAll: hook('afterAll'),
    beforeEach: hook('beforeEach'),
    afterEach: hook('afterEach'),
    expect: jestExpect,
    jest: {
      fn: mocker.fn.bind(mocker),
      spyOn: mocker.spyOn.bind(mocker),
      restoreAllMocks: () => mocker.restoreAllMocks(),
      clearAllMocks: () => mocker.clearAllMocks(),
      setTimeout: (/** @type {number} */ ms) => {
        registry.suite('jest.setTimeout').file.timeout = ms;
      },
      // jest's modern fake timers: every timer and Date, not nextTick nor queueMicrotask.
      useFakeTimers: () => {
        timers.fakeClock?.uninstall();
        timers.fakeClock = FakeTimers.withGlobal(globalThis).install({
          toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'Date', 'hrtime', 'performance'],
          shouldClearNativeTimers: true,
        });
      },
      useRealTimers: () => {
        timers.fakeClock?.uninstall();
        timers.fakeClock = undefined;
      },
      advanceTimersByTime: (/** @type {number} */ ms) => timers.fakeClock?.tick(ms),
    },
  });
}

/** Runs a function (a test or a hook) to its end or its deadline. @param {Function} fn @param {number} ms */
async function withDeadline(fn, ms) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = realSetTimeout(() => reject(new Error(`Exceeded timeout of ${ms} ms`)), ms);
  });
  try {
    await Promise.race([Promise.resolve().then(() => fn()), deadline]);
  } finally {
    realClearTimeout(timer);
  }
}

/** @param {unknown} error */
function describeError(error) {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** One run of some tests: hooks run once per suite entered, afterAll as soon as a suite's selected tests are done. */
class Run {
  /** @param {Test[]} tests @param {{ bail: boolean, onTestStart: (test: Test) => void, onTestEnd: () => void, fakeTimers: { fakeClock?: any } }} options */
  constructor(tests, options) {
    this.tests = tests;
    this.options = options;
    /** @type {Map<Suite, number>} selected tests still to run, per suite */
    this.remaining = new Map();
    /** @type {Map<Suite, unknown>} suites entered, with their beforeAll's error if it threw */
    this.entered = new Map();
    /** @type {Map<TestFile, SnapshotState>} */
    this.snapshots = new Map();
    for (const test of tests) for (const suite of lineage(test.suite)) this.remaining.set(suite, (this.remaining.get(suite) ?? 0) + 1);
  }

  /** @returns {Promise<Array<{ test: Test, status: 'success' | 'failed' | 'skipped', failureMessage?: string, timeSpentMs: number }>>} */
  async execute() {
    const results = [];
    let failed = false;
    for (const test of this.tests) {
      if (failed && this.options.bail) break;
      const result = await this.one(test);
      results.push(result);
      failed ||= result.status === 'failed';
      await this.leave(test.suite);
    }
    await this.leaveAll();
    return results;
  }

  /** @param {Test} test */
  async one(test) {
    const started = performance.now();
    if (!test.fn) return { test, status: /** @type {const} */ ('skipped'), timeSpentMs: 0 };
    const suites = lineage(test.suite);
    let failureMessage;
    try {
      for (const suite of suites) await this.enter(suite);
      this.expectState(test);
      this.options.onTestStart(test);
      try {
        for (const suite of suites) for (const fn of suite.beforeEach) await withDeadline(fn, test.file.timeout);
        await withDeadline(/** @type {Function} */ (test.fn), test.timeout ?? test.file.timeout);
        // A snapshot that differs does not throw: jest's snapshot matchers record it, and the test fails after.
        const [suppressed] = jestExpect.getState().suppressedErrors;
        if (suppressed) throw suppressed;
        if ('error' in escaped) throw escaped.error;
      } finally {
        for (const suite of [...suites].reverse()) for (const fn of suite.afterEach) await withDeadline(fn, test.file.timeout).catch((error) => (failureMessage ??= describeError(error)));
        this.options.onTestEnd();
      }
    } catch (error) {
      failureMessage = describeError(error);
    }
    delete escaped.error;
    const timeSpentMs = performance.now() - started;
    return failureMessage === undefined ? { test, status: /** @type {const} */ ('success'), timeSpentMs } : { test, status: /** @type {const} */ ('failed'), failureMessage, timeSpentMs };
  }

  /** jest's expect state for this test: its name (for snapshots) and its file's snapshots. @param {Test} test */
  expectState(test) {
    const snapshotFile = path.join(path.dirname(test.file.path), '__snapshots__', `${path.basename(test.file.path)}.snap`);
    if (!this.snapshots.has(test.file) && fs.existsSync(snapshotFile)) {
      // 'none': a snapshot missing or different fails, and nothing is written, as `jest --ci`.
      this.snapshots.set(test.file, new SnapshotState(snapshotFile, { updateSnapshot: 'none', rootDir: process.cwd(), snapshotFormat: { escapeString: false, printBasicPrototype: false }, prettierPath: null }));
    }
    jestExpect.setState({ currentTestName: test.fullName, testPath: test.file.path, snapshotState: this.snapshots.get(test.file), assertionCalls: 0, expectedAssertionsNumber: null, isExpectingAssertions: false, suppressedErrors: [] });
  }

  /** @param {Suite} suite */
  async enter(suite) {
    if (!this.entered.has(suite)) {
      let error;
      for (const fn of suite.beforeAll) {
        try {
          await withDeadline(fn, suite.file.timeout);
        } catch (thrown) {
          error = thrown;
          break;
        }
      }
      this.entered.set(suite, error);
    }
    const error = this.entered.get(suite);
    if (error !== undefined) throw error;
  }

  /** A test done: every suite whose selected tests are all done runs its afterAll. @param {Suite} suite */
  async leave(suite) {
    for (const at of [...lineage(suite)].reverse()) {
      const left = (this.remaining.get(at) ?? 0) - 1;
      this.remaining.set(at, left);
      if (left === 0) await this.afterAll(at);
    }
  }

  /** After a bail: the suites entered and not yet left still clean up (servers closed, files removed). */
  async leaveAll() {
    const open = [...this.entered.keys()].filter((suite) => (this.remaining.get(suite) ?? 0) > 0);
    for (const suite of open.reverse()) await this.afterAll(suite);
    this.options.fakeTimers.fakeClock?.uninstall();
    this.options.fakeTimers.fakeClock = undefined;
  }

  /** @param {Suite} suite */
  async afterAll(suite) {
    if (!this.entered.has(suite)) return;
    this.remaining.set(suite, 0);
    for (const fn of suite.afterAll) await withDeadline(fn, suite.file.timeout).catch(() => undefined);
  }
}

/** The harness: load the test files once, then run all of them or some tests by id, any number of times. */
class Harness {
  constructor() {
    this.registry = new Registry();
    /** @type {{ fakeClock?: any }} */
    this.fakeTimers = {};
    compileTypeScriptOnRequire();
    installGlobals(this.registry, this.fakeTimers);
  }

  /** @param {string[]} files absolute paths; a file that fails to load is reported, the rest still load */
  load(files) {
    const problems = [];
    for (const file of files) {
      try {
        this.registry.load(file);
      } catch (error) {
        problems.push(`${path.relative(process.cwd(), file)}: ${describeError(error)}`);
      }
    }
    return problems;
  }

  /** Every test, in file and declaration order. */
  allTests() {
    return this.registry.files.flatMap((file) => file.tests);
  }

  /** @param {string[]} ids @returns {Test[]} in file and declaration order; an unknown id is an error */
  testsById(ids) {
    const wanted = new Set(ids);
    const unknown = ids.filter((id) => !this.registry.byId.has(id));
    if (unknown.length > 0) throw new Error(`No test with the id ${unknown[0]}`);
    return this.allTests().filter((test) => wanted.has(test.id));
  }

  /** @param {Test[]} tests @param {{ bail: boolean, onTestStart?: (test: Test) => void, onTestEnd?: () => void }} options */
  run(tests, options) {
    return new Run(tests, { onTestStart: () => undefined, onTestEnd: () => undefined, ...options, fakeTimers: this.fakeTimers }).execute();
  }
}

module.exports = { Harness };
