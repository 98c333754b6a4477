import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, realpath, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { MASK, maskUrlPassword } from '../config/secrets';

/**
 * Names that come from the Admin API are hostile input: they become identifiers and file names only
 * through these functions, and files are written only through `writeInside`, which refuses any path
 * that resolves outside the output folder (`..`, absolute paths, symbolic links pointing out, a
 * symbolic link planted where the file goes). Every pattern here is linear in its input's length:
 * a function's source can be tens of megabytes.
 */

const MAX_NAME_LENGTH = 48;

/** A pipeline/table identifier (`^[a-z][a-z0-9_]*$`) from any string; `fallback` when nothing usable is left. */
export function toIdentifier(raw: string, fallback: string): string {
  const ascii = raw.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  let name: string = ascii
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_');
  name = trimEnds(name, '_');
  if (!name) name = fallback;
  if (!/^[a-z]/.test(name)) name = `${fallback}_${name}`;
  return name.slice(0, MAX_NAME_LENGTH).replace(/_+$/, '');
}

/**
 * The text without the characters of `set` at either end. A loop: `/[_-]+$/` retries from every
 * character of a long run in the middle of the text, quadratic in the run's length.
 */
function trimEnds(text: string, set: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && set.includes(text[start]!)) start += 1;
  while (end > start && set.includes(text[end - 1]!)) end -= 1;
  return text.slice(start, end);
}

/** A file-name stem (letters, digits, `_`, `-`), never `.`/`..`, never empty. */
export function toFileStem(raw: string, fallback: string): string {
  const stem = trimEnds(raw.normalize('NFKD').replace(/[^A-Za-z0-9_-]+/g, '_'), '_-').slice(0, 80);
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

/** Refuses a target that is anything but a regular file or nothing: a symbolic link would be written through. */
async function checkTargetFile(target: string, relative: string): Promise<void> {
  const existing = await lstat(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing?.isSymbolicLink()) throw new OutsideOutputError(`refusing to write ${JSON.stringify(relative)}: it is a symbolic link (to anywhere); remove it first`);
  if (existing && !existing.isFile()) throw new OutsideOutputError(`refusing to write ${JSON.stringify(relative)}: it exists and is not a regular file`);
}

/**
 * The content written to a new file beside the target (created exclusively, never through a link),
 * then renamed over it: a link planted at the target after the check is replaced, not followed.
 */
async function replaceFile(target: string, content: string): Promise<void> {
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.partial`);
  const file = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o666);
  try {
    await file.writeFile(content);
  } finally {
    await file.close();
  }
  await rename(temporary, target).catch(async (error: unknown) => {
    await rm(temporary, { force: true });
    throw error;
  });
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
  await checkTargetFile(target, relative);
  await replaceFile(target, content);
  return target;
}

/**
 * What a function source may hold beside URLs (whose passwords the one URL mask, maskUrlPassword,
 * takes). Linear in the text's length: every repetition is bounded.
 */
const CREDENTIAL_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // AWS access key ids
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/g, '****'],
  // password = "…", apiKey: '…', token: `…`
  [/((?:password|passwd|secret|api_?key|apikey|token|private_?key)["'`]?\s{0,16}[:=]\s{0,16})(["'`])[^"'`\n]{4,8192}\2/gi, '$1$2****$2'],
];

function countMasks(text: string): number {
  return text.split(MASK).length - 1;
}

/**
 * Function sources sometimes carry literal credentials; they are masked before anything is written,
 * and counted so the report can say which secrets to rotate.
 */
export function maskCredentials(text: string): { text: string; masked: number } {
  let result = maskUrlPassword(text);
  let masked = countMasks(result) - countMasks(text);
  for (const [pattern, replacement] of CREDENTIAL_PATTERNS) {
    result = result.replace(pattern, (...args: unknown[]) => {
      masked += 1;
      const groups = args.slice(1, -2) as Array<string | undefined>;
      return replacement.replace(/\$(\d)/g, (_, index: string) => groups[Number(index) - 1] ?? '');
    });
  }
  return { text: result, masked };
}
