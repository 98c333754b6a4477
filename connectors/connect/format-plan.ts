import type { Change, Plan } from './plan';

/** Plan renderings: text for terminals, JSON for machines, Markdown for pull-request comments. */

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

export function formatPlanJson(plan: Plan): string {
  return JSON.stringify(
    {
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
    },
    null,
    2,
  );
}

export function formatPlanText(plan: Plan, colour: { green(s: string): string; yellow(s: string): string; red(s: string): string; dim(s: string): string; bold(s: string): string }): string {
  const lines: string[] = [];
  for (const { connector, reason } of destructive(plan)) lines.push(colour.red(`! ${connector}: ${reason}`));
  if (lines.length) lines.push('');
  for (const change of plan.changes) {
    const paint = change.action === 'create' ? colour.green : change.action === 'delete' ? colour.red : change.action === 'none' ? colour.dim : colour.yellow;
    const then = change.then ? `, then ${change.then}` : '';
    lines.push(paint(`${SYMBOL[change.action]} ${change.connector} (${change.action}${then})`));
    for (const field of change.diff) {
      if (change.action === 'create' || change.action === 'delete') continue;
      lines.push(`    ${field.field}: ${field.before === undefined ? colour.dim('(unset)') : JSON.stringify(field.before)} → ${field.after === undefined ? colour.dim('(unset)') : JSON.stringify(field.after)}`);
    }
    if (change.failed) lines.push(colour.red(`    failed live: ${change.failed.connector ? 'connector ' : ''}${change.failed.tasks.length ? `tasks ${change.failed.tasks.join(',')}` : ''} (restart with --restart-failed)`));
  }
  if (plan.orphaned.length) lines.push(colour.dim(`managed but no longer defined (kept; --prune deletes them): ${plan.orphaned.join(', ')}`));
  if (plan.unmanaged.length) lines.push(colour.dim(`not managed by this repository (never touched): ${plan.unmanaged.join(', ')}`));
  lines.push(colour.bold(`Plan: ${planSummary(plan)}.`));
  return lines.join('\n');
}

/**
 * @param exitCode when given, shown beside the summary at the top (pull-request comments: a reviewer
 *   sees at once whether the plan changes anything, as `plan -detailed-exitcode` would say).
 */
export function formatPlanMarkdown(plan: Plan, title: string, exitCode?: number): string {
  const lines = [`### ${title}`, ''];
  const risky = destructive(plan);
  if (risky.length) {
    lines.push('> [!WARNING]', '> Destructive or re-snapshotting changes:');
    for (const { connector, reason } of risky) lines.push(`> - \`${connector}\`: ${reason}`);
    lines.push('');
  }
  lines.push(`**${planSummary(plan)}**${exitCode === undefined ? '' : ` · exit code ${exitCode}`}`, '');
  const changed = plan.changes.filter((change) => change.action !== 'none');
  if (changed.length) {
    lines.push('| connector | action | fields |', '| --- | --- | --- |');
    for (const change of changed) {
      // A connector created paused or stopped does not start consuming: worth seeing in review.
      const state = change.action === 'create' && change.desiredState && change.desiredState !== 'RUNNING' ? ` (${change.desiredState})` : '';
      lines.push(`| \`${change.connector}\` | ${change.action}${state}${change.then ? ` + ${change.then}` : ''} | ${change.diff.length} |`);
    }
    lines.push('');
    for (const change of changed.filter((candidate) => candidate.diff.length)) {
      lines.push(`<details><summary><code>${change.connector}</code> — ${change.action}</summary>`, '', '```diff');
      for (const field of change.diff) {
        if (field.before !== undefined) lines.push(`- ${field.field}=${field.before}`);
        if (field.after !== undefined) lines.push(`+ ${field.field}=${field.after}`);
      }
      lines.push('```', '', '</details>', '');
    }
  }
  const failed = plan.changes.filter((change) => change.failed);
  if (failed.length) {
    lines.push('Failed on the worker now (apply with `--restart-failed` restarts them):');
    for (const change of failed) {
      const parts = [change.failed!.connector ? 'connector' : '', change.failed!.tasks.length ? `tasks ${change.failed!.tasks.join(', ')}` : ''].filter(Boolean);
      lines.push(`- \`${change.connector}\`: ${parts.join(' and ')}`);
    }
    lines.push('');
  }
  const unchanged = plan.changes.filter((change) => change.action === 'none').map((change) => `\`${change.connector}\``);
  if (unchanged.length) lines.push(`Unchanged: ${unchanged.join(', ')}`, '');
  if (plan.orphaned.length) lines.push(`Managed but no longer defined (kept without \`--prune\`): ${plan.orphaned.map((name) => `\`${name}\``).join(', ')}`, '');
  if (plan.unmanaged.length) lines.push(`Not managed by this repository (never touched): ${plan.unmanaged.map((name) => `\`${name}\``).join(', ')}`, '');
  return lines.join('\n');
}
