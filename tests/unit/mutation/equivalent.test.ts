import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * tests/mutation/equivalent/, the surviving mutants listed as equivalent (no behaviour differs),
 * and the matcher `node tests/mutation/survivors.mjs --check` holds a run's survivors to it with.
 */
const ROOT = path.resolve(__dirname, '../../..');

interface Entry {
  file: string;
  mutator: string;
  original: string;
  replacement: string;
  count?: number;
  reason: string;
}

// Stryker's mutator names (@stryker-mutator/instrumenter's mutators).
const MUTATORS = [
  'ArithmeticOperator', 'ArrayDeclaration', 'ArrowFunction', 'AssignmentOperator', 'BlockStatement', 'BooleanLiteral', 'ConditionalExpression',
  'EqualityOperator', 'LogicalOperator', 'MethodExpression', 'ObjectLiteral', 'OptionalChaining', 'Regex', 'StringLiteral', 'UnaryOperator', 'UpdateOperator',
];

const load = async () => (await import(path.join(ROOT, 'tests/mutation/equivalent.cjs'))) as {
  snippet: (text: string) => string;
  survivorsOf: (report: unknown) => Array<Record<string, unknown>>;
  listedEntries: (dir?: string) => Entry[];
  matchSurvivors: (survivors: unknown[], entries: Entry[]) => { explained: unknown[]; unlisted: unknown[]; wrongCounts: Array<{ matched: number }> };
};

/** A source file with its whitespace collapsed as entries spell code, whole (snippet() cuts at 120 characters). */
const collapsed = (text: string) => text.replace(/\s+/g, ' ');

describe('tests/mutation/equivalent/: the survivors listed as equivalent', () => {
  it('each entry names a mutated file, a mutator, code in that file, a count and a reason', async () => {
    const { snippet, listedEntries } = await load();
    const problems = listedEntries().flatMap((entry) => {
      const where = `${entry.file} ${entry.mutator} ${entry.original}`;
      if (!existsSync(path.join(ROOT, entry.file))) return [`${where}: no such source file`];
      return [
        ...(MUTATORS.includes(entry.mutator) ? [] : [`${where}: not a Stryker mutator`]),
        ...(collapsed(readFileSync(path.join(ROOT, entry.file), 'utf8')).includes(snippet(entry.original)) ? [] : [`${where}: not in the file`]),
        ...(typeof entry.replacement === 'string' ? [] : [`${where}: no replacement`]),
        ...(typeof entry.reason === 'string' && entry.reason.length >= 30 ? [] : [`${where}: no reason of 30 characters or more`]),
        ...(entry.count === undefined || (Number.isInteger(entry.count) && entry.count >= 1) ? [] : [`${where}: count must be a whole number of 1 or more`]),
      ];
    });
    expect(problems).toEqual([]);
  });

  it('lists each mutant once', async () => {
    const { snippet, listedEntries } = await load();
    const keys = listedEntries().map((entry) => [entry.file, entry.mutator, snippet(entry.original), snippet(entry.replacement)].join('\u0000'));
    expect(keys.filter((key, index) => keys.indexOf(key) !== index)).toEqual([]);
  });

  it('names each entry after the list it is in', async () => {
    const { listedEntries } = await load();
    const dir = mkdtempSync(path.join(tmpdir(), 'equivalent-'));
    try {
      mkdirSync(path.join(dir, 'connectors/catalog'), { recursive: true });
      writeFileSync(path.join(dir, 'connectors/catalog/fields.ts.json'), JSON.stringify([{ mutator: 'Regex', original: 'a', replacement: 'b', reason: 'r' }]));
      writeFileSync(path.join(dir, 'notes.md'), 'not a list');
      expect(listedEntries(dir)).toEqual([{ file: 'connectors/catalog/fields.ts', mutator: 'Regex', original: 'a', replacement: 'b', reason: 'r' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('matching survivors with the list', () => {
  const source = 'const a = 1;\nif (a <  2) {\n  run();\n}\n';
  const report = {
    files: {
      'x.ts': {
        source,
        mutants: [
          { status: 'Survived', mutatorName: 'EqualityOperator', replacement: 'a <= 2', location: { start: { line: 2, column: 5 }, end: { line: 2, column: 11 } } },
          { status: 'NoCoverage', mutatorName: 'BlockStatement', replacement: '{}', location: { start: { line: 2, column: 13 }, end: { line: 4, column: 2 } } },
          { status: 'Killed', mutatorName: 'ConditionalExpression', replacement: 'true', location: { start: { line: 2, column: 5 }, end: { line: 2, column: 11 } } },
        ],
      },
    },
  };
  const entry = (over: Partial<Entry> = {}): Entry => ({ file: 'x.ts', mutator: 'EqualityOperator', original: 'a < 2', replacement: 'a <= 2', reason: 'r', ...over });

  it('reads the code each survivor changed from the report, whitespace collapsed, and skips killed mutants', async () => {
    const { survivorsOf } = await load();
    expect(survivorsOf(report)).toEqual([
      { file: 'x.ts', line: 2, column: 5, status: 'Survived', mutator: 'EqualityOperator', original: 'a < 2', replacement: 'a <= 2' },
      { file: 'x.ts', line: 2, column: 13, status: 'NoCoverage', mutator: 'BlockStatement', original: '{ run(); }', replacement: '{}' },
    ]);
  });

  it('explains a survivor only by an entry equal in file, mutator, original and replacement', async () => {
    const { survivorsOf, matchSurvivors } = await load();
    const survivors = survivorsOf(report);
    const listed = matchSurvivors(survivors, [entry()]);
    expect(listed.explained).toHaveLength(1);
    expect(listed.unlisted).toEqual([survivors[1]]);
    expect(listed.wrongCounts).toEqual([]);
    for (const other of [entry({ file: 'y.ts' }), entry({ mutator: 'ArithmeticOperator' }), entry({ original: 'a < 3' }), entry({ replacement: 'a >= 2' })]) {
      const result = matchSurvivors(survivors, [other]);
      expect(result.explained).toEqual([]);
      expect(result.wrongCounts).toEqual([{ entry: other, matched: 0 }]);
    }
  });

  it('holds an entry to its count: a second look-alike survivor, or none left, is reported', async () => {
    const { survivorsOf, matchSurvivors } = await load();
    const [first] = survivorsOf(report);
    expect(matchSurvivors([first, { ...first, line: 9 }], [entry()]).wrongCounts).toEqual([{ entry: entry(), matched: 2 }]);
    expect(matchSurvivors([first, { ...first, line: 9 }], [entry({ count: 2 })]).wrongCounts).toEqual([]);
    expect(matchSurvivors([], [entry()]).wrongCounts).toEqual([{ entry: entry(), matched: 0 }]);
  });
});
