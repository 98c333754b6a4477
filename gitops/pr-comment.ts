import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ENVIRONMENT_NAMES } from '../config';
import { DEFAULT_COMMENT_AUTHOR, fitCommentBody, markerComment, pullRequestNumber, upsertMarkedComment } from './github';

/**
 * `cdcctl gitops pr-comment --marker connectors-plan --title … --sections <dir>`: joins the
 * per-environment sections the plan jobs wrote into ONE pull-request comment, edited in place on
 * every push (found by its hidden marker and its author).
 */

export interface CommentContext {
  /** The commit planned (`GITHUB_SHA`; for a pull request, the merge commit). */
  readonly sha?: string;
  /** Link to the workflow run, where the artifacts and the full logs are. */
  readonly runUrl?: string;
  /** Artifact names worth pointing at (the rendered JSON, say). */
  readonly artifacts?: readonly string[];
}

/** Orders sections as the environments are promoted (local, staging, production), unknown names last. */
export function orderSections(files: readonly string[]): string[] {
  const rank = (file: string) => {
    const index = ENVIRONMENT_NAMES.indexOf(path.basename(file, '.md'));
    return index === -1 ? ENVIRONMENT_NAMES.length : index;
  };
  return [...files].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function composeComment(markerId: string, title: string, sections: readonly string[], context: CommentContext = {}): string {
  const marker = markerComment(markerId);
  const footer = [
    context.sha ? `commit \`${context.sha.slice(0, 12)}\`` : '',
    context.runUrl ? `[workflow run](${context.runUrl})` : '',
    context.artifacts?.length ? `artifacts: ${context.artifacts.map((name) => `\`${name}\``).join(', ')}` : '',
  ].filter(Boolean);
  const body = [
    marker,
    `## ${title}`,
    '',
    sections.length ? sections.map((section) => section.trim()).join('\n\n---\n\n') : '_No environment produced a plan: see the workflow run._',
    '',
    footer.length ? `<sub>${footer.join(' · ')} · updated in place on every push</sub>` : '',
    '',
  ].join('\n');
  return fitCommentBody(body, `truncated: GitHub keeps comments under 65,536 characters; the full plans are in the workflow run's summary`);
}

export function contextFromActions(environment: NodeJS.ProcessEnv = process.env): CommentContext {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = environment;
  return {
    sha: environment.GITHUB_SHA,
    runUrl: server && repository && runId ? `${server}/${repository}/actions/runs/${runId}` : undefined,
  };
}

export async function readSections(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const files = orderSections(names.filter((name) => name.endsWith('.md')).map((name) => path.join(dir, name)));
  return Promise.all(files.map((file) => readFile(file, 'utf8')));
}

export interface PublishTarget {
  readonly marker: string;
  readonly body: string;
}

/**
 * Creates or updates the marked comment on the pull request of the workflow's event (`GITHUB_*`
 * variables). Only a comment of the token's own login is edited: `GITOPS_COMMENT_AUTHOR` names it
 * when the token is not the workflow's GITHUB_TOKEN (a GitHub App's, say).
 */
export async function publishComment(target: PublishTarget, environment: NodeJS.ProcessEnv = process.env): Promise<{ action: string; url: string }> {
  const { GITHUB_TOKEN: token = '', GITHUB_REPOSITORY: repository = '', GITHUB_API_URL: apiUrl = 'https://api.github.com', GITHUB_EVENT_PATH: eventPath } = environment;
  const commentAuthor = environment.GITOPS_COMMENT_AUTHOR || DEFAULT_COMMENT_AUTHOR;
  const event = eventPath ? JSON.parse(await readFile(eventPath, 'utf8')) : undefined;
  const pullRequest = pullRequestNumber(event);
  if (pullRequest === undefined) throw new Error(`GITHUB_EVENT_PATH: not a pull-request event (got ${eventPath ?? 'no event file'}); use --dry-run outside a pull request`);
  return upsertMarkedComment({ apiUrl, repository, pullRequest, token, commentAuthor }, markerComment(target.marker), target.body);
}
