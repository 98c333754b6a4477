import { declaredOptionFindings, nearestKey } from './declared';
import { GENERATED, type GeneratedPluginDefinitions, type PluginType } from './generated';
import type { Finding } from './plugin';
import { findPredicate, findTransform, MISSING_TRANSFORMS, type OptionRules } from './transforms';

/**
 * The transform chain of a connector as Kafka Connect reads it: every alias in `transforms` and
 * `predicates` needs a type installed on the worker (every class the pinned plugins and Kafka ship is
 * in catalog/generated/), its options are checked against what the class declares plus the
 * hand-written rules of transforms.ts, and a predicate a transform names must be defined.
 */
export interface ChainOptions {
  /** Accept transform and predicate classes the worker of the pinned plugins does not have: their options go unchecked. @default false */
  readonly allowUnknownClass?: boolean;
}

type ChainKind = 'transforms' | 'predicates';

/** Connect's own options of every transform (ConnectorConfig: `predicate`, `negate`) and of every alias (`type`). */
const CONNECT_TRANSFORM_OPTIONS = ['type', 'predicate', 'negate'];

function aliases(value: string | undefined): string[] {
  return (value ?? '').split(',').map((alias) => alias.trim()).filter(Boolean);
}

function optionsOf(config: Readonly<Record<string, string>>, prefix: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config)
      .filter(([key]) => key.startsWith(prefix) && key !== `${prefix}type`)
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
}

function simpleName(className: string): string {
  return className.slice(className.lastIndexOf('.') + 1);
}

function installed(type: string, pluginType: PluginType): GeneratedPluginDefinitions | undefined {
  const definitions = GENERATED.get(type);
  return definitions?.types.includes(pluginType) ? definitions : undefined;
}

/** Why a class is not there, naming what to use when the catalog knows it. */
function notInstalledMessage(kind: ChainKind, type: string, pluginType: PluginType): string {
  const what = kind === 'transforms' ? 'transform' : 'predicate';
  const instead = MISSING_TRANSFORMS[type] ?? [...GENERATED.values()].find((definitions) => definitions.types.includes(pluginType) && simpleName(definitions.pluginClass) === simpleName(type))?.pluginClass;
  const suggestion = instead ? `: use ${instead}` : ' (pass --allow-unknown-class if the worker has it from elsewhere)';
  return `is not a ${what} the pinned plugins or Kafka ship, so the worker refuses the config${suggestion}`;
}

function duplicateAliasFindings(kind: ChainKind, list: readonly string[]): Finding[] {
  return list.filter((alias, index) => list.indexOf(alias) !== index).map((alias) => ({ field: kind, severity: 'error' as const, message: `alias "${alias}" is listed twice` }));
}

function ruleFindings(rules: OptionRules | undefined, options: Readonly<Record<string, string>>, prefix: string): Finding[] {
  return (rules?.schema.safeParse(options).error?.issues ?? []).map((issue) => {
    const option = issue.path.join('.');
    return { field: `${prefix}${option}`, severity: 'error' as const, message: options[option] === undefined ? 'is required' : issue.message };
  });
}

interface AliasCheck {
  readonly kind: ChainKind;
  readonly alias: string;
  readonly config: Readonly<Record<string, string>>;
  readonly allowUnknownClass: boolean;
}

/** One alias: its type, then its options against the declared definitions and the hand-written rules. */
function aliasFindings({ kind, alias, config, allowUnknownClass }: AliasCheck): Finding[] {
  const prefix = `${kind}.${alias}.`;
  const type = config[`${prefix}type`]?.trim();
  if (!type) return [{ field: `${prefix}type`, severity: 'error', message: `is required for every alias in ${kind}` }];
  const pluginType: PluginType = kind === 'transforms' ? 'transformation' : 'predicate';
  const definitions = installed(type, pluginType);
  if (!definitions) return allowUnknownClass ? [] : [{ field: `${prefix}type`, severity: 'error', message: notInstalledMessage(kind, type, pluginType) }];
  const options = optionsOf(config, prefix);
  const transform = kind === 'transforms' ? findTransform(type) : undefined;
  const rules = transform ? transform.rules : findPredicate(type)?.rules;
  const removed = Object.entries(transform?.removedOptions ?? {})
    .filter(([option]) => option in options)
    .map(([option, advice]) => ({ field: `${prefix}${option}`, severity: 'error' as const, message: `is no longer supported by ${simpleName(type)}: use ${advice(options)}` }));
  const remaining = Object.fromEntries(Object.entries(options).filter(([option]) => !(option in (transform?.removedOptions ?? {}))));
  const declared = declaredOptionFindings({
    prefix,
    options: remaining,
    definitions,
    title: simpleName(type),
    typed: rules?.typed,
    alsoKnown: [...(kind === 'transforms' ? CONNECT_TRANSFORM_OPTIONS : ['type']), ...(transform?.undeclaredOptions ?? [])],
  });
  return [...removed, ...ruleFindings(rules, remaining, prefix), ...declared, ...predicateReferenceFindings(prefix, options, config, transform?.requiresPredicate)];
}

function predicateReferenceFindings(prefix: string, options: Readonly<Record<string, string>>, config: Readonly<Record<string, string>>, requiresPredicate = false): Finding[] {
  const predicate = options.predicate?.trim();
  if (predicate !== undefined && !aliases(config.predicates).includes(predicate)) {
    return [{ field: `${prefix}predicate`, severity: 'error', message: 'names a predicate that is not listed in predicates' }];
  }
  if (requiresPredicate && predicate === undefined) return [{ field: `${prefix}predicate`, severity: 'error', message: 'is required: a Filter without a predicate drops every record' }];
  if (options.negate !== undefined && !/^\s*(true|false)\s*$/i.test(options.negate)) return [{ field: `${prefix}negate`, severity: 'error', message: 'must be "true" or "false"' }];
  return [];
}

/** Keys for aliases that are not in the chain: Connect ignores them silently, so a typo to report. */
function strayAliasFindings(config: Readonly<Record<string, string>>, listed: Readonly<Record<ChainKind, readonly string[]>>): Finding[] {
  return Object.keys(config).flatMap((key) => {
    const match = /^(transforms|predicates)\.([^.]+)\./.exec(key);
    if (!match || listed[match[1] as ChainKind].includes(match[2]!)) return [];
    const nearest = nearestKey(listed[match[1] as ChainKind], match[2]!);
    return [{ field: key, severity: 'error' as const, message: `belongs to alias "${match[2]}", which is not listed in ${match[1]}${nearest ? ` (did you mean "${nearest}"?)` : ''}` }];
  });
}

export function chainFindings(config: Readonly<Record<string, string>>, options: ChainOptions = {}): Finding[] {
  const listed = { transforms: aliases(config.transforms), predicates: aliases(config.predicates) };
  const allowUnknownClass = Boolean(options.allowUnknownClass);
  return [
    ...duplicateAliasFindings('transforms', listed.transforms),
    ...duplicateAliasFindings('predicates', listed.predicates),
    ...[...new Set(listed.predicates)].flatMap((alias) => aliasFindings({ kind: 'predicates', alias, config, allowUnknownClass })),
    ...[...new Set(listed.transforms)].flatMap((alias) => aliasFindings({ kind: 'transforms', alias, config, allowUnknownClass })),
    ...strayAliasFindings(config, listed),
  ];
}
