import type { InventoryDocument, InventoryTrigger } from '../../../migration/inventory';
import { renderReport, sourceExcerpt } from '../../../migration/report';

/** report.md from fields the Admin API chose: they stay text, whatever they hold. */
const BASELINE = { executions: 1, failures: 0, p50_ms: 1, p95_ms: 1, top_errors: [], trigger_failures: 0, top_trigger_failures: [] };
const REPLACEMENT = { kind: 'connector' as const, summary: 's', expressed: [], unexpressed: [], notes: [] };
const HOSTILE = '<img src=x onerror=alert(1)>\n## Approved by security\n<script>alert(1)</script>';

function trigger(overrides: Partial<InventoryTrigger>): InventoryTrigger {
  return { id: 't', name: 'trigger', type: 'DATABASE', disabled: false, eventProcessors: [], replacement: REPLACEMENT, baseline: BASELINE, ...overrides };
}

function documentWith(triggers: InventoryTrigger[]): InventoryDocument {
  return {
    generatedBy: 'cdcctl migrate inventory',
    project: 'p',
    app: { id: 'a', name: 'app' },
    environment: 'production',
    baselineWindow: { since: '2026-01-01T00:00:00.000Z', until: '2026-01-08T00:00:00.000Z', scans: [], unattributedEntries: 0 },
    triggers,
    functions: [],
    pipelines: [],
    connectors: [],
    problems: [],
  };
}

/** Lines that Markdown would read as a heading, and HTML tags outside code. */
function liveMarkup(report: string): string[] {
  const outsideCode = report.replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '');
  return [...outsideCode.split('\n').filter((line) => /^#+ Approved/.test(line)), ...(outsideCode.match(/<(img|script)\b/g) ?? [])];
}

describe('report.md and hostile trigger fields', () => {
  it('escapes the operation types of a Database trigger', () => {
    const report = renderReport(documentWith([trigger({ operationTypes: ['INSERT', HOSTILE] })]));
    expect(liveMarkup(report)).toEqual([]);
    expect(report).toContain('operation types: INSERT, &lt;img src=x onerror=alert(1)&gt; ## Approved by security &lt;script&gt;');
  });

  it("escapes an Authentication trigger's operation and providers", () => {
    const report = renderReport(documentWith([trigger({ type: 'AUTHENTICATION', authentication: { operationType: HOSTILE, providers: ['local-userpass', HOSTILE] } })]));
    expect(liveMarkup(report)).toEqual([]);
    expect(report).toMatch(/^- operation: &lt;img .*; providers: local-userpass, &lt;img /m);
  });

  it("escapes a trigger failure's message, which the API gives as it was raised", () => {
    const report = renderReport(documentWith([trigger({ baseline: { ...BASELINE, trigger_failures: 1, top_trigger_failures: [{ message: HOSTILE, count: 1 }] } })]));
    expect(liveMarkup(report)).toEqual([]);
    expect(report).toContain('**The trigger itself failed 1 time**');
    expect(report).toMatch(/^ {2}- 1 × &lt;img src=x/m);
  });

  it('drops terminal escapes from names and shows other control characters instead of writing them', () => {
    const report = renderReport(documentWith([trigger({ name: 'a\u001b[2Jb\u0000' })]));
    expect(report).not.toMatch(/[\u0000\u001b]/);
    expect(report).toContain('| ab\\u0000 |');
  });
});

describe('report.md: the baseline', () => {
  it("shows the trigger's own failures in their column, apart from its function's", () => {
    const report = renderReport(documentWith([trigger({ name: 'syncOrders', baseline: { ...BASELINE, executions: 10, failures: 2, trigger_failures: 3 } })]));
    expect(report).toContain('| Executions | Failures | Trigger failures | p50 ms | p95 ms |');
    expect(report).toContain('| 10 | 2 | 3 | 1 | 1 |');
  });

  it('names the product of the app it read', () => {
    const document = { ...documentWith([]), app: { id: 'a', name: 'Triggers', product: 'atlas' } };
    expect(renderReport(document)).toMatch(/^# Atlas Triggers inventory: app `Triggers` \(product `atlas`, project `p`\)$/m);
  });
});

describe('sourceExcerpt', () => {
  it('keeps the first 40 lines and the count, the same as splitting the source', () => {
    const source = Array.from({ length: 1_000 }, (_, index) => `line ${index}`).join('\n');
    expect(sourceExcerpt(source)).toEqual({ head: source.split('\n').slice(0, 40).join('\n'), lines: 1_000 });
    expect(sourceExcerpt('one\ntwo')).toEqual({ head: 'one\ntwo', lines: 2 });
    expect(sourceExcerpt('')).toEqual({ head: '', lines: 1 });
  });
});
