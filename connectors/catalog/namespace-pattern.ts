/**
 * Can a regular expression, matched against a whole `<database>.<collection>` namespace, ever match
 * one? Debezium's MongoDB filters match each entry of `collection.include.list` with
 * `Matcher.matches()`, against the whole namespace (debezium/debezium v3.5.0.Final
 * debezium-util/…/function/Predicates.java `includes`, debezium-connector-mongodb/…/Filters.java), so
 * `orders` or `inventory[.]*` (Debezium's own 3.5 documentation example) match no collection: the
 * connector starts and captures nothing from that entry.
 *
 * The answer errs towards "it can": alternatives, lookarounds, back-references, quoting and quantified
 * groups end the analysis with no complaint. Otherwise the pattern is a sequence of atoms, each with
 * what it can match (a dot, something else) and whether it can repeat; a namespace needs an atom
 * matching the dot with something before it and something after it.
 */
interface Atom {
  readonly dot: boolean;
  readonly other: boolean;
  readonly repeats: boolean;
}

const GIVE_UP = /\||\(\?|\\[1-9kQEpPbBAzZG]|\)\s*[*+?{]/;

/** What one character class `[…]` can match (the text between the brackets). */
function classAtom(body: string): Pick<Atom, 'dot' | 'other'> {
  const negated = body.startsWith('^');
  const members = negated ? body.slice(1) : body;
  const hasDot = /(^|[^\\])\.|\\\./.test(members);
  const onlyDot = /^(\\?\.)+$/.test(members);
  return negated ? { dot: !hasDot, other: true } : { dot: hasDot, other: !onlyDot };
}

function escapeAtom(letter: string): Pick<Atom, 'dot' | 'other'> {
  if (letter === '.') return { dot: true, other: false };
  if ('DWS'.includes(letter)) return { dot: true, other: true };
  return { dot: false, other: true };
}

/** Whether a quantifier lets its atom match more than once: `*`, `+`, `{2}`, `{1,}`, `{0,3}`. */
function repeats(quantifier: string): boolean {
  if (quantifier === '*' || quantifier === '+') return true;
  const bounds = /^\{(\d*)(,(\d*))?\}$/.exec(quantifier);
  if (!bounds) return false;
  const max = bounds[2] === undefined ? Number(bounds[1]) : bounds[3] === '' ? Infinity : Number(bounds[3]);
  return max > 1;
}

/** The quantifier (`*`, `+`, `?`, `{n,m}`) at `index`, or the empty string. */
function quantifierAt(pattern: string, index: number): string {
  return /^(?:[*+?]|\{\d*(,\d*)?\})?/.exec(pattern.slice(index))![0];
}

/** The atoms of a pattern, or undefined when it uses something this analysis does not follow. */
function atomsOf(pattern: string): Atom[] | undefined {
  if (GIVE_UP.test(pattern)) return undefined;
  const atoms: Atom[] = [];
  let index = 0;
  while (index < pattern.length) {
    const char = pattern[index]!;
    if (char === '(' || char === ')') {
      index++;
      continue;
    }
    if (char === '^' || char === '$') {
      // Java takes a quantified anchor (`^*`), which still matches no character.
      index += 1 + quantifierAt(pattern, index + 1).length;
      continue;
    }
    let atom: Pick<Atom, 'dot' | 'other'>;
    if (char === '\\') {
      atom = escapeAtom(pattern[index + 1] ?? '');
      index += 2;
    } else if (char === '[') {
      const end = pattern.indexOf(']', index + 2);
      if (end < 0) return undefined;
      atom = classAtom(pattern.slice(index + 1, end));
      index = end + 1;
    } else {
      atom = char === '.' ? { dot: true, other: true } : { dot: false, other: true };
      index++;
    }
    const quantifier = quantifierAt(pattern, index);
    index += quantifier.length;
    atoms.push({ ...atom, repeats: repeats(quantifier) });
  }
  return atoms;
}

/** Whether `pattern` can match some `<database>.<collection>` (both names non-empty). */
export function canMatchNamespace(pattern: string): boolean {
  const atoms = atomsOf(pattern.trim());
  if (!atoms) return true;
  return atoms.some((atom, index) => {
    if (!atom.dot) return false;
    const selfBoth = atom.repeats && atom.other;
    const before = selfBoth || atoms.slice(0, index).some((other) => other.other);
    const after = selfBoth || atoms.slice(index + 1).some((other) => other.other);
    return before && after;
  });
}

/** A likely meant pattern for one that matches no namespace, for the message. */
export function suggestNamespacePattern(pattern: string): string {
  const trimmed = pattern.trim();
  const dotRun = /(\[\.\]|\\\.)[*+]$/.exec(trimmed);
  if (dotRun) return `${trimmed.slice(0, dotRun.index)}${dotRun[1]}.*`;
  return `<database>\\.${trimmed}`;
}
