import vm from 'node:vm';

/**
 * A sink's `topics.regex` is a Java regular expression, read from the live worker; here JavaScript
 * evaluates it. What the two engines read alike is evaluated, with a time budget; the rest is
 * refused with the reason, never guessed at: Java-only syntax (a possessive quantifier, an inline
 * flag, `\Q…\E`, `\p{…}`) would crash or silently mean something else, and a quantified group
 * holding a quantifier (`(a+)+`) backtracks exponentially.
 */

export const TOPICS_REGEX_LIMITS = {
  /** Longer patterns are refused. */
  patternLength: 1_000,
  /** One topic matched against one pattern, at most (a pattern refused below never gets here). */
  matchBudgetMs: 100,
  /** Kafka's own limit on a topic name. */
  topicLength: 249,
} as const;

/** Escapes both engines read alike (the classes, control characters, hex and Unicode, escaped punctuation). */
const PORTABLE_ESCAPE = /^(?:[dDsSwWbBtnrf]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[\\^$.|?*+()[\]{}/\-])/;
const GROUP_OPENINGS = ['(?:', '(?=', '(?!', '(?<=', '(?<!'];
const QUANTIFIER = /^(?:[*+?]|\{\d+(?:,\d*)?\})/;

interface Group {
  /** A variable quantifier somewhere inside: repeating the group repeats a choice of how many. */
  quantified: boolean;
}

/** The escape at `at` (the character after the backslash): its length, or why it is refused. */
function escapeAt(pattern: string, at: number): number | string {
  const escape = PORTABLE_ESCAPE.exec(pattern.slice(at, at + 5))?.[0];
  if (escape) return escape.length + 1;
  return `the escape \\${pattern[at] ?? ''} means something else in Java than in JavaScript (or nothing in one of them)`;
}

/** A character class from `at` (its `[`): its length, or why it is refused (Java nests classes and intersects them with &&). */
function classAt(pattern: string, at: number): number | string {
  let index = at + 1;
  if (pattern[index] === '^') index += 1;
  if (pattern[index] === ']') return 'a class starting with ] reads differently in Java and JavaScript';
  while (index < pattern.length && pattern[index] !== ']') {
    if (pattern[index] === '[') return 'a class inside a class ([a[b]]) is Java-only';
    if (pattern.startsWith('&&', index)) return 'a class intersection (&&) is Java-only';
    if (pattern[index] === '\\') {
      const length = escapeAt(pattern, index + 1);
      if (typeof length === 'string') return length;
      index += length;
    } else index += 1;
  }
  return index - at + 1;
}

/** The group opening at `at`: its length, or why it is refused. */
function groupOpeningAt(pattern: string, at: number): number | string {
  if (pattern[at + 1] !== '?') return 1;
  const opening = GROUP_OPENINGS.find((candidate) => pattern.startsWith(candidate, at));
  if (opening) return opening.length;
  const named = /^\(\?<[A-Za-z][A-Za-z0-9]*>/.exec(pattern.slice(at, at + 40))?.[0];
  if (named) return named.length;
  return `the group ${pattern.slice(at, at + 4)}… is Java-only (an inline flag or an atomic group)`;
}

interface Quantifier {
  readonly length: number;
  /** The atom may occur more than once. */
  readonly repeats: boolean;
  /** How many times is the engine's choice (not `{n}`): the source of backtracking. */
  readonly variable: boolean;
}

/** The quantifier at `at`, if any, or why it is refused. */
function quantifierAt(pattern: string, at: number): Quantifier | string | undefined {
  const quantifier = QUANTIFIER.exec(pattern.slice(at, at + 24))?.[0];
  if (!quantifier) return undefined;
  const next = pattern[at + quantifier.length];
  if (next === '+') return `the possessive quantifier ${quantifier}+ is Java-only`;
  const length = quantifier.length + (next === '?' ? 1 : 0);
  const bounds = /^\{(\d+)(?:(,)(\d*))?\}$/.exec(quantifier);
  if (!bounds) return { length, repeats: quantifier !== '?', variable: true };
  const [, low, comma, high] = bounds;
  const most = comma === undefined ? Number(low) : high === '' ? Infinity : Number(high);
  return { length, repeats: most > 1, variable: most !== Number(low) };
}

/** One element of the pattern at `at` (escape, class, group opening or closing, other character): its length, or why it is refused. */
function elementAt(pattern: string, at: number, groups: Group[]): number | string {
  const character = pattern[at];
  if (character === '\\') {
    if (/^[1-9]/.test(pattern[at + 1] ?? '')) return 'a back-reference can take exponential time';
    return escapeAt(pattern, at + 1);
  }
  if (character === '[') return classAt(pattern, at);
  if (character === '(') {
    const length = groupOpeningAt(pattern, at);
    if (typeof length === 'number') groups.push({ quantified: false });
    return length;
  }
  return 1;
}

/**
 * Why JavaScript cannot evaluate this Java pattern safely and as Java would, or undefined. Scans it
 * once, element by element, keeping for each open group whether a quantifier occurs inside it.
 */
export function topicsRegexProblem(pattern: string): string | undefined {
  if (pattern.length > TOPICS_REGEX_LIMITS.patternLength) return `longer than ${TOPICS_REGEX_LIMITS.patternLength} characters`;
  const groups: Group[] = [{ quantified: false }];
  for (let at = 0; at < pattern.length; ) {
    const closing = pattern[at] === ')' && groups.length > 1 ? groups.pop() : undefined;
    const length = closing ? 1 : elementAt(pattern, at, groups);
    if (typeof length === 'string') return length;
    at += length;
    const quantifier = quantifierAt(pattern, at);
    if (typeof quantifier === 'string') return quantifier;
    if (quantifier && closing?.quantified && quantifier.repeats && quantifier.variable) return `the repeated group ending at character ${at} holds a quantifier itself (as in (a+)+): exponential backtracking`;
    if (quantifier) at += quantifier.length;
    groups[groups.length - 1]!.quantified ||= Boolean(quantifier?.variable) || Boolean(closing?.quantified);
  }
  try {
    new RegExp(pattern);
  } catch (error) {
    return `not a regular expression JavaScript can read (${(error as Error).message})`;
  }
  return undefined;
}

const matchScript = new vm.Script('pattern.test(topic)');
const matchContext = vm.createContext({ pattern: /^$/, topic: '' });

/**
 * Whether the topic is one the pattern names, as Java's `Pattern.matches` would say (the whole
 * name); a string saying why that cannot be told here (the pattern refused, or the budget spent).
 */
export function matchesTopicsRegex(pattern: string, topic: string): boolean | string {
  const problem = topicsRegexProblem(pattern);
  if (problem) return `topics.regex ${JSON.stringify(pattern.slice(0, 200))} is not evaluated here: ${problem}`;
  if (topic.length > TOPICS_REGEX_LIMITS.topicLength) return `a Kafka topic name has at most ${TOPICS_REGEX_LIMITS.topicLength} characters (got ${topic.length})`;
  Object.assign(matchContext, { pattern: new RegExp(`^(?:${pattern})$`), topic });
  try {
    return matchScript.runInContext(matchContext, { timeout: TOPICS_REGEX_LIMITS.matchBudgetMs }) === true;
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw error;
    return `topics.regex ${JSON.stringify(pattern.slice(0, 200))} did not finish matching within ${TOPICS_REGEX_LIMITS.matchBudgetMs} ms`;
  }
}
