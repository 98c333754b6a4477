import type { z } from 'zod';
import { checkSinkTopics } from '../../../../connectors/catalog/common';

/** The issues the shared sink rules add for `config`, as zod's superRefine would receive them. */
function sinkIssues(config: Record<string, unknown>): unknown[] {
  const issues: unknown[] = [];
  checkSinkTopics(config, { addIssue: (issue: unknown) => issues.push(issue) } as unknown as z.RefinementCtx);
  return issues;
}

describe('sink rules every sink shares', () => {
  it('take topics or a topic regex', () => {
    expect(sinkIssues({ topics: 'cdc.app_db.orders' })).toEqual([]);
    expect(sinkIssues({ 'topics.regex': 'cdc[.]app_db[.].*' })).toEqual([]);
  });

  it('ask for topics when neither is set, or both are blank', () => {
    const missing = [{ code: 'custom', path: ['topics'], message: 'a sink needs topics or topics.regex' }];
    expect(sinkIssues({})).toEqual(missing);
    expect(sinkIssues({ topics: '  ', 'topics.regex': ' ' })).toEqual(missing);
  });

  it('refuse both, on topics.regex', () => {
    expect(sinkIssues({ topics: 'cdc.app_db.orders', 'topics.regex': 'cdc[.]app_db[.].*' })).toEqual([{ code: 'custom', path: ['topics.regex'], message: 'set either topics or topics.regex, not both' }]);
  });

  it('count a blank entry as unset: blank topics beside a regex, a blank regex beside topics', () => {
    expect(sinkIssues({ topics: ' ', 'topics.regex': 'cdc[.]app_db[.].*' })).toEqual([]);
    expect(sinkIssues({ topics: 'cdc.app_db.orders', 'topics.regex': '   ' })).toEqual([]);
  });

  it('refuse a dead-letter queue unless errors.tolerance is all, on errors.tolerance', () => {
    const dlq = { topics: 'cdc.app_db.orders', 'errors.deadletterqueue.topic.name': 'cdc.dlq.orders' };
    expect(sinkIssues({ ...dlq, 'errors.tolerance': 'all' })).toEqual([]);
    expect(sinkIssues({ ...dlq, 'errors.tolerance': 'none' })).toEqual([
      { code: 'custom', path: ['errors.tolerance'], message: 'a dead-letter queue only receives records when errors.tolerance is "all"' },
    ]);
  });
});
