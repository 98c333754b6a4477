/**
 * Text that a server or an input file chose (a live connector's name and config, a worker's error
 * page, an Admin API field) on its way into a terminal, a Markdown comment or a report: control
 * characters made visible, length capped, and Markdown and HTML constructs kept inert. Every pattern
 * here is linear in the length of its input: the text is hostile, so is its size.
 */

/** ANSI escape sequences (CSI, OSC, and two-byte ones): dropped, they only colour or move a terminal. */
const ANSI_SEQUENCE = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]?/g;
/**
 * C0 and C1 controls, DEL, the bidirectional overrides and isolates (text that reads other than it
 * runs) and the Unicode line and paragraph separators; newline and tab are handled by the caller.
 */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]/g;

function visible(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

export interface PrintableOptions {
  /** Keep line breaks (a fenced block); otherwise `\n` shows as the two characters `\n`. @default false */
  readonly keepNewlines?: boolean;
  /** Longer text is cut and says how much was left out. @default no limit */
  readonly maxLength?: number;
}

/**
 * The text with ANSI sequences dropped and every other control character shown as `\uXXXX`, cut
 * at `maxLength` characters of the input (escapes may make the result up to six times that).
 */
export function printable(text: string, options: PrintableOptions = {}): string {
  const { keepNewlines = false, maxLength } = options;
  const cut = maxLength !== undefined && text.length > maxLength;
  let result = (cut ? text.slice(0, maxLength) : text).replace(ANSI_SEQUENCE, '').replace(/\r\n?/g, '\n').replace(CONTROL, visible).replace(/\t/g, ' ');
  if (!keepNewlines) result = result.replace(/\n/g, '\\n');
  return cut ? `${result}… (${text.length - maxLength!} more characters not shown)` : result;
}

/** The longest run of backticks in the text. */
function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

export interface CodeSpanOptions {
  /** Inside a Markdown table cell, where `|` ends the cell even in code. @default false */
  readonly inTable?: boolean;
  /** @default 200 */
  readonly maxLength?: number;
}

/**
 * One line of text as inline code: delimited by more backticks than any run inside, so the text
 * cannot close it; code is never rendered as HTML, links or @mentions.
 */
export function codeSpan(text: string, options: CodeSpanOptions = {}): string {
  let content = printable(text, { maxLength: options.maxLength ?? 200 });
  if (options.inTable) content = content.replace(/\|/g, '\\|');
  const fence = '`'.repeat(longestBacktickRun(content) + 1);
  const pad = content.startsWith('`') || content.endsWith('`') || content.startsWith(' ') ? ' ' : '';
  return `${fence}${pad}${content || ' '}${pad}${fence}`;
}

/** A fenced code block the content cannot close: its fence is longer than any backtick run inside. */
export function codeBlock(content: string, language = ''): string[] {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(content) + 1));
  return [`${fence}${language}`, content, fence];
}

/** Text inside an HTML element (a `<summary>`): one line, `& < > " '` as entities. */
export function htmlText(text: string, maxLength = 200): string {
  return printable(text, { maxLength }).replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
