import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The in-process harness of mutation runs (tests/mutation/harness.cjs) on small test files of its
 * own: what a mutant's verdict rests on — a failing test fails the run, hooks run around the tests
 * asked for and only those, afterAll still runs after a bail, a snapshot that differs fails.
 * The harness installs describe/it/expect as globals, so it runs in a child process, not in jest's.
 */
const HARNESS = path.resolve(__dirname, '../../mutation/harness.cjs');

const DRIVER = `
const { Harness } = require(${JSON.stringify(HARNESS)});
(async () => {
  const [files, ids, bail] = JSON.parse(process.argv[1]);
  const harness = new Harness();
  const problems = harness.load(files);
  const tests = ids ? harness.testsById(ids) : harness.allTests();
  const results = await harness.run(tests, { bail });
  const again = await harness.run(tests, { bail });
  process.stdout.write(JSON.stringify({
    problems,
    ids: harness.allTests().map((test) => test.id),
    results: results.map((r) => ({ id: r.test.id, status: r.status, failure: r.failureMessage?.split('\\n')[0] })),
    again: again.map((r) => r.status),
    log: globalThis.harnessLog ?? [],
  }));
})();
`;

interface Outcome {
  problems: string[];
  ids: string[];
  results: Array<{ id: string; status: string; failure?: string }>;
  again: string[];
  log: string[];
}

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'harness-'));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, source: string): string {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, source);
  return file;
}

function run(files: string[], options: { ids?: string[]; bail?: boolean; env?: Record<string, string> } = {}): Outcome {
  const result = spawnSync(process.execPath, ['-e', DRIVER, JSON.stringify([files, options.ids ?? null, options.bail ?? false])], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...options.env } });
  if (result.status !== 0) throw new Error(`harness driver failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Outcome;
}

const LOGGING = `
const log = (globalThis.harnessLog ??= []);
describe('orders', () => {
  beforeAll(() => log.push('beforeAll'));
  afterAll(() => log.push('afterAll'));
  beforeEach(() => log.push('beforeEach'));
  afterEach(() => log.push('afterEach'));
  it('totals line items', () => { log.push('totals'); expect(2 * 19.99).toBeCloseTo(39.98); });
  it('fails on a wrong total', () => { log.push('wrong'); expect(2 * 19.99).toBe(40); });
  it('counts items', () => { log.push('counts'); expect([1, 2, 3]).toHaveLength(3); });
});
describe('customers', () => {
  beforeAll(() => log.push('customers beforeAll'));
  it('masks an email', () => { log.push('masks'); expect('a***@example.com').toMatch(/\\*\\*\\*/); });
});
`;

describe('in-process mutation harness', () => {
  it('names tests as jest does, runs all of them and reports each one, a failing one with its message', () => {
    const outcome = run([write('orders.test.ts', LOGGING)]);
    expect(outcome.problems).toEqual([]);
    expect(outcome.ids).toEqual([
      'orders.test.ts#orders totals line items',
      'orders.test.ts#orders fails on a wrong total',
      'orders.test.ts#orders counts items',
      'orders.test.ts#customers masks an email',
    ]);
    expect(outcome.results.map((r) => r.status)).toEqual(['success', 'failed', 'success', 'success']);
    expect(outcome.results[1]!.failure).toContain('expect(received).toBe(expected)');
    // Loaded once, run again: the same verdicts (a mutant run repeats tests of earlier runs).
    expect(outcome.again).toEqual(['success', 'failed', 'success', 'success']);
  });

  it('runs only the tests asked for, with the hooks of their suites and no other', () => {
    const outcome = run([write('orders.test.ts', LOGGING)], { ids: ['orders.test.ts#orders counts items'] });
    expect(outcome.results.map((r) => r.id)).toEqual(['orders.test.ts#orders counts items']);
    expect(outcome.log.slice(0, 5)).toEqual(['beforeAll', 'beforeEach', 'counts', 'afterEach', 'afterAll']);
    expect(outcome.log).not.toContain('customers beforeAll');
  });

  it('stops at the first failure when bailing, and still runs the afterAll of a suite it entered', () => {
    const outcome = run([write('orders.test.ts', LOGGING)], { bail: true });
    expect(outcome.results.map((r) => r.status)).toEqual(['success', 'failed']);
    expect(outcome.log.slice(0, 9)).toEqual(['beforeAll', 'beforeEach', 'totals', 'afterEach', 'beforeEach', 'wrong', 'afterEach', 'afterAll', 'beforeAll']);
  });

  it('fails every test of a suite whose beforeAll throws, and a test past its timeout', () => {
    const file = write(
      'broken.test.ts',
      `describe('warehouse', () => {
         beforeAll(() => { throw new Error('PostgreSQL is not running'); });
         it('loads orders', () => undefined);
       });
       it('waits for a worker that never answers', () => new Promise(() => undefined), 50);`,
    );
    const outcome = run([file]);
    expect(outcome.results.map((r) => [r.status, r.failure])).toEqual([
      ['failed', 'Error: PostgreSQL is not running'],
      ['failed', 'Error: Exceeded timeout of 50 ms'],
    ]);
  });

  it('names each case of it.each and describe.each as jest does, and reports a skipped test as skipped', () => {
    const file = write(
      'each.test.ts',
      `describe.each([['orders'], ['customers']])('collection %s', (name: string) => {
         it.each([[1, 2], [2, 4]])('doubles %i to %i', (a: number, b: number) => expect(a * 2).toBe(b));
       });
       it.skip('waits for MongoDB', () => undefined);`,
    );
    const outcome = run([file]);
    expect(outcome.ids).toEqual([
      'each.test.ts#collection orders doubles 1 to 2',
      'each.test.ts#collection orders doubles 2 to 4',
      'each.test.ts#collection customers doubles 1 to 2',
      'each.test.ts#collection customers doubles 2 to 4',
      'each.test.ts#waits for MongoDB',
    ]);
    expect(outcome.results.map((r) => r.status)).toEqual(['success', 'success', 'success', 'success', 'skipped']);
  });

  it("compares with jest's snapshot file and fails on a difference, writing nothing", () => {
    const test = write('render.test.ts', `it('renders the dashboard', () => { expect({ title: process.env.TITLE }).toMatchSnapshot(); });`);
    const snapshot = '// Jest Snapshot v1, https://jestjs.io/docs/snapshot-testing\n\nexports[`renders the dashboard 1`] = `\n{\n  "title": "CDC operations",\n}\n`;\n';
    const snapshotFile = write('__snapshots__/render.test.ts.snap', snapshot);
    expect(run([test], { env: { TITLE: 'CDC operations' } }).results[0]!.status).toBe('success');
    const outcome = run([test], { env: { TITLE: 'CDC operations (mutated)' } });
    expect(outcome.results[0]).toMatchObject({ status: 'failed', failure: expect.stringContaining('toMatchSnapshot') });
    expect(readFileSync(snapshotFile, 'utf8')).toBe(snapshot);
  });

  it('fails the test during which a timer throws, not the process, and runs the next test', () => {
    const file = write(
      'timer.test.ts',
      `it('retries a failed connector later', () => new Promise<void>((resolve) => {
         setTimeout(() => { throw new Error('restart failed: 409 Conflict'); }, 1);
         setTimeout(resolve, 30);
       }));
       it('reads the status after', () => expect('RUNNING').toBe('RUNNING'));`,
    );
    const outcome = run([file]);
    expect(outcome.results.map((r) => [r.status, r.failure])).toEqual([
      ['failed', 'Error: restart failed: 409 Conflict'],
      ['success', undefined],
    ]);
  });

  it('reports a test file that does not load instead of running without it', () => {
    const outcome = run([write('bad.test.ts', `import './missing-module';\nit('never runs', () => undefined);`)]);
    expect(outcome.problems).toHaveLength(1);
    expect(outcome.problems[0]).toContain("Cannot find module './missing-module'");
  });
});
