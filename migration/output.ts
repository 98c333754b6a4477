import { mkdir, realpath, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Names that come from the Admin API are hostile input: they become identifiers and file names only
 * through these functions, and files are written only through `writeInside`, which refuses any path
 * that resolves outside the output folder (`..`, absolute paths, symbolic links pointing out).
 */

const MAX_NAME_LENGTH = 48;

/** A pipeline/table identifier (`^[a-z][a-z0-9_]*$`) from any string; `fallback` when nothing usable is left. */
export function toIdentifier(raw: string, fallback: string): string {
  const ascii = raw.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  let name = ascii
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!name) name = fallback;
  if (!/^[a-z]/.test(name)) name = `${fallback}_${name}`;
  return name.slice(0, MAX_NAME_LENGTH).replace(/_+$/, '');
}

/** A file-name stem (letters, digits, `_`, `-`), never `.`/`..`, never empty. */
export function toFileStem(raw: string, fallback: string): string {
  const stem = raw
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/^[_-]+|[_-]+$/g, '')
    .slice(0, 80);
  return stem || fallback;
}

/** `base`, or `base_2`, `base_3`… when taken; records the name it returns. */
export function uniqueName(base: string, taken: Set<string>): string {
  let candidate = base;
  for (let suffix = 2; taken.has(candidate); suffix += 1) candidate = `${base}_${suffix}`;
  taken.add(candidate);
  return candidate;
}

export class OutsideOutputError extends Error {
  override name = 'OutsideOutputError';
}

/** Writes `content` to `root/relative`, creating folders, after checking the target stays inside `root`. */
export async function writeInside(root: string, relative: string, content: string): Promise<string> {
  const absoluteRoot = path.resolve(root);
  const target = path.resolve(absoluteRoot, relative);
  const fromRoot = path.relative(absoluteRoot, target);
  if (!fromRoot || fromRoot.startsWith('..') || path.isAbsolute(fromRoot)) {
    throw new OutsideOutputError(`refusing to write ${JSON.stringify(relative)}: it resolves outside the output folder ${root}`);
  }
  await mkdir(path.dirname(target), { recursive: true });
  const realRoot = await realpath(absoluteRoot);
  const realParent = await realpath(path.dirname(target));
  const parentFromRoot = path.relative(realRoot, realParent);
  if (parentFromRoot.startsWith('..') || path.isAbsolute(parentFromRoot)) {
    throw new OutsideOutputError(`refusing to write ${JSON.stringify(relative)}: its folder links outside the output folder ${root}`);
  }
  await writeFile(target, content);
  return target;
}

const CREDENTIAL_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // user:password@ in any URI (mongodb+srv://, postgres://, https://…)
  [/([a-z][a-z0-9+.-]*:\/\/[^:/\s@'"`]+):([^@\s'"`/]+)@/gi, '$1:****@'],
  // AWS access key ids
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/g, '****'],
  // password = "…", apiKey: '…', token: `…`
  [/((?:password|passwd|secret|api_?key|apikey|token|private_?key)["'`]?\s*[:=]\s*)(["'`])[^"'`\n]{4,}\2/gi, '$1$2****$2'],
];

/**
 * Function sources sometimes carry literal credentials; they are masked before anything is written,
 * and counted so the report can say which secrets to rotate.
 */
export function maskCredentials(text: string): { text: string; masked: number } {
  let masked = 0;
  let result = text;
  for (const [pattern, replacement] of CREDENTIAL_PATTERNS) {
    result = result.replace(pattern, (...args: unknown[]) => {
      masked += 1;
      const groups = args.slice(1, -2) as Array<string | undefined>;
      return replacement.replace(/\$(\d)/g, (_, index: string) => groups[Number(index) - 1] ?? '');
    });
  }
  return { text: result, masked };
}
