import axios from 'axios';
import { z } from 'zod';
import { redirectHost, serviceUrlProblem } from '../connectors/connect/service-url';
import { printable } from '../connectors/connect/untrusted-text';

/**
 * The one pull-request comment a workflow keeps up to date: found by a hidden marker at the start
 * of its body AND by its author (anyone can write the marker into a comment of theirs), and edited
 * in place, so a push updates the plan instead of adding a comment. Uses the GitHub REST API with the
 * workflow's GITHUB_TOKEN (issue comments: pull requests are issues). The token is sent to the API
 * URL only: redirects are refused, answers are size- and time-bounded.
 */

export interface GitHubTarget {
  /** REST API root, `GITHUB_API_URL` in Actions (GitHub Enterprise Server has its own). */
  readonly apiUrl: string;
  /** `owner/name`, `GITHUB_REPOSITORY` in Actions. */
  readonly repository: string;
  readonly pullRequest: number;
  /** Never logged, never part of an error message. */
  readonly token: string;
  /** Per-request timeout: how long the connection may stay silent. @default 15000 */
  readonly timeoutMs?: number;
  /** Overall deadline of one request, its whole answer read. @default 60000 */
  readonly deadlineMs?: number;
  /** The login whose comment is edited: the token's own. @default DEFAULT_COMMENT_AUTHOR */
  readonly commentAuthor?: string;
}

/** The login of the workflow's GITHUB_TOKEN; a GitHub App's token comments as `<app-slug>[bot]`. */
export const DEFAULT_COMMENT_AUTHOR = 'github-actions[bot]';

/** A page of 100 comments of up to 65,536 characters each, with room for the JSON around them. */
const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
/** 100 comments a page: 5,000 comments are read at most looking for the marked one. */
const MAX_PAGES = 50;

/** GitHub refuses comment bodies over 65,536 characters. */
export const MAX_COMMENT_LENGTH = 65_536;

const commentSchema = z.object({ id: z.number(), body: z.string().nullable().optional(), html_url: z.string(), user: z.object({ login: z.string() }).nullable().optional() });
const commentsSchema = z.array(commentSchema);

/** A failed GitHub call: method, URL and GitHub's own message; the token never appears. */
export class GitHubError extends Error {
  override name = 'GitHubError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export function markerComment(id: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) throw new Error(`comment marker: lower-case letters, digits and dashes (got ${JSON.stringify(id)})`);
  return `<!-- cdc-platform:${id} -->`;
}

/** Cuts an over-long body at a line and says so, keeping the marker (the first line) intact. */
export function fitCommentBody(body: string, note: string): string {
  if (body.length <= MAX_COMMENT_LENGTH) return body;
  const tail = `\n\n… ${note}\n`;
  // Room for the closers added below: a fence and a few nested <details>.
  const cut = body.slice(0, MAX_COMMENT_LENGTH - tail.length - 200);
  const atLine = cut.lastIndexOf('\n');
  // An unclosed <details> or code fence would swallow the note: close what is open.
  let kept = atLine > 0 ? cut.slice(0, atLine) : cut;
  if ((kept.match(/^```/gm) ?? []).length % 2 === 1) kept += '\n```';
  const openDetails = (kept.match(/<details>/g) ?? []).length - (kept.match(/<\/details>/g) ?? []).length;
  kept += '\n</details>'.repeat(Math.min(10, Math.max(0, openDetails)));
  return `${kept}${tail}`;
}

/** The pull-request number of the event that started the run (`GITHUB_EVENT_PATH`'s JSON). */
export function pullRequestNumber(event: unknown): number | undefined {
  const parsed = z.object({ pull_request: z.object({ number: z.number() }).optional(), number: z.number().optional() }).safeParse(event);
  if (!parsed.success) return undefined;
  return parsed.data.pull_request?.number ?? parsed.data.number;
}

function checkTarget(target: GitHubTarget): void {
  const problems: string[] = [];
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(target.repository)) problems.push(`repository: must be owner/name (got ${JSON.stringify(target.repository)})`);
  if (!Number.isInteger(target.pullRequest) || target.pullRequest < 1) problems.push(`pull request: must be a number ≥ 1 (got ${target.pullRequest})`);
  const urlProblem = serviceUrlProblem(target.apiUrl, { httpsUnlessLoopback: true });
  if (urlProblem) problems.push(`API URL: ${urlProblem}`);
  if (!target.token) problems.push('token: empty (GITHUB_TOKEN not passed to the step?)');
  if (problems.length) throw new GitHubError(`cannot post the pull-request comment: ${problems.join('; ')}`);
}

type Call = <T>(method: 'GET' | 'POST' | 'PATCH', url: string, schema: z.ZodType<T>, data?: unknown) => Promise<T>;

function failureMessage(error: unknown, deadlineMs: number, signal: AbortSignal): string {
  if (signal.aborted) return `no complete answer within ${deadlineMs} ms`;
  const message = (error as Error).message ?? '';
  if (/maxContentLength/i.test(message)) return `answer larger than ${MAX_RESPONSE_BYTES} bytes: refused`;
  return `cannot reach GitHub (${(error as { code?: string }).code ?? message})`;
}

/** One API call: the answer zod-parsed, every failure a GitHubError that never carries the token. */
function createCall(target: GitHubTarget): Call {
  const deadlineMs = target.deadlineMs ?? 60_000;
  const http = axios.create({
    baseURL: target.apiUrl.replace(/\/+$/, ''),
    timeout: target.timeoutMs ?? 15_000,
    headers: {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${target.token}`,
      'x-github-api-version': '2022-11-28',
      'user-agent': 'mongo-cdc-platform-gitops',
    },
    validateStatus: () => true,
    proxy: false,
    // The token goes to the API URL and nowhere else.
    maxRedirects: 0,
    maxContentLength: MAX_RESPONSE_BYTES,
    maxBodyLength: MAX_RESPONSE_BYTES,
  });
  return async (method, url, schema, data) => {
    const signal = AbortSignal.timeout(deadlineMs);
    let response;
    try {
      response = await http.request({ method, url, data, signal });
    } catch (error) {
      throw new GitHubError(`${method} ${target.apiUrl}${url}: ${failureMessage(error, deadlineMs, signal)}`);
    }
    if (response.status >= 300 && response.status < 400) {
      throw new GitHubError(`${method} ${target.apiUrl}${url}: ${response.status} redirect to ${redirectHost(response.headers.location, target.apiUrl)} refused (the token is sent to the API URL only)`, response.status);
    }
    if (response.status >= 300) {
      const message = printable(String((response.data as { message?: unknown } | undefined)?.message ?? ''), { maxLength: 300 });
      const hint = response.status === 403 || response.status === 404 ? ' (does the job have `permissions: pull-requests: write`?)' : '';
      throw new GitHubError(`${method} ${target.apiUrl}${url}: ${response.status} ${message}${hint}`.trim(), response.status);
    }
    const parsed = schema.safeParse(response.data);
    if (!parsed.success) throw new GitHubError(`${method} ${target.apiUrl}${url}: unexpected response: ${parsed.error.issues[0]?.message ?? 'shape mismatch'}`, response.status);
    return parsed.data;
  };
}

/** The first comment that starts with the marker and was written by `author`: one planted by anyone else is not ours to edit. */
async function findMarkedComment(call: Call, issueComments: string, marker: string, author: string): Promise<number | undefined> {
  for (let page = 1; page <= MAX_PAGES; page++) {
    const comments = await call('GET', `${issueComments}?per_page=100&page=${page}`, commentsSchema);
    const found = comments.find((comment) => comment.user?.login === author && comment.body?.startsWith(marker));
    if (found) return found.id;
    if (comments.length < 100) return undefined;
  }
  return undefined;
}

/**
 * Creates the comment whose body starts with `marker`, or edits the first one found that its author
 * wrote. Returns what was done. Pages through the comments (100 per page, up to MAX_PAGES) so that a
 * busy pull request still finds it.
 */
export async function upsertMarkedComment(target: GitHubTarget, marker: string, body: string): Promise<{ action: 'created' | 'updated'; id: number; url: string }> {
  checkTarget(target);
  if (!body.startsWith(marker)) throw new GitHubError('the comment body must start with its marker, or the next run cannot find it');
  const call = createCall(target);
  const [owner, name] = target.repository.split('/') as [string, string];
  const repo = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
  const found = await findMarkedComment(call, `${repo}/issues/${target.pullRequest}/comments`, marker, target.commentAuthor ?? DEFAULT_COMMENT_AUTHOR);
  if (found !== undefined) {
    const updated = await call('PATCH', `${repo}/issues/comments/${found}`, commentSchema, { body });
    return { action: 'updated', id: updated.id, url: updated.html_url };
  }
  const created = await call('POST', `${repo}/issues/${target.pullRequest}/comments`, commentSchema, { body });
  return { action: 'created', id: created.id, url: created.html_url };
}
