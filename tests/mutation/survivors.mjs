// @ts-check
/**
 * The mutants a run left undetected, file by file: `node tests/mutation/survivors.mjs [path-prefix]`
 * after `npm run test:mutation`, from reports/mutation/mutation.json. Each line: file:line:column,
 * status (Survived, or NoCoverage when no test reached it), the mutator and what the code became.
 */
import { readFileSync } from 'node:fs';

const [prefix = ''] = process.argv.slice(2);
const report = JSON.parse(readFileSync('reports/mutation/mutation.json', 'utf8'));
for (const [file, { mutants }] of Object.entries(report.files)) {
  if (!file.startsWith(prefix)) continue;
  for (const mutant of mutants) {
    if (mutant.status !== 'Survived' && mutant.status !== 'NoCoverage') continue;
    const { line, column } = mutant.location.start;
    const replacement = String(mutant.replacement ?? '').replace(/\s+/g, ' ').slice(0, 160);
    console.log(`${file}:${line}:${column} ${mutant.status} ${mutant.mutatorName}: ${replacement}`);
  }
}
