// @ts-check
/**
 * The mutants a run left undetected, file by file, against the list of those known to be equivalent
 * (tests/mutation/equivalent/<source file>.json): `node tests/mutation/survivors.mjs [--check] [path-prefix]` after
 * `npm run test:mutation`, from reports/mutation/mutation.json. Each line: file:line:column, status
 * (Survived, or NoCoverage when no test reached it), the mutator, what the code was and what it became.
 * A listed survivor is printed with its reason; `--check` exits 1 when a survivor is not listed, or an
 * entry no longer matches as many survivors as it says (a test now kills it, or the code moved on).
 */
import { readFileSync } from 'node:fs';
import equivalent from './equivalent.cjs';

const { matchSurvivors, survivorsOf, listedEntries } = equivalent;

const args = process.argv.slice(2);
const check = args.includes('--check');
const [prefix = ''] = args.filter((arg) => arg !== '--check');
const report = JSON.parse(readFileSync('reports/mutation/mutation.json', 'utf8'));
const survivors = survivorsOf(report).filter((survivor) => survivor.file.startsWith(prefix));
const { unlisted, explained, wrongCounts } = matchSurvivors(survivors, listedEntries().filter((entry) => entry.file.startsWith(prefix) && entry.file in report.files));

const show = (/** @type {import('./equivalent.cjs').Survivor} */ s) => `${s.file}:${s.line}:${s.column} ${s.status} ${s.mutator}: ${s.original} → ${s.replacement}`;
for (const { survivor, entry } of explained) console.log(`${show(survivor)}\n    equivalent: ${entry.reason}`);
for (const survivor of unlisted) console.log(`${show(survivor)}\n    NOT LISTED`);
for (const { entry, matched } of wrongCounts) console.log(`tests/mutation/equivalent/${entry.file}.json: entry matches ${matched} survivor(s), says ${entry.count ?? 1}: ${entry.file} ${entry.mutator}: ${entry.original} → ${entry.replacement}`);
console.log(`${survivors.length} undetected: ${explained.length} listed as equivalent, ${unlisted.length} not listed; ${wrongCounts.length} entr${wrongCounts.length === 1 ? 'y' : 'ies'} matching another number`);
if (check && (unlisted.length || wrongCounts.length)) process.exitCode = 1;
