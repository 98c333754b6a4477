import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { formatIssue, validateConnectorJson } from '../../../connectors/validate';
import { generatedSecret } from '../../support/generated-secret';

/**
 * Real-world connector configurations (tests/fixtures/connector-corpus/: Debezium's examples and
 * documentation, MongoDB's connector and its documentation, public application repositories), each
 * with the verdict and findings decided from the pinned plugins' sources (`decided_by`). The gate
 * must reach the same verdict and report exactly those fields with those severities: a finding more
 * is as wrong as one missing, since a refusal where the plugin accepts is what issue 15 was about.
 */
interface ExpectedFinding {
  readonly field: string;
  readonly severity: 'error' | 'warning';
  readonly why: string;
  readonly decided_by: string;
}

interface CorpusEntry {
  readonly source: string;
  readonly expected: { readonly verdict: 'ok' | 'warning' | 'error'; readonly findings: readonly ExpectedFinding[] };
  readonly connector: unknown;
}

const CORPUS = path.join(__dirname, '../../fixtures/connector-corpus');
/** Where a published configuration held a literal credential, the fixture holds this mark: no literal secret in the repository. */
const SECRET_MARK = '<generated-secret>';
const SECRET = generatedSecret('password');

const files = readdirSync(CORPUS).filter((file) => file.endsWith('.json')).sort();
const entries = files.map((file) => [file, JSON.parse(readFileSync(path.join(CORPUS, file), 'utf8').replaceAll(SECRET_MARK, SECRET)) as CorpusEntry] as const);

function verdictOf(severities: readonly string[]): 'ok' | 'warning' | 'error' {
  return severities.includes('error') ? 'error' : severities.length ? 'warning' : 'ok';
}

describe('the connector corpus (issue 15): verdicts that match the plugins', () => {
  it('holds the 48 configurations, each with its source and the citations that decided it', () => {
    expect(files).toHaveLength(48);
    for (const [file, entry] of entries) {
      expect({ file, source: Boolean(entry.source), cited: entry.expected.findings.every((finding) => finding.decided_by && finding.why) }).toEqual({ file, source: true, cited: true });
      expect({ file, verdict: verdictOf(entry.expected.findings.map((finding) => finding.severity)) }).toEqual({ file, verdict: entry.expected.verdict });
    }
  });

  it.each(entries)('%s', (file, entry) => {
    const issues = validateConnectorJson(entry.connector, {}, file);
    const reported = [...new Set(issues.map((issue) => `${issue.severity} ${issue.field}`))].sort();
    const expected = entry.expected.findings.map((finding) => `${finding.severity} ${finding.field}`).sort();
    expect({ verdict: verdictOf(issues.map((issue) => issue.severity)), findings: reported }).toEqual({ verdict: entry.expected.verdict, findings: expected });
    for (const issue of issues) expect(formatIssue(issue)).not.toContain(SECRET);
  });
});
