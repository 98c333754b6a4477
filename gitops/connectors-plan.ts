import path from 'node:path';
import type { Environment } from '../config';
import type { ConnectClient } from '../connectors/connect/client';
import { formatPlanMarkdown, formatPlanText } from '../connectors/connect/format-plan';
import { diff, hasChanges, type Plan } from '../connectors/connect/plan';
import { pipelines as allPipelines, type PipelineDefinition } from '../connectors/pipelines';
import type { RenderedConnector } from '../connectors/render';
import { formatIssue } from '../connectors/validate';
import { InvalidConnectorDefinitions, renderValidated } from '../connectors/connect/deploy';
import { EXIT } from '../connectors/connect/plan';
import { clientFor } from '../connectors/connect/environment-client';
import { codeBlock } from '../connectors/connect/untrusted-text';
import { shownText } from '../connectors/secrets';
import { maskUrlPassword } from '../config/secrets';

/**
 * `cdcctl gitops connectors-plan --env <name>`: the connectors plan of one environment as a
 * Markdown section for the pull-request comment (pr-comment.ts joins the sections). A plan that
 * cannot be made (invalid definition, worker unreachable) becomes a section that says why, so the
 * comment always tells the reviewer something.
 */

const plain = { green: String, yellow: String, red: String, dim: String, bold: String };

export interface PlanReportOptions {
  /** @default a client for the environment's worker, credentials from the variables its config names */
  readonly client?: ConnectClient;
  /** @default every pipeline of the repository */
  readonly pipelines?: readonly PipelineDefinition[];
  /** Plan deletes of managed connectors no longer defined. @default false */
  readonly prune?: boolean;
}

export interface PlanReport {
  readonly environment: string;
  /** 0 no changes, 2 changes, 1 the plan could not be made. */
  readonly exitCode: 0 | 1 | 2;
  readonly plan?: Plan;
  /** Why there is no plan: every validation error, or the one request that failed. */
  readonly problems: readonly string[];
  readonly markdown: string;
  readonly text: string;
}

export function sectionTitle(environment: string): string {
  return `Connectors plan: ${environment}`;
}

/** Each problem shown at most this long, and at most this many: a worker's error page is not the reviewer's to read. */
const MAX_PROBLEM_LENGTH = 500;
const MAX_PROBLEMS = 50;

/**
 * The section of a plan that could not be made. The problems carry what a server sent (a worker's
 * 502 page, say, which may quote a connection string): credentials masked, control characters
 * shown, not obeyed, each one capped, in a block they cannot close.
 */
function failedReport(environment: string, problems: readonly string[], what: string): PlanReport {
  const title = sectionTitle(environment);
  const shown = problems.slice(0, MAX_PROBLEMS).map((problem) => shownText(problem, MAX_PROBLEM_LENGTH));
  if (problems.length > MAX_PROBLEMS) shown.push(`… and ${problems.length - MAX_PROBLEMS} more`);
  const safeWhat = shownText(what, MAX_PROBLEM_LENGTH);
  return {
    environment,
    exitCode: EXIT.error,
    problems,
    text: `${title}: ${safeWhat}\n${shown.map((problem) => `  ${problem}`).join('\n')}`,
    markdown: [`### ${title}`, '', `**no plan** · exit code ${EXIT.error}`, '', '> [!CAUTION]', `> ${safeWhat}`, '', ...codeBlock(shown.join('\n')), ''].join('\n'),
  };
}

/** Renders, validates (nothing is sent when a definition is invalid), reads the worker once, diffs. */
export async function planEnvironment(environment: Environment, options: PlanReportOptions = {}): Promise<PlanReport> {
  const title = sectionTitle(environment.name);
  const failed = (problems: string[], what: string) => failedReport(environment.name, problems, what);
  let desired: readonly RenderedConnector[];
  try {
    desired = renderValidated(environment, options.pipelines ?? allPipelines).connectors;
  } catch (error) {
    if (error instanceof InvalidConnectorDefinitions) return failed(error.issues.map(formatIssue), `${error.issues.length} invalid field${error.issues.length === 1 ? '' : 's'}: no plan was made`);
    return failed([(error as Error).message], 'the connectors could not be rendered');
  }
  let plan: Plan;
  try {
    const client = options.client ?? clientFor(environment);
    plan = diff(desired, await client.listConnectors(), { managedPrefix: environment.managedConnectorPrefix, prune: options.prune });
  } catch (error) {
    return failed([(error as Error).message], `the worker at ${maskUrlPassword(environment.connect.url)} could not be read`);
  }
  const exitCode = hasChanges(plan) ? EXIT.changes : EXIT.ok;
  return {
    environment: environment.name,
    exitCode,
    plan,
    problems: [],
    text: `${title}\n${formatPlanText(plan, plain)}`,
    markdown: `${formatPlanMarkdown(plan, title, exitCode)}\n`,
  };
}
