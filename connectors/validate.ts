import type { ExactlyOnceSourceLevel } from '../config';
import { findPlugin } from './catalog';
import { chainFindings } from './catalog/chain';
import { converterFindingsOf } from './catalog/converters';
import { normaliseConfigValues } from './catalog/fields';
import { GENERATED } from './catalog/generated';
import { keyFindings } from './catalog/keys';
import type { Finding, PluginSpec } from './catalog/plugin';
import { credentialProblem, displayValue, shownText } from './secrets';

/**
 * One validation gate for typed definitions and hand-written JSON alike. Its verdicts follow the
 * pinned plugins: an error where the plugin (or Kafka Connect) would refuse the config or silently do
 * something other than what is written (removed keys, wrong types, invalid enum values, classes the
 * worker does not have), and for literal credentials by policy; a warning where the plugin accepts
 * the config but deprecates or ignores part of it. The config is checked by the plugin's schema
 * (keyed by `connector.class`) and its declared keys, its transform chain, its converters, and the
 * secrets rule. Every problem is reported, none stops the others from being found.
 */
export interface ValidationIssue {
  readonly connector: string;
  readonly field: string;
  readonly message: string;
  /** The offending value as it may be shown (credentials masked). */
  readonly value?: string;
  readonly severity: 'error' | 'warning';
}

export interface ValidateOptions {
  /**
   * Accept connector, transform, predicate and converter classes the pinned plugins and Kafka do not
   * ship (only the generic checks run for them). @default false
   */
  readonly allowUnknownClass?: boolean;
  /**
   * The workers' `exactly.once.source.support` (the environment's connect.exactlyOnceSource): at
   * `preparing`, a connector that requires exactly-once is refused. @default unknown: not checked
   */
  readonly workerExactlyOnceSource?: ExactlyOnceSourceLevel;
}

/** A message is shown at most this long: longer ones are a worker's or a library's, not ours. */
const MAX_MESSAGE_LENGTH = 2_000;

/**
 * `<connector>: <field>: <what is wrong> (got <value>)`, every part shown as outside text is
 * (shownText): a credential inside it masked, control characters and newlines escaped, so that a
 * name holding `\nerror: …` stays on its line; a name or value of any size cut to a few hundred
 * characters.
 */
export function formatIssue(issue: ValidationIssue): string {
  const got = issue.value === undefined ? '' : ` (got ${shownText(JSON.stringify(issue.value))})`;
  return `${shownText(issue.connector)}: ${shownText(issue.field)}: ${shownText(issue.message, MAX_MESSAGE_LENGTH)}${got}`;
}

/**
 * Why a connector name breaks Kafka Connect's REST API, or undefined. Connect refuses control
 * characters (ConnectorConfig's NonEmptyStringWithoutControlChars); it creates a connector named
 * `a/b`, which then can be neither read, updated nor deleted (Jetty 12 answers 400 "Ambiguous URI
 * path separator" to `a%2Fb`, issue 15 notes); `%` is an ambiguous encoding to Jetty too, and `?` and
 * `#` end the path of every URL built without escaping.
 */
export function connectorNameProblem(name: string): string | undefined {
  if (name.trim() === '') return 'must not be empty';
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return 'must not contain control characters: Kafka Connect refuses them';
  if (name !== name.trim()) return 'must not start or end with a space: the connector is created, and every command naming it without the space misses it';
  if (name.includes('/')) return 'must not contain "/": Kafka Connect creates the connector, but its REST API can then neither read, update nor delete it';
  const character = ['?', '#', '%'].find((reserved) => name.includes(reserved));
  return character && `must not contain "${character}": it breaks the connector's REST URL (/connectors/{name})`;
}

/** Accepts `{"name", "config": {…}}` (the body Connect takes) or a flat config carrying `name`. */
export function validateConnectorJson(json: unknown, options: ValidateOptions = {}, origin = '(input)'): ValidationIssue[] {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return [{ connector: origin, field: '(root)', message: 'must be a JSON object {"name": …, "config": {…}}', severity: 'error' }];
  }
  const body = json as Record<string, unknown>;
  const rawConfig = typeof body.config === 'object' && body.config !== null ? (body.config as Record<string, unknown>) : body;
  const name = typeof body.name === 'string' ? body.name : typeof rawConfig.name === 'string' ? rawConfig.name : undefined;
  const connector = name || origin;
  const issues: ValidationIssue[] = [];
  if (!name) issues.push({ connector, field: 'name', message: 'is required', severity: 'error' });
  const nameProblem = name ? connectorNameProblem(name) : undefined;
  if (nameProblem) issues.push({ connector, field: 'name', message: nameProblem, value: name, severity: 'error' });
  if (body.config !== undefined && (typeof body.config !== 'object' || body.config === null || Array.isArray(body.config))) {
    return [...issues, { connector, field: 'config', message: 'must be an object of string values', severity: 'error' }];
  }
  if (typeof rawConfig.name === 'string' && name && rawConfig.name !== name) {
    issues.push({ connector, field: 'config.name', message: `must equal the connector name "${name}"`, value: rawConfig.name, severity: 'error' });
  }
  const { config, problems } = normaliseConfigValues(rawConfig);
  for (const problem of problems) {
    issues.push({ connector, field: problem.field, message: 'must be a string, number or boolean', value: JSON.stringify(problem.value), severity: 'error' });
  }
  return [...issues, ...validateConnectorConfig(connector, config, options)];
}

function simpleName(className: string): string {
  return className.slice(className.lastIndexOf('.') + 1);
}

/** A connector class the worker does not have: the installed one of the same name when there is one. */
function unknownClassFinding(connectorClass: string): Finding {
  const namesake = [...GENERATED.values()].find(
    (definitions) => definitions.types.some((type) => type === 'source' || type === 'sink') && simpleName(definitions.pluginClass) === simpleName(connectorClass),
  )?.pluginClass;
  const otherVendor = namesake && namesake.split('.').slice(0, 2).join('.') !== connectorClass.split('.').slice(0, 2).join('.');
  const suggestion = namesake ? `: did you mean ${namesake}?${otherVendor ? ' (another plugin: its keys differ)' : ''}` : '';
  return {
    field: 'connector.class',
    severity: 'error',
    message: `is not a connector the pinned plugins ship, so the worker refuses the config${suggestion} (pass --allow-unknown-class to check only the generic rules)`,
  };
}

/** The plugin's hand-written schema, its keys against what it declares, and its own warnings. */
function pluginFindings(plugin: PluginSpec, config: Readonly<Record<string, string>>): Finding[] {
  const result = plugin.schema.safeParse(config);
  const schemaFindings: Finding[] = (result.error?.issues ?? []).map((zodIssue) => {
    const field = zodIssue.path.length ? zodIssue.path.map(String).join('.') : '(config)';
    return { field, severity: 'error', message: zodIssue.code === 'invalid_type' && config[field] === undefined ? 'is required' : zodIssue.message };
  });
  return [...schemaFindings, ...keyFindings(plugin, config), ...(plugin.warnings?.(config) ?? [])];
}

/** Credentials: whatever the plugin, a credential key holds only a placeholder, and no value embeds a password. */
function credentialFindings(connectorClass: string | undefined, config: Readonly<Record<string, string>>): Finding[] {
  return Object.entries(config).flatMap(([key, value]) => {
    const problem = credentialProblem(connectorClass, key, value);
    return problem ? [{ field: key, severity: 'error' as const, message: problem }] : [];
  });
}

function classFindings(connectorClass: string | undefined, config: Readonly<Record<string, string>>, options: ValidateOptions): Finding[] {
  if (!connectorClass) return [{ field: 'connector.class', severity: 'error', message: 'is required' }];
  const plugin = findPlugin(connectorClass);
  if (plugin) return pluginFindings(plugin, config);
  return options.allowUnknownClass ? [] : [unknownClassFinding(connectorClass)];
}

/**
 * What the workers would refuse whatever the plugin: `exactly.once.support=required` while they are
 * at KIP-618's `preparing` step (Kafka's validation answers "This worker does not have exactly-once
 * source support enabled."), found before anything is sent.
 */
function workerFindings(config: Readonly<Record<string, string>>, options: ValidateOptions): Finding[] {
  const required = config['exactly.once.support']?.trim().toLowerCase() === 'required';
  if (!required || options.workerExactlyOnceSource !== 'preparing') return [];
  return [
    {
      field: 'exactly.once.support',
      severity: 'error',
      message:
        "requires exactly-once source support, which the workers do not run yet: connect.exactlyOnceSource is 'preparing' (the first of KIP-618's two rolling steps), where Kafka Connect refuses the connector. Leave the key out until every worker runs 'enabled'",
    },
  ];
}

export function validateConnectorConfig(connector: string, config: Readonly<Record<string, string>>, options: ValidateOptions = {}): ValidationIssue[] {
  const connectorClass = config['connector.class']?.trim() || undefined;
  const findings = [
    ...classFindings(connectorClass, config, options),
    ...(connectorClass ? [...chainFindings(config, options), ...converterFindingsOf(config, options)] : []),
    ...credentialFindings(connectorClass, config),
    ...workerFindings(config, options),
  ];
  return findings.map((finding) => ({ connector, ...finding, value: displayValue(connectorClass, finding.field, config[finding.field]) }));
}
