// @ts-check
/**
 * Matching a mutation run's survivors with the mutants listed as equivalent, those no test can kill
 * because no behaviour differs, each with its reason: tests/mutation/equivalent/<source file>.json
 * (for connectors/catalog/fields.ts, tests/mutation/equivalent/connectors/catalog/fields.ts.json), an
 * array of entries. An entry names the mutator, the code as it was and what it became (whitespace
 * collapsed, at most 120 characters each, so an entry outlives a moved line) and how many survivors
 * it stands for (`count`, default 1): a new survivor that looks the same is then not silently covered.
 */

/** @typedef {{ file: string, line: number, column: number, status: string, mutator: string, original: string, replacement: string }} Survivor */
/** @typedef {{ file: string, mutator: string, original: string, replacement: string, count?: number, reason: string }} Entry */

const { readdirSync, readFileSync } = require('node:fs');
const path = require('node:path');

const LIST_DIR = path.join(__dirname, 'equivalent');

/** Every listed entry, its `file` the source file its list is named after. @returns {Entry[]} */
function listedEntries(dir = LIST_DIR) {
  /** @type {(at: string) => string[]} */
  const walk = (at) => readdirSync(at, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(path.join(at, entry.name)) : [path.join(at, entry.name)]));
  return walk(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .flatMap((list) => {
      const file = path.relative(dir, list).slice(0, -'.json'.length).split(path.sep).join('/');
      return /** @type {Omit<Entry, 'file'>[]} */ (JSON.parse(readFileSync(list, 'utf8'))).map((entry) => ({ file, ...entry }));
    });
}

/** Whitespace collapsed, at most 120 characters: how an entry spells code. @param {string} text */
const snippet = (text) => text.replace(/\s+/g, ' ').trim().slice(0, 120);

/** The text of `source` between two 1-based line/column positions (Stryker's report locations). */
function slice(/** @type {string} */ source, /** @type {{start: {line: number, column: number}, end: {line: number, column: number}}} */ location) {
  const lines = source.split('\n');
  const offset = (/** @type {{line: number, column: number}} */ at) => lines.slice(0, at.line - 1).reduce((sum, line) => sum + line.length + 1, 0) + at.column - 1;
  return source.slice(offset(location.start), offset(location.end));
}

/** The Survived and NoCoverage mutants of a Stryker JSON report, with the code each changed. @returns {Survivor[]} */
function survivorsOf(/** @type {{files: Record<string, {source: string, mutants: any[]}>}} */ report) {
  return Object.entries(report.files).flatMap(([file, { source, mutants }]) =>
    mutants
      .filter((mutant) => mutant.status === 'Survived' || mutant.status === 'NoCoverage')
      .map((mutant) => ({
        file,
        line: mutant.location.start.line,
        column: mutant.location.start.column,
        status: mutant.status,
        mutator: mutant.mutatorName,
        original: snippet(slice(source, mutant.location)),
        replacement: snippet(String(mutant.replacement ?? '')),
      })),
  );
}

const same = (/** @type {Survivor} */ survivor, /** @type {Entry} */ entry) =>
  survivor.file === entry.file && survivor.mutator === entry.mutator && survivor.original === snippet(entry.original) && survivor.replacement === snippet(entry.replacement);

/**
 * Each survivor with the entry that explains it; those no entry explains; the entries that match
 * another number of survivors than their count (0 included: the mutant is killed now, or gone).
 */
function matchSurvivors(/** @type {Survivor[]} */ survivors, /** @type {Entry[]} */ entries) {
  /** @type {{survivor: Survivor, entry: Entry}[]} */
  const explained = [];
  /** @type {Survivor[]} */
  const unlisted = [];
  const matched = new Map(entries.map((entry) => [entry, 0]));
  for (const survivor of survivors) {
    const entry = entries.find((candidate) => same(survivor, candidate));
    if (!entry) {
      unlisted.push(survivor);
      continue;
    }
    matched.set(entry, (matched.get(entry) ?? 0) + 1);
    explained.push({ survivor, entry });
  }
  const wrongCounts = [...matched].filter(([entry, count]) => count !== (entry.count ?? 1)).map(([entry, count]) => ({ entry, matched: count }));
  return { explained, unlisted, wrongCounts };
}

module.exports = { snippet, survivorsOf, matchSurvivors, listedEntries, LIST_DIR };
