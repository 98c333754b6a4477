import type { Environment } from '../config';
import type { FieldChange, Plan } from '../connectors/connect/plan';
import { EXIT } from '../connectors/connect/plan';
import { planEnvironment, type PlanReportOptions } from './connectors-plan';

/**
 * `cdcctl gitops drift --env <name>`: the scheduled check that the live workers still run what
 * main defines. The same plan as a pull request's, read the other way round: every difference is
 * something changed behind the repository's back. Exit 2 on drift (the job fails), 1 on error.
 */

export interface DriftItem {
  readonly connector: string;
  readonly kind: 'config' | 'state' | 'missing' | 'not-in-main';
  /** For `config`: each drifted field, `before` the live value and `after` main's. */
  readonly fields: readonly FieldChange[];
  /** For `state`: the state main wants. */
  readonly wantedState?: string;
}

export interface DriftReport {
  readonly environment: string;
  readonly exitCode: 0 | 1 | 2;
  readonly drifted: readonly DriftItem[];
  readonly text: string;
  readonly markdown: string;
}

const quote = (value: string | undefined) => (value === undefined ? '(unset)' : JSON.stringify(value));

/** Plan → what drifted. Managed connectors main no longer defines are drift too (someone created them). */
export function driftOf(plan: Plan): DriftItem[] {
  const drifted: DriftItem[] = [];
  for (const change of plan.changes) {
    if (change.action === 'create') drifted.push({ connector: change.connector, kind: 'missing', fields: [] });
    else if (change.action === 'delete') drifted.push({ connector: change.connector, kind: 'not-in-main', fields: [] });
    else if (change.action === 'update') drifted.push({ connector: change.connector, kind: 'config', fields: change.diff, ...(change.then ? { wantedState: change.desiredState } : {}) });
    else if (change.action !== 'none') drifted.push({ connector: change.connector, kind: 'state', fields: [], wantedState: change.desiredState });
  }
  for (const name of plan.orphaned) drifted.push({ connector: name, kind: 'not-in-main', fields: [] });
  return drifted.sort((a, b) => a.connector.localeCompare(b.connector));
}

export function describeDrift(item: DriftItem): string[] {
  switch (item.kind) {
    case 'missing':
      return [`${item.connector}: missing on the worker (main defines it)`];
    case 'not-in-main':
      return [`${item.connector}: on the worker under the managed prefix, but main does not define it`];
    case 'state':
      return [`${item.connector}: state differs: main wants ${item.wantedState}`];
    case 'config':
      return [
        ...item.fields.map((field) => `${item.connector}: ${field.field}: live ${quote(field.before)}, main ${quote(field.after)}`),
        ...(item.wantedState ? [`${item.connector}: state differs too: main wants ${item.wantedState}`] : []),
      ];
  }
}

export async function detectDrift(environment: Environment, options: PlanReportOptions = {}): Promise<DriftReport> {
  const report = await planEnvironment(environment, options);
  const heading = `Connectors drift: ${environment.name}`;
  if (!report.plan) {
    return { environment: environment.name, exitCode: EXIT.error, drifted: [], text: report.text, markdown: report.markdown.replace(/^### .*$/m, `### ${heading}`) };
  }
  const drifted = driftOf(report.plan);
  if (drifted.length === 0) {
    const line = `no drift in ${environment.name}: the worker at ${environment.connect.url} runs what main defines`;
    return { environment: environment.name, exitCode: EXIT.ok, drifted, text: line, markdown: `### ${heading}\n\n${line}\n` };
  }
  const lines = drifted.flatMap(describeDrift);
  const text = [`drift in ${environment.name}: ${drifted.length} connector${drifted.length === 1 ? '' : 's'} differ from main (${environment.connect.url})`, ...lines.map((line) => `  ${line}`),
    '  fix: revert the change on the worker by running the connectors workflow on main (apply), or change main to match'].join('\n');
  const markdown = [`### ${heading}`, '', '> [!WARNING]', `> ${drifted.length} connector${drifted.length === 1 ? '' : 's'} differ from main`, '', ...lines.map((line) => `- ${line}`), '', report.markdown.replace(/^### .*$/m, '#### The plan that would put main back'), ''].join('\n');
  return { environment: environment.name, exitCode: EXIT.changes, drifted, text, markdown };
}
