import type { ContractChange } from '../connectors/contracts/compatibility';
import { hasPendingChanges, type PendingChanges } from './schema-migration';

/**
 * The "Contract changes" section of `connectors plan`: what changed in the pipelines' contracts
 * that no warehouse migration implements yet, each change compatible (a new nullable column, a wider
 * type) or breaking (a column dropped or renamed, a type narrowed, nullability tightened). A breaking
 * change without its migration is refused: the plan exits 1. Pure: text in the plan's formats.
 */
export interface ContractPlanSection {
  readonly text: string;
  /** A breaking change comes without a migration. */
  readonly refuse: boolean;
}

type Paint = (text: string) => string;
export interface Painter {
  readonly red: Paint;
  readonly green: Paint;
  readonly yellow: Paint;
  readonly bold: Paint;
}

const PLAIN: Painter = { red: (t) => t, green: (t) => t, yellow: (t) => t, bold: (t) => t };

function changeLine(change: ContractChange, paint: Painter, markdown: boolean): string {
  const tag = change.compatibility === 'breaking' ? paint.red('breaking') : paint.green('compatible');
  return markdown ? `- **${change.compatibility}** \`${change.pipeline}\`: ${change.description}` : `  ${tag.padEnd(10)} ${change.pipeline}: ${change.description}`;
}

export function contractPlanSection(pending: PendingChanges, migratedUpTo: string, format: 'text' | 'markdown', paint: Painter = PLAIN): ContractPlanSection {
  const markdown = format === 'markdown';
  const title = markdown ? '### Contract changes' : paint.bold('Contract changes');
  if (!hasPendingChanges(pending)) {
    return { text: `${title}\n${markdown ? '' : '  '}none pending: the warehouse migrations implement the contracts (up to ${migratedUpTo})`, refuse: false };
  }
  const breaking = pending.contract.some((change) => change.compatibility === 'breaking');
  const other = [
    ...pending.regenerated.map((name) => `${name}: the generated warehouse SQL changed`),
    ...(pending.sharedChanged ? ['the shared cdc functions changed'] : []),
    ...(pending.viewsChanged ? ['a reporting view changed'] : []),
  ].map((line) => (markdown ? `- ${line}` : `  ${paint.yellow('changed').padEnd(10)} ${line}`));
  const verdict = breaking
    ? paint.red('refused: a breaking contract change needs its warehouse migration (cdcctl schema migration --name …) in the same change')
    : paint.yellow('no warehouse migration yet: cdcctl schema migration --name … writes it');
  return { text: [title, ...pending.contract.map((change) => changeLine(change, paint, markdown)), ...other, markdown ? `\n${verdict}` : `  ${verdict}`].join('\n'), refuse: breaking };
}
