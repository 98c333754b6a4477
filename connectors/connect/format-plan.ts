import type { Change, Plan } from './plan';
import { codeBlock, codeSpan, htmlText, printable } from './untrusted-text';

/**
 * Plan renderings: text for terminals, JSON for machines, Markdown for pull-request comments.
 * Connector names, field names and values come from the live worker as much as from the
 * repository: they are untrusted, so the text shows control characters instead of obeying them and
 * the Markdown keeps every one of them inside code the value cannot close.
 */

const SYMBOL: Record<Change['action'], string> = { create: '+', update: '~', delete: '-', pause: '‖', resume: '▶', stop: '■', none: ' ' };

export function planSummary(plan: Plan): string {
  const counts = new Map<string, number>();
  for (const change of plan.changes) counts.set(change.action, (counts.get(change.action) ?? 0) + 1);
  const parts = ['create', 'update', 'delete', 'pause', 'resume', 'stop'].filter((action) => counts.get(action)).map((action) => `${counts.get(action)} to ${action}`);
  return parts.length ? parts.join(', ') : 'no changes';
}

function destructive(plan: Plan): Array<{ connector: string; reason: string }> {
  return plan.changes.flatMap((change) => [...new Set(change.destructive)].map((reason) => ({ connector: change.connector, reason })));
}

/** The plan as `--output json` shows it (values masked as in the diff). */
export function planJson(plan: Plan): object {
  return {
    changes: plan.changes.map((change) => ({
      connector: change.connector,
      action: change.action,
      diff: change.diff,
      ...(change.then ? { then: change.then } : {}),
      ...(change.destructive.length ? { destructive: change.destructive } : {}),
      ...(change.failed ? { failed: change.failed } : {}),
    })),
    unmanaged: plan.unmanaged,
    orphaned: plan.orphaned,
    summary: planSummary(plan),
  };
}

export function formatPlanJson(plan: Plan): string {
  return JSON.stringify(planJson(plan), null, 2);
}

/** What `connectors apply --output json` reports: the plan it carried out, what it applied and what not. */
export interface ApplyReport {
  readonly plan: Plan;
  readonly applied: readonly Change[];
  readonly notApplied: readonly Change[];
  readonly restarted: readonly string[];
  /** The error that stopped the apply, as it may be shown (masked, escaped). */
  readonly error?: string;
}

export function formatApplyJson(report: ApplyReport): string {
  const changes = (list: readonly Change[]) => list.map((change) => ({ connector: change.connector, action: change.action }));
  return JSON.stringify(
    {
      ...planJson(report.plan),
      applied: changes(report.applied),
      notApplied: changes(report.notApplied),
      restarted: report.restarted,
      ...(report.error === undefined ? {} : { error: report.error }),
    },
    null,
    2,
  );
}

/**
 * The fields of a change as the text plan shows them: every attribute of a create (`+ key = "value"`,
 * as terraform shows a resource to be created), `before → after` for an update; none for a delete.
 * Values are the diff's, already masked (displayValue), and shown escaped.
 */
function fieldLines(change: Change, colour: { green(s: string): string; dim(s: string): string }): string[] {
  const shown = (value: string | undefined) => (value === undefined ? colour.dim('(unset)') : printable(JSON.stringify(value)));
  if (change.action === 'create') return change.diff.map((field) => `    ${colour.green('+')} ${printable(field.field)} = ${shown(field.after)}`);
  if (change.action === 'delete') return [];
  return change.diff.map((field) => `    ${printable(field.field)}: ${shown(field.before)} → ${shown(field.after)}`);
}

export function formatPlanText(plan: Plan, colour: { green(s: string): string; yellow(s: string): string; red(s: string): string; dim(s: string): string; bold(s: string): string }): string {
  const lines: string[] = [];
  for (const { connector, reason } of destructive(plan)) lines.push(colour.red(`! ${printable(connector)}: ${reason}`));
  if (lines.length) lines.push('');
  for (const change of plan.changes) {
    const paint = change.action === 'create' ? colour.green : change.action === 'delete' ? colour.red : change.action === 'none' ? colour.dim : colour.yellow;
    const then = change.then ? `, then ${change.then}` : '';
    // A connector created paused or stopped does not start consuming: worth seeing in review.
    const initially = change.action === 'create' && change.desiredState && change.desiredState !== 'RUNNING' ? `, ${change.desiredState}` : '';
    lines.push(paint(`${SYMBOL[change.action]} ${printable(change.connector)} (${change.action}${initially}${then})`));
    lines.push(...fieldLines(change, colour));
    if (change.failed) lines.push(colour.red(`    failed live: ${change.failed.connector ? 'connector ' : ''}${change.failed.tasks.length ? `tasks ${change.failed.tasks.join(',')}` : ''} (restart with --restart-failed)`));
  }
  if (plan.orphaned.length) lines.push(colour.dim(`managed but no longer defined (kept; --prune deletes them): ${plan.orphaned.map((name) => printable(name)).join(', ')}`));
  if (plan.unmanaged.length) lines.push(colour.dim(`not managed by this repository (never touched): ${plan.unmanaged.map((name) => printable(name)).join(', ')}`));
  lines.push(colour.bold(`Plan: ${planSummary(plan)}.`));
  return lines.join('\n');
}

/** A config value in a diff line: one line, capped (the comment has a size limit; the artifact has it whole). */
const MAX_VALUE_IN_COMMENT = 1_000;

const names = (connectors: readonly string[]) => connectors.map((name) => codeSpan(name)).join(', ');

function warningLines(plan: Plan): string[] {
  const risky = destructive(plan);
  if (!risky.length) return [];
  return ['> [!WARNING]', '> Destructive or re-snapshotting changes:', ...risky.map(({ connector, reason }) => `> - ${codeSpan(connector)}: ${reason}`), ''];
}

function changeTable(changed: readonly Change[]): string[] {
  const rows = changed.map((change) => {
    // A connector created paused or stopped does not start consuming: worth seeing in review.
    const state = change.action === 'create' && change.desiredState && change.desiredState !== 'RUNNING' ? ` (${change.desiredState})` : '';
    return `| ${codeSpan(change.connector, { inTable: true })} | ${change.action}${state}${change.then ? ` + ${change.then}` : ''} | ${change.diff.length} |`;
  });
  return ['| connector | action | fields |', '| --- | --- | --- |', ...rows, ''];
}

/** The fields of one change as a diff block no value can close, folded under its connector's name. */
function changeDetails(change: Change): string[] {
  const line = (sign: string, field: string, value: string) => `${sign} ${printable(field, { maxLength: 200 })}=${printable(value, { maxLength: MAX_VALUE_IN_COMMENT })}`;
  const diffLines = change.diff.flatMap((field) => [
    ...(field.before !== undefined ? [line('-', field.field, field.before)] : []),
    ...(field.after !== undefined ? [line('+', field.field, field.after)] : []),
  ]);
  return [`<details><summary><code>${htmlText(change.connector)}</code> — ${change.action}</summary>`, '', ...codeBlock(diffLines.join('\n'), 'diff'), '', '</details>', ''];
}

function failedLines(plan: Plan): string[] {
  const failed = plan.changes.filter((change) => change.failed);
  if (!failed.length) return [];
  const lines = failed.map((change) => {
    const parts = [change.failed!.connector ? 'connector' : '', change.failed!.tasks.length ? `tasks ${change.failed!.tasks.join(', ')}` : ''].filter(Boolean);
    return `- ${codeSpan(change.connector)}: ${parts.join(' and ')}`;
  });
  return ['Failed on the worker now (apply with `--restart-failed` restarts them):', ...lines, ''];
}

/**
 * @param exitCode when given, shown beside the summary at the top (pull-request comments: a reviewer
 *   sees at once whether the plan changes anything, as `plan -detailed-exitcode` would say).
 */
export function formatPlanMarkdown(plan: Plan, title: string, exitCode?: number): string {
  const lines = [`### ${title}`, '', ...warningLines(plan)];
  lines.push(`**${planSummary(plan)}**${exitCode === undefined ? '' : ` · exit code ${exitCode}`}`, '');
  const changed = plan.changes.filter((change) => change.action !== 'none');
  if (changed.length) lines.push(...changeTable(changed), ...changed.filter((change) => change.diff.length).flatMap(changeDetails));
  lines.push(...failedLines(plan));
  const unchanged = plan.changes.filter((change) => change.action === 'none').map((change) => change.connector);
  if (unchanged.length) lines.push(`Unchanged: ${names(unchanged)}`, '');
  if (plan.orphaned.length) lines.push(`Managed but no longer defined (kept without \`--prune\`): ${names(plan.orphaned)}`, '');
  if (plan.unmanaged.length) lines.push(`Not managed by this repository (never touched): ${names(plan.unmanaged)}`, '');
  return lines.join('\n');
}
