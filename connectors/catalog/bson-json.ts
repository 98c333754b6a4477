/**
 * The JSON the MongoDB plugins accept: not strict JSON but what BSON's `org.bson.json.JsonReader`
 * reads, which both plugins call through `org.bson.Document.parse`:
 * - MongoDB Kafka connector 2.0.1 (bson 4.7.2): `pipeline`, `startup.mode.copy.existing.pipeline`,
 *   `copy.existing.pipeline` and the sink's `field.renamer.mapping`/`field.renamer.regexp` go through
 *   `ConfigHelper.jsonArrayFromString` (mongodb/mongo-kafka r2.0.1
 *   src/main/java/com/mongodb/kafka/connect/util/ConfigHelper.java:75-93):
 *   `Document.parse(format("{s: %s}", value)).getList("s", Document.class)`, retried once with every
 *   `\` doubled when that fails; an empty value is no pipeline (MongoSourceConfig.java:1023-1029,
 *   1358-1364, 1428-1434; MongoSinkTopicConfig.java:948-965). `topic.namespace.map` goes through
 *   `documentFromString` (ConfigHelper.java:52-73, MongoSourceConfig.java:1209-1215), the same way for
 *   one document, and `collation` is such a document too (MongoSourceConfig.java:1124-1131).
 * - Debezium MongoDB 3.5 (bson 5.6.2): `cursor.pipeline` through `ChangeStreamPipeline.parse`
 *   (debezium/debezium v3.5.0.Final debezium-connector-mongodb/…/ChangeStreamPipeline.java:67-75):
 *   `Document.parse("{stages: " + json + "}").getList("stages", Document.class)`, no retry.
 *
 * What the reader accepts (mongodb/mongo-java-driver r5.6.2 bson/src/main/org/bson/json/JsonScanner.java
 * nextToken, scanString, scanNumber, scanRegularExpression, and JsonReader.java readBsonType :122-285;
 * the same in r4.7.2), and so what this parser accepts:
 * - keys quoted with `"` or `'`, or unquoted (`$`, `_` or a letter, then letters, digits, `$`, `_`);
 * - strings in `"` or `'`, with the escapes \' \" \\ \/ \b \f \n \r \t \uXXXX (any other is an error);
 * - numbers: `-`?digits[.digits][e[+-]digits] (leading zeros allowed), `-Infinity`, and the words
 *   `Infinity`, `NaN`, `true`, `false`, `null`, `undefined`;
 * - regular-expression literals `/pattern/` with options `imxs`;
 * - the shell constructors `ObjectId(…)`, `ISODate(…)`, `NumberLong(…)`, … (arguments are parsed as
 *   values, not checked further), `new` before the ones the reader allows it for, `MinKey`/`MaxKey`;
 * - the comma after a value is optional, so trailing commas pass too; text after the closing brace of
 *   the outer document is ignored (`Document.parse` does not look further).
 * Extended JSON (`{"$oid": …}`) is read as a plain document: the reader's stricter checks of those
 * shapes are not repeated, so this parser may accept what the plugin refuses, never the reverse.
 */

/** A value that is not a document, an array or a JSON primitive: a regular expression, a constructor, `undefined`… */
export interface BsonSpecial {
  readonly special: string;
}

export type BsonValue = null | boolean | number | string | BsonSpecial | BsonValue[] | { readonly [key: string]: BsonValue };

export type BsonParse = { readonly ok: true; readonly value: BsonValue } | { readonly ok: false; readonly reason: string };

type Token =
  | { readonly kind: '{' | '}' | '[' | ']' | '(' | ')' | ':' | ',' | 'eof'; readonly at: number }
  | { readonly kind: 'string' | 'unquoted' | 'number' | 'regex'; readonly text: string; readonly at: number };

/** The text being read, where the reader is, and a token put back after looking ahead. */
interface Cursor {
  readonly text: string;
  /** Characters the plugin put before the value (`{s: `), left out of the positions reported. */
  readonly offset: number;
  position: number;
  pushedBack?: Token;
}

class BsonJsonError extends Error {}

/** The values made by `special`: a document that happens to have a `special` key is still a document. */
const SPECIALS = new WeakSet<BsonSpecial>();

function special(text: string): BsonSpecial {
  const value = { special: text };
  SPECIALS.add(value);
  return value;
}

const PUNCTUATION = new Set(['{', '}', '[', ']', '(', ')', ':', ',']);
const ESCAPES: Readonly<Record<string, string>> = { "'": "'", '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
/** What may follow a number or a regular expression (JsonScanner's DONE states). */
const VALUE_END = /[,}\])]/;
const NUMBER = /-?(?:Infinity|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/y;
const UNQUOTED_START = /[$_\p{L}]/u;
const UNQUOTED_PART = /[$_\p{L}\p{Nd}]/u;
const WORDS: Readonly<Record<string, BsonValue>> = { true: true, false: false, null: null, Infinity: Infinity, NaN: NaN, undefined: special('undefined') };
const CONSTRUCTORS = ['BinData', 'Date', 'HexData', 'ISODate', 'NumberInt', 'NumberLong', 'NumberDecimal', 'ObjectId', 'Timestamp', 'RegExp', 'DBPointer', 'UUID'];
/** JsonReader.visitNew: `new` is allowed before these only. */
const NEW_CONSTRUCTORS = ['MinKey', 'MaxKey', 'BinData', 'Date', 'HexData', 'ISODate', 'NumberInt', 'NumberLong', 'NumberDecimal', 'ObjectId', 'RegExp', 'DBPointer', 'UUID'];

/** Java's Character.isWhitespace: no-break spaces are not whitespace there. */
function isWhitespace(char: string): boolean {
  return /[\t\n\u000b\f\r\u001c-\u001f \u1680\u2000-\u2006\u2008-\u200a\u2028\u2029\u205f\u3000]/.test(char);
}

/** A position in the value as written (0-based), not in the text the plugin wrapped it in. */
function shown(cursor: Cursor, position: number): number {
  return Math.max(0, position - cursor.offset);
}

function fail(cursor: Cursor, what: string, position: number): never {
  throw new BsonJsonError(`${what} at position ${shown(cursor, position)}`);
}

function describe(cursor: Cursor, token: Token): string {
  return token.kind === 'eof' ? 'the end of the input' : `${'text' in token ? token.text : token.kind} at position ${shown(cursor, token.at)}`;
}

function nextToken(cursor: Cursor): Token {
  if (cursor.pushedBack) {
    const token = cursor.pushedBack;
    cursor.pushedBack = undefined;
    return token;
  }
  while (cursor.position < cursor.text.length && isWhitespace(cursor.text[cursor.position]!)) cursor.position++;
  const at = cursor.position;
  const char = cursor.text[at];
  if (char === undefined) return { kind: 'eof', at };
  if (PUNCTUATION.has(char)) {
    cursor.position++;
    return { kind: char as '{', at };
  }
  if (char === '"' || char === "'") return scanString(cursor, char);
  if (char === '/') return scanRegex(cursor);
  if (char === '-' || /\d/.test(char)) return scanNumber(cursor);
  if (UNQUOTED_START.test(char)) return scanUnquoted(cursor);
  return fail(cursor, `invalid JSON input ${JSON.stringify(char)}`, at);
}

function scanString(cursor: Cursor, quote: string): Token {
  const at = cursor.position++;
  let text = '';
  for (;;) {
    const char = cursor.text[cursor.position++];
    if (char === undefined) return fail(cursor, 'end of input inside the string that starts', at);
    if (char === quote) return { kind: 'string', text, at };
    if (char !== '\\') {
      text += char;
      continue;
    }
    const escaped = cursor.text[cursor.position++] ?? '';
    if (escaped === 'u') {
      const hex = cursor.text.slice(cursor.position, cursor.position + 4);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail(cursor, 'invalid \\u escape', cursor.position - 2);
      text += String.fromCharCode(parseInt(hex, 16));
      cursor.position += 4;
    } else if (escaped in ESCAPES) text += ESCAPES[escaped];
    else fail(cursor, `invalid escape sequence \\${escaped}`, cursor.position - 2);
  }
}

function scanRegex(cursor: Cursor): Token {
  const at = cursor.position;
  let position = at + 1;
  while (cursor.text[position] !== '/') {
    if (cursor.text[position] === undefined) fail(cursor, 'end of input inside the regular expression that starts', at);
    position += cursor.text[position] === '\\' ? 2 : 1;
  }
  position++;
  while (/[imxs]/.test(cursor.text[position] ?? '')) position++;
  expectValueEnd(cursor, position, 'regular expression');
  cursor.position = position;
  return { kind: 'regex', text: cursor.text.slice(at, position), at };
}

function scanNumber(cursor: Cursor): Token {
  const at = cursor.position;
  NUMBER.lastIndex = at;
  const match = NUMBER.exec(cursor.text);
  if (!match) return fail(cursor, 'invalid number', at);
  expectValueEnd(cursor, at + match[0].length, 'number');
  cursor.position = at + match[0].length;
  return { kind: 'number', text: match[0], at };
}

function scanUnquoted(cursor: Cursor): Token {
  const at = cursor.position;
  let position = at + 1;
  while (position < cursor.text.length && UNQUOTED_PART.test(cursor.text[position]!)) position++;
  cursor.position = position;
  return { kind: 'unquoted', text: cursor.text.slice(at, position), at };
}

function expectValueEnd(cursor: Cursor, position: number, what: string): void {
  const char = cursor.text[position];
  if (char !== undefined && !VALUE_END.test(char) && !isWhitespace(char)) fail(cursor, `invalid ${what}`, position);
}

function readValue(cursor: Cursor, token: Token): BsonValue {
  switch (token.kind) {
    case '{':
      return readDocumentBody(cursor);
    case '[':
      return readArrayBody(cursor);
    case 'string':
      return token.text;
    case 'number':
      return Number(token.text);
    case 'regex':
      return special(token.text);
    case 'unquoted':
      return readWord(cursor, token);
    default:
      throw new BsonJsonError(`expected a value but found ${describe(cursor, token)}`);
  }
}

function readDocumentBody(cursor: Cursor): BsonValue {
  const document: Record<string, BsonValue> = {};
  for (;;) {
    const name = nextToken(cursor);
    if (name.kind === '}') return document;
    if (name.kind !== 'string' && name.kind !== 'unquoted') throw new BsonJsonError(`expected a name but found ${describe(cursor, name)}`);
    const colon = nextToken(cursor);
    if (colon.kind !== ':') throw new BsonJsonError(`expected ":" but found ${describe(cursor, colon)}`);
    document[name.text] = readValue(cursor, nextToken(cursor));
    skipComma(cursor);
  }
}

function readArrayBody(cursor: Cursor): BsonValue[] {
  const array: BsonValue[] = [];
  for (;;) {
    const token = nextToken(cursor);
    if (token.kind === ']') return array;
    array.push(readValue(cursor, token));
    skipComma(cursor);
  }
}

/** JsonReader.readBsonType: after a value, a comma is taken when there is one. */
function skipComma(cursor: Cursor): void {
  const token = nextToken(cursor);
  if (token.kind !== ',') cursor.pushedBack = token;
}

function readWord(cursor: Cursor, token: Token & { readonly text: string }): BsonValue {
  const word = token.text;
  if (word in WORDS) return WORDS[word]!;
  if (word === 'MinKey' || word === 'MaxKey') return readOptionalParentheses(cursor, word);
  if (CONSTRUCTORS.includes(word)) return readArguments(cursor, word);
  if (word !== 'new') throw new BsonJsonError(`expected a value but found ${describe(cursor, token)}`);
  const type = nextToken(cursor);
  if (type.kind !== 'unquoted' || !NEW_CONSTRUCTORS.includes(type.text)) throw new BsonJsonError(`expected a type name after "new" but found ${describe(cursor, type)}`);
  return type.text === 'MinKey' || type.text === 'MaxKey' ? readOptionalParentheses(cursor, type.text) : readArguments(cursor, type.text);
}

function readOptionalParentheses(cursor: Cursor, name: string): BsonValue {
  const token = nextToken(cursor);
  if (token.kind !== '(') {
    cursor.pushedBack = token;
    return special(name);
  }
  const close = nextToken(cursor);
  if (close.kind !== ')') throw new BsonJsonError(`expected ")" after ${name}( but found ${describe(cursor, close)}`);
  return special(`${name}()`);
}

function readArguments(cursor: Cursor, name: string): BsonValue {
  const open = nextToken(cursor);
  if (open.kind !== '(') throw new BsonJsonError(`expected "(" after ${name} but found ${describe(cursor, open)}`);
  for (;;) {
    const token = nextToken(cursor);
    if (token.kind === ')') return special(`${name}(…)`);
    readValue(cursor, token);
    skipComma(cursor);
  }
}

/** `org.bson.Document.parse(text)`, as far as the reader's syntax goes: a document, and nothing read after it. */
export function parseBsonDocument(text: string, offset = 0): BsonParse {
  const cursor: Cursor = { text, offset, position: 0 };
  try {
    const token = nextToken(cursor);
    if (token.kind !== '{') throw new BsonJsonError(`expected a document but found ${describe(cursor, token)}`);
    return { ok: true, value: readDocumentBody(cursor) };
  } catch (error) {
    if (error instanceof BsonJsonError) return { ok: false, reason: error.message };
    throw error;
  }
}

export function isBsonDocument(value: BsonValue): value is { readonly [key: string]: BsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !SPECIALS.has(value as BsonSpecial);
}

export interface BsonArrayDialect {
  /** The key the plugin wraps the value in (`s` for the MongoDB Kafka connector, `stages` for Debezium). */
  readonly wrapperKey: string;
  /** The MongoDB Kafka connector retries once with every backslash doubled; Debezium does not. */
  readonly retryWithDoubledBackslashes: boolean;
}

export const MONGODB_KAFKA_ARRAY: BsonArrayDialect = { wrapperKey: 's', retryWithDoubledBackslashes: true };
export const DEBEZIUM_PIPELINE: BsonArrayDialect = { wrapperKey: 'stages', retryWithDoubledBackslashes: false };

function arrayOfDocumentsProblem(value: string, wrapperKey: string): string | undefined {
  const prefix = `{${wrapperKey}: `;
  const parsed = parseBsonDocument(`${prefix}${value}}`, prefix.length);
  if (!parsed.ok) return parsed.reason;
  const array = isBsonDocument(parsed.value) ? parsed.value[wrapperKey] : undefined;
  if (!Array.isArray(array)) return 'not an array';
  const index = array.findIndex((element) => !isBsonDocument(element));
  return index < 0 ? undefined : `element ${index} is not a document`;
}

/** Why the plugin would refuse `value` as an array of documents (a pipeline), or undefined when it takes it. */
export function bsonArrayProblem(value: string, dialect: BsonArrayDialect): string | undefined {
  if (value === '') return undefined;
  const problem = arrayOfDocumentsProblem(value, dialect.wrapperKey);
  if (problem === undefined || !dialect.retryWithDoubledBackslashes) return problem;
  return arrayOfDocumentsProblem(value.replaceAll('\\', '\\\\'), dialect.wrapperKey) === undefined ? undefined : problem;
}

/** Why the MongoDB Kafka connector would refuse `value` as one document (`documentFromString`), or undefined. */
export function bsonDocumentProblem(value: string): string | undefined {
  if (value === '') return undefined;
  const parsed = parseBsonDocument(value);
  if (parsed.ok) return undefined;
  return parseBsonDocument(value.replaceAll('\\', '\\\\')).ok ? undefined : parsed.reason;
}
