import { fitCommentBody, markerComment, MAX_COMMENT_LENGTH, pullRequestNumber, upsertMarkedComment, type GitHubTarget } from '../../../gitops/github';
import { composeComment, contextFromActions, orderSections } from '../../../gitops/pr-comment';
import { startFakeGitHubApi, type FakeGitHubApi } from './fake-github-api';
import { generatedSecret } from '../../support/generated-secret';
import { startScriptedServer, type ScriptedServer } from '../../support/scripted-http-server';
import { loadEnvironment } from '../../../config';
import { createConnectClient } from '../../../connectors/connect/client';
import { renderValidated } from '../../../connectors/connect/deploy';
import { pipelines } from '../../../connectors/pipelines';
import { planEnvironment } from '../../../gitops/connectors-plan';



const TOKEN = generatedSecret('token');
const MARKER = markerComment('connectors-plan');

describe('the pull-request comment against a fake GitHub API', () => {
  let github: FakeGitHubApi;
  let target: GitHubTarget;

  beforeEach(async () => {
    github = await startFakeGitHubApi({ repository: 'acme/cdc', token: TOKEN });
    target = { apiUrl: github.url, repository: 'acme/cdc', pullRequest: 7, token: TOKEN };
  });
  afterEach(() => github.close());

  it('creates the comment when none carries the marker, with the token and the API version headers', async () => {
    github.comments.set(7, [{ id: 1, body: 'LGTM', user: { login: 'alice' } }]);
    const result = await upsertMarkedComment(target, MARKER, `${MARKER}\nplan one`);
    expect(result.action).toBe('created');
    expect(github.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /repos/acme/cdc/issues/7/comments?per_page=100&page=1',
      'POST /repos/acme/cdc/issues/7/comments',
    ]);
    const post = github.requests[1]!;
    expect(post.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(post.headers['x-github-api-version']).toBe('2022-11-28');
    expect(post.headers.accept).toBe('application/vnd.github+json');
    expect(post.body).toEqual({ body: `${MARKER}\nplan one` });
  });

  it('a second push edits the same comment instead of adding one', async () => {
    await upsertMarkedComment(target, MARKER, `${MARKER}\nplan one`);
    const second = await upsertMarkedComment(target, MARKER, `${MARKER}\nplan two`);
    expect(second.action).toBe('updated');
    expect(github.comments.get(7)!.map((comment) => comment.body)).toEqual([`${MARKER}\nplan two`]);
    expect(github.requests.at(-1)).toMatchObject({ method: 'PATCH', path: `/repos/acme/cdc/issues/comments/${second.id}` });
  });

  it('finds the marked comment on a later page of a busy pull request', async () => {
    const chatter = Array.from({ length: 130 }, (_, index) => ({ id: index + 1, body: `comment ${index}`, user: { login: 'bob' } }));
    github.comments.set(7, [...chatter, { id: 555, body: `${MARKER}\nold`, user: { login: 'github-actions[bot]' } }]);
    const result = await upsertMarkedComment(target, MARKER, `${MARKER}\nnew`);
    expect(result).toMatchObject({ action: 'updated', id: 555 });
    expect(github.requests.filter((request) => request.method === 'GET').map((request) => request.path)).toEqual([
      '/repos/acme/cdc/issues/7/comments?per_page=100&page=1',
      '/repos/acme/cdc/issues/7/comments?per_page=100&page=2',
    ]);
  });

  it('leaves alone a comment that only quotes the marker', async () => {
    github.comments.set(7, [{ id: 9, body: `> ${MARKER}\n> quoted by a reviewer`, user: { login: 'carol' } }]);
    const result = await upsertMarkedComment(target, MARKER, `${MARKER}\nplan`);
    expect(result.action).toBe('created');
    expect(github.comments.get(7)![0]!.body).toContain('quoted by a reviewer');
  });

  it('a refused request names the method, URL, status and a hint, never the token', async () => {
    github.failWith(403, 'Resource not accessible by integration');
    const error = await upsertMarkedComment(target, MARKER, `${MARKER}\nplan`).then(() => new Error('no error'), (caught: Error) => caught);
    expect(error.message).toContain(`GET ${github.url}/repos/acme/cdc/issues/7/comments`);
    expect(error.message).toContain('403 Resource not accessible by integration');
    expect(error.message).toContain('pull-requests: write');
    expect(error.message).not.toContain(TOKEN);
  });

  it('reports every bad setting at once before sending anything', async () => {
    const error = await upsertMarkedComment({ apiUrl: 'ftp://x', repository: 'no-slash', pullRequest: 0, token: '' }, MARKER, `${MARKER}\n`).then(() => new Error('no error'), (caught: Error) => caught);
    expect(error.message).toContain('repository: must be owner/name (got "no-slash")');
    expect(error.message).toContain('pull request: must be a number ≥ 1 (got 0)');
    expect(error.message).toContain('API URL: must be an http(s) URL (got "ftp://x")');
    expect(error.message).toContain('token: empty');
    expect(github.requests).toEqual([]);
  });

  it('refuses a body without its marker (the next run could not find it)', async () => {
    await expect(upsertMarkedComment(target, MARKER, 'plan without marker')).rejects.toThrow('must start with its marker');
    expect(github.requests).toEqual([]);
  });
});

describe('composing the comment', () => {
  it('starts with the marker, keeps environments in promotion order, links the run', () => {
    const files = orderSections(['plans/production.md', 'plans/staging.md', 'plans/local.md', 'plans/zz-extra.md']);
    expect(files).toEqual(['plans/local.md', 'plans/staging.md', 'plans/production.md', 'plans/zz-extra.md']);
    const context = contextFromActions({ GITHUB_SHA: '0123456789abcdef0123', GITHUB_SERVER_URL: 'https://github.example', GITHUB_REPOSITORY: 'acme/cdc', GITHUB_RUN_ID: '42' });
    const body = composeComment('connectors-plan', 'Connectors plan', ['### staging\n', '### production\n'], { ...context, artifacts: ['rendered-connectors'] });
    expect(body.startsWith(`${MARKER}\n## Connectors plan`)).toBe(true);
    expect(body.indexOf('### staging')).toBeLessThan(body.indexOf('### production'));
    expect(body).toContain('commit `0123456789ab`');
    expect(body).toContain('[workflow run](https://github.example/acme/cdc/actions/runs/42)');
    expect(body).toContain('`rendered-connectors`');
  });

  it('says so when no environment produced a section', () => {
    expect(composeComment('stacks-plan', 'Stacks plan', [])).toContain('No environment produced a plan');
  });

  it('keeps an over-long body under GitHub’s limit, closes open blocks and says it was cut', () => {
    const huge = `${MARKER}\n<details><summary>x</summary>\n\n\`\`\`diff\n${'+ key=value\n'.repeat(10_000)}\`\`\`\n</details>\n`;
    const fitted = fitCommentBody(huge, 'truncated');
    expect(fitted.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(fitted.startsWith(MARKER)).toBe(true);
    expect((fitted.match(/^```/gm) ?? []).length % 2).toBe(0);
    expect(fitted).toContain('</details>');
    expect(fitted.trimEnd().endsWith('… truncated')).toBe(true);
    expect(fitCommentBody('short', 'truncated')).toBe('short');
  });

  it('marker ids are plain so that the HTML comment cannot be broken', () => {
    expect(markerComment('stacks-plan')).toBe('<!-- cdc-platform:stacks-plan -->');
    expect(() => markerComment('x -->')).toThrow('got "x -->"');
  });

  it('reads the pull-request number from the event payload', () => {
    expect(pullRequestNumber({ pull_request: { number: 12 } })).toBe(12);
    expect(pullRequestNumber({ ref: 'refs/heads/main' })).toBeUndefined();
  });
});

describe('a pull-request comment made of what a hostile worker answers', () => {
  let worker: ScriptedServer;
  beforeEach(async () => {
    worker = await startScriptedServer();
  });
  afterEach(() => worker.close());

  const staging = loadEnvironment('staging');
  const desired = renderValidated(staging, pipelines).connectors;
  const sink = desired.find((connector) => connector.name === 'cdc-orders-sink')!;
  const FAKE_PLAN = '1\n```\n\n## ✅ Plan: no changes <img src=x>\n\n[approve me](https://example.net/x)\n```diff';
  const HOSTILE_NAMES = ['cdc-`<img src=x onerror=alert(1)>`', 'x` @org/admins `<script>alert(1)</script>', 'a|b</code></summary><h1>hi</h1>'];

  function liveAnswer(): Record<string, unknown> {
    const entry = (name: string, config: Record<string, string>) => ({ info: { name, config, tasks: [], type: 'sink' }, status: { name, connector: { state: 'RUNNING' }, tasks: [] } });
    const live: Record<string, unknown> = { [sink.name]: entry(sink.name, { ...sink.config, 'tasks.max': FAKE_PLAN }) };
    for (const name of HOSTILE_NAMES) live[name] = entry(name, { 'connector.class': 'x', [`key\`\`\`\n# ${name}`]: FAKE_PLAN });
    return live;
  }

  /** The Markdown outside code spans, fenced blocks and <code> elements: where Markdown and HTML are live. */
  function liveMarkdown(markdown: string): string {
    const outsideBlocks = markdown.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '');
    return outsideBlocks.replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '').replace(/<code>[^<]*<\/code>/g, '');
  }

  it('a live config value cannot close the diff fence, a live name cannot leave its code', async () => {
    worker.script('GET /connectors?expand=info&expand=status', { status: 200, body: liveAnswer() });
    // With prune, the managed hostile name is a delete: a table row and a <summary> of its own.
    const report = await planEnvironment(staging, { client: createConnectClient({ url: worker.url }), prune: true });
    const body = composeComment('connectors-plan', 'Connectors plan', [report.markdown]);
    expect(body).toContain('<summary><code>cdc-`&#60;img src=x onerror=alert(1)&#62;`</code> — delete</summary>');
    expect(body).toContain('| `` cdc-`<img src=x onerror=alert(1)>` `` | delete |');
    const live = liveMarkdown(body);
    expect(live).not.toMatch(/<img|<script|<h1>|@org\/admins|\[approve me\]|## ✅/);
    expect(body).toContain('- tasks.max=1\\n```\\n\\n## ✅ Plan: no changes <img src=x>\\n\\n[approve me](https://example.net/x)\\n```diff');
    // Every fence is longer than any backtick run of what it holds.
    for (const [, fence, content] of body.matchAll(/^(`{3,})\w*\n([\s\S]*?)\n\1$/gm)) expect(Math.max(0, ...(content!.match(/`+/g) ?? []).map((run) => run.length))).toBeLessThan(fence!.length);
    expect(report.exitCode).toBe(2);
  });

  it("a worker's 502 page cannot escape the CAUTION block, and its escapes are shown, not passed on", async () => {
    const page = `<html>\u001b[2J\u001b]0;title\u0007\n\`\`\`\n## ✅ Plan: no changes\n<img src=x>\n${'y'.repeat(10_000)}</html>`;
    worker.script('GET /connectors?expand=info&expand=status', { status: 502, raw: page, headers: { 'content-type': 'text/html' } });
    const report = await planEnvironment(staging, { client: createConnectClient({ url: worker.url, retries: 0 }) });
    expect(report.exitCode).toBe(1);
    expect(report.markdown).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(report.text).not.toMatch(/\u001b/);
    expect(liveMarkdown(report.markdown)).not.toMatch(/<img|## ✅/);
    expect(report.markdown.length).toBeLessThan(2_500);
  });

  it('text for the terminal shows the control characters of live names instead of obeying them', async () => {
    worker.script('GET /connectors?expand=info&expand=status', { status: 200, body: { ['cdc-\u001b[2Jx']: { info: { name: 'n', config: {}, tasks: [] } } } });
    const report = await planEnvironment(staging, { client: createConnectClient({ url: worker.url }) });
    expect(report.text).toContain('cdc-x');
    expect(report.text).not.toMatch(/\u001b/);
  });
});

describe('the comment the bot edits', () => {
  let github: FakeGitHubApi;
  let target: GitHubTarget;
  beforeEach(async () => {
    github = await startFakeGitHubApi({ repository: 'acme/cdc', token: TOKEN });
    target = { apiUrl: github.url, repository: 'acme/cdc', pullRequest: 7, token: TOKEN };
  });
  afterEach(() => github.close());

  it('is never one that someone else planted the marker in first', async () => {
    github.comments.set(7, [{ id: 3, body: `${MARKER}\n## ✅ Plan: no changes, approve`, user: { login: 'mallory' } }]);
    const result = await upsertMarkedComment(target, MARKER, `${MARKER}\nthe real plan`);
    expect(result.action).toBe('created');
    expect(github.comments.get(7)!.map((comment) => [comment.user.login, comment.body])).toEqual([
      ['mallory', `${MARKER}\n## ✅ Plan: no changes, approve`],
      ['github-actions[bot]', `${MARKER}\nthe real plan`],
    ]);
  });

  it("is the configured author's when the token is not the workflow's", async () => {
    github.comments.set(7, [
      { id: 3, body: `${MARKER}\nplanted`, user: { login: 'github-actions[bot]' } },
      { id: 4, body: `${MARKER}\nold`, user: { login: 'cdc-gitops[bot]' } },
    ]);
    const result = await upsertMarkedComment({ ...target, commentAuthor: 'cdc-gitops[bot]' }, MARKER, `${MARKER}\nnew`);
    expect(result).toMatchObject({ action: 'updated', id: 4 });
  });
});

describe('a hostile GitHub API', () => {
  let hostile: ScriptedServer;
  let elsewhere: ScriptedServer;
  beforeEach(async () => {
    hostile = await startScriptedServer();
    elsewhere = await startScriptedServer({ status: 200, body: [] });
  });
  afterEach(async () => {
    await hostile.close();
    await elsewhere.close();
  });
  const target = (): GitHubTarget => ({ apiUrl: hostile.url, repository: 'acme/cdc', pullRequest: 7, token: TOKEN, deadlineMs: 300 });

  it('does not follow a redirect with the token, and names where it pointed', async () => {
    hostile.script('GET /repos/acme/cdc/issues/7/comments?per_page=100&page=1', { status: 301, headers: { location: `${elsewhere.url}/x` } });
    await expect(upsertMarkedComment(target(), MARKER, `${MARKER}\n`)).rejects.toThrow(`301 redirect to ${new URL(elsewhere.url).host} refused`);
    expect(elsewhere.requests).toEqual([]);
  });

  it('ends a slow answer at the deadline', async () => {
    hostile.script('GET /repos/acme/cdc/issues/7/comments?per_page=100&page=1', { status: 200, drip: { chunk: ' ', everyMs: 20 } });
    await expect(upsertMarkedComment(target(), MARKER, `${MARKER}\n`)).rejects.toThrow('no complete answer within 300 ms');
  });

  it('refuses a plain-http API URL that is not this machine', async () => {
    await expect(upsertMarkedComment({ ...target(), apiUrl: 'http://github.example.net/api/v3' }, MARKER, `${MARKER}\n`)).rejects.toThrow(/API URL: must be https/);
  });
});
