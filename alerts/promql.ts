/**
 * Small PromQL helpers: selectors built from values (quoted and escaped once, here) and the metric
 * names an expression reads (what the live metric test and the MSK name check compare).
 */

/** `name="value"` with the value escaped as a PromQL string. */
export function equals(label: string, value: string): string {
  return `${label}=${JSON.stringify(value)}`;
}

/** `name=~"a|b"` matching exactly these values (regex characters escaped). */
export function oneOf(label: string, values: readonly string[]): string {
  if (values.length === 0) throw new Error(`oneOf(${label}): needs at least one value (got none)`);
  const alternatives = values.map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return `${label}=~${JSON.stringify(alternatives.join('|'))}`;
}

/** `metric{matcher,…}`; matchers are already formatted (`equals`, `oneOf`, or a literal). */
export function series(metric: string, ...matchers: readonly (string | undefined)[]): string {
  const present = matchers.filter((matcher): matcher is string => Boolean(matcher));
  return present.length ? `${metric}{${present.join(',')}}` : metric;
}

const KEYWORDS = new Set([
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan',
  // aggregation parameters that look like identifiers
  'atan2',
]);

/**
 * The metric names an expression reads: identifiers that are neither functions, keywords, label
 * names (inside `{…}` or `by/on/without/ignoring/group_*(…)`), strings, durations nor numbers.
 * Recording-rule names (with `:`) are included; callers separate them from exported metrics.
 */
export function metricNames(expr: string): string[] {
  let text = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""'); // strings
  text = text.replace(/\{[^}]*\}/g, ' '); // label matchers
  text = text.replace(/\[[^\]]*\]/g, ' '); // range and subquery durations
  // Keywords are case-insensitive in PromQL (`ON (x)` is `on (x)`), as KEYWORDS is read below.
  text = text.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, ' '); // label lists
  // `offset 5m` needs no removal: `offset` is a keyword and a duration's units follow a digit (500ms, 1h30m).
  const names = new Set<string>();
  const identifier = /([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/g;
  for (let match = identifier.exec(text); match; match = identifier.exec(text)) {
    const [, name, call] = match;
    if (!name || call || KEYWORDS.has(name.toLowerCase())) continue;
    const before = text[match.index - 1];
    if (before && /[0-9.]/.test(before)) continue; // the exponent or unit of a number: 1e3, 5m
    names.add(name);
  }
  return [...names].sort();
}

/** Names Prometheus itself creates (scrape health), present wherever anything is scraped. */
export const SYNTHETIC_METRICS: ReadonlySet<string> = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);

export function isRecordingRuleName(name: string): boolean {
  return name.includes(':');
}
