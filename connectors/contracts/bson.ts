import type { ContractType } from './types';

/**
 * BSON values in TypeScript, and the three JSON forms they take on this platform:
 * - `strictJson`: what Debezium's MongoDB source 3.5 writes in `after` (bson `JsonMode.STRICT`, the
 *   legacy strict extended JSON, with Debezium's spacing: a space after each colon, none after commas:
 *   debezium-connector-mongodb JsonSerialization.COMPACT_JSON_SETTINGS);
 * - `relaxedJson`: what it writes as the record key's `id` (`JsonMode.RELAXED` of the `_id`);
 * - `canonicalJson`: canonical extended JSON v2, which the stand-in writer parses into BSON.
 * Plain JS values: a string, a boolean, null, an integral number (Int32 when it fits, else Int64),
 * an array, an object (a sub-document). Every other BSON type is one of the classes below.
 */
export class ObjectId {
  constructor(readonly hex: string) {
    if (!/^[0-9a-f]{24}$/.test(hex)) throw new Error(`ObjectId: 24 lower-case hex digits (got ${JSON.stringify(hex)})`);
  }
}
export class Decimal128 {
  constructor(readonly text: string) {}
}
export class Int64 {
  constructor(readonly value: bigint) {}
}
/** A double, also when integral (`1.0`), NaN or ±Infinity. */
export class Double {
  constructor(readonly value: number) {}
}
export class BsonDate {
  constructor(readonly ms: number) {}
  static of(date: Date): BsonDate {
    return new BsonDate(date.getTime());
  }
}
export class Timestamp {
  constructor(readonly seconds: number, readonly increment: number) {}
}
/** Binary data; subtype 4 is a UUID. */
export class Binary {
  constructor(readonly base64: string, readonly subtype: number) {}
  static uuid(text: string): Binary {
    return new Binary(Buffer.from(text.replace(/-/g, ''), 'hex').toString('base64'), 4);
  }
}
export class Regex {
  constructor(readonly pattern: string, readonly options: string) {}
}
export class MinKey {}
export class MaxKey {}

export type BsonValue =
  | string
  | number
  | boolean
  | null
  | ObjectId
  | Decimal128
  | Int64
  | Double
  | BsonDate
  | Timestamp
  | Binary
  | Regex
  | MinKey
  | MaxKey
  | readonly BsonValue[]
  | { readonly [key: string]: BsonValue };
export type BsonDocument = { readonly [key: string]: BsonValue };

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * bson's StrictCharacterStreamJsonWriter.writeStringHelper: `"`, `\` and the short escapes, and
 * `\uXXXX` for every UTF-16 unit whose Java category is not a letter (but a modifier letter), digit,
 * number, punctuation, symbol or space separator: controls, format characters, marks, surrogates
 * (so a character outside the BMP becomes two escapes), private use and unassigned units.
 */
const SHORT_ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const PASSES = /^[\p{Lu}\p{Ll}\p{Lt}\p{Lo}\p{Nd}\p{Nl}\p{No}\p{Zs}\p{Pc}\p{Pd}\p{Ps}\p{Pe}\p{Pi}\p{Pf}\p{Po}\p{Sm}\p{Sc}\p{Sk}\p{So}]$/u;

export function bsonJsonString(text: string): string {
  let out = '"';
  for (let index = 0; index < text.length; index++) {
    const unit = text[index]!;
    const escape = SHORT_ESCAPES[unit];
    if (escape) out += escape;
    else if (PASSES.test(unit)) out += unit;
    else out += `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}

/**
 * Java's Double.toString (what bson's JsonDoubleConverter writes): `1.0`, `0.1`, `1.0E20`, `1.5E-7`,
 * `-0.0`, `NaN`, `Infinity`. Scientific below 10^-3 and from 10^7. Digits are JavaScript's shortest
 * form, which Java 19+ also prints (Java 17 differs for a few values that need 17 digits).
 */
export function javaDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) return Number.isInteger(value) ? `${value}.0` : String(value);
  const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

const subtypeHex = (binary: Binary) => binary.subtype.toString(16).padStart(2, '0');

function entries(document: BsonDocument, render: (value: BsonValue) => string, colon: string, comma: string): string {
  return `{${Object.entries(document).map(([key, value]) => `${bsonJsonString(key)}${colon}${render(value)}`).join(comma)}}`;
}

/** A value of a type both strict and relaxed render alike, or undefined. */
function commonForm(value: BsonValue, render: (value: BsonValue) => string): string | undefined {
  if (value === null) return 'null';
  if (typeof value === 'string') return bsonJsonString(value);
  if (typeof value === 'boolean') return String(value);
  if (value instanceof ObjectId) return `{"$oid": "${value.hex}"}`;
  if (value instanceof Decimal128) return `{"$numberDecimal": "${value.text}"}`;
  if (value instanceof Timestamp) return `{"$timestamp": {"t": ${value.seconds},"i": ${value.increment}}}`;
  if (value instanceof MinKey) return '{"$minKey": 1}';
  if (value instanceof MaxKey) return '{"$maxKey": 1}';
  if (Array.isArray(value)) return `[${value.map(render).join(',')}]`;
  return undefined;
}

/** Debezium's `after`: bson JsonMode.STRICT with Debezium's spacing. */
export function strictJson(value: BsonValue): string {
  const common = commonForm(value, strictJson);
  if (common !== undefined) return common;
  if (typeof value === 'number') return Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX ? String(value) : `{"$numberLong": "${BigInt(value)}"}`;
  if (value instanceof Int64) return `{"$numberLong": "${value.value}"}`;
  if (value instanceof Double) return javaDouble(value.value);
  if (value instanceof BsonDate) return `{"$date": ${value.ms}}`;
  if (value instanceof Binary) return `{"$binary": "${value.base64}","$type": "${subtypeHex(value)}"}`;
  if (value instanceof Regex) return `{"$regex": ${bsonJsonString(value.pattern)},"$options": ${bsonJsonString(value.options)}}`;
  return entries(value as BsonDocument, strictJson, ': ', ',');
}

/** Debezium's record key `id`: bson JsonMode.RELAXED of the `_id`. */
export function relaxedJson(value: BsonValue): string {
  const common = commonForm(value, relaxedJson);
  if (common !== undefined) return common;
  if (typeof value === 'number') return String(value);
  if (value instanceof Int64) return String(value.value);
  if (value instanceof Double) return Number.isFinite(value.value) ? javaDouble(value.value) : `{"$numberDouble": "${javaDouble(value.value)}"}`;
  if (value instanceof BsonDate) {
    const inRange = value.ms >= 0 && value.ms <= 253402300799999;
    return inRange ? `{"$date": "${new Date(value.ms).toISOString().replace('.000Z', 'Z')}"}` : `{"$date": {"$numberLong": "${value.ms}"}}`;
  }
  if (value instanceof Binary) return `{"$binary": {"base64": "${value.base64}","subType": "${subtypeHex(value)}"}}`;
  if (value instanceof Regex) return `{"$regularExpression": {"pattern": ${bsonJsonString(value.pattern)},"options": ${bsonJsonString(value.options)}}}`;
  return entries(value as BsonDocument, relaxedJson, ': ', ',');
}

/** Canonical extended JSON v2 (what BsonDocument.parse reads back into exactly these types). */
export function canonicalJson(value: BsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX ? `{"$numberInt":"${value}"}` : `{"$numberLong":"${BigInt(value)}"}`;
  if (value instanceof ObjectId) return `{"$oid":"${value.hex}"}`;
  if (value instanceof Decimal128) return `{"$numberDecimal":"${value.text}"}`;
  if (value instanceof Int64) return `{"$numberLong":"${value.value}"}`;
  if (value instanceof Double) return `{"$numberDouble":"${Number.isInteger(value.value) && Number.isFinite(value.value) ? `${value.value}.0` : javaDouble(value.value)}"}`;
  if (value instanceof BsonDate) return `{"$date":{"$numberLong":"${value.ms}"}}`;
  if (value instanceof Timestamp) return `{"$timestamp":{"t":${value.seconds},"i":${value.increment}}}`;
  if (value instanceof Binary) return `{"$binary":{"base64":"${value.base64}","subType":"${subtypeHex(value)}"}}`;
  if (value instanceof Regex) return `{"$regularExpression":{"pattern":${JSON.stringify(value.pattern)},"options":${JSON.stringify(value.options)}}}`;
  if (value instanceof MinKey) return '{"$minKey":1}';
  if (value instanceof MaxKey) return '{"$maxKey":1}';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  return `{${Object.entries(value as BsonDocument).map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

/** The BSON type names of the README's table, as `schema infer` reports them. */
export type BsonTypeName =
  | 'string' | 'int32' | 'int64' | 'double' | 'decimal128' | 'objectid' | 'date' | 'timestamp' | 'binary' | 'uuid'
  | 'regex' | 'minkey' | 'maxkey' | 'boolean' | 'null' | 'array' | 'document';

export function bsonTypeOf(value: BsonValue): BsonTypeName {
  if (value === null) return 'null';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX ? 'int32' : 'int64';
  if (value instanceof ObjectId) return 'objectid';
  if (value instanceof Decimal128) return 'decimal128';
  if (value instanceof Int64) return 'int64';
  if (value instanceof Double) return 'double';
  if (value instanceof BsonDate) return 'date';
  if (value instanceof Timestamp) return 'timestamp';
  if (value instanceof Binary) return value.subtype === 4 ? 'uuid' : 'binary';
  if (value instanceof Regex) return 'regex';
  if (value instanceof MinKey) return 'minkey';
  if (value instanceof MaxKey) return 'maxkey';
  return Array.isArray(value) ? 'array' : 'document';
}

/**
 * Which BSON types fill a column of each contract type (when the value also fits: an Int64 beyond
 * integer's range, a Decimal128 with more decimals than numeric(p,s) holds, a NaN double are
 * violations). The SQL casts (warehouse/functions.sql.ts) implement exactly this; an integration test
 * holds them to it. `objectid` also takes a string: collections mix string and ObjectId keys.
 */
export const ACCEPTED_BSON_TYPES: Readonly<Record<Exclude<ContractType, `numeric(${number},${number})`> | 'numeric(p,s)', readonly BsonTypeName[]>> = {
  text: ['string'],
  objectid: ['objectid', 'string'],
  integer: ['int32', 'int64', 'double', 'decimal128'],
  bigint: ['int32', 'int64', 'double', 'decimal128'],
  double: ['int32', 'int64', 'double', 'decimal128'],
  numeric: ['int32', 'int64', 'double', 'decimal128'],
  'numeric(p,s)': ['int32', 'int64', 'double', 'decimal128'],
  boolean: ['boolean'],
  timestamptz: ['date'],
  jsonb: ['string', 'int32', 'int64', 'double', 'decimal128', 'objectid', 'date', 'timestamp', 'binary', 'uuid', 'regex', 'minkey', 'maxkey', 'boolean', 'array', 'document'],
};

/** The contract type `schema infer` proposes for a field seen with this BSON type. */
export function proposedContractType(type: BsonTypeName): ContractType {
  const proposals: Partial<Record<BsonTypeName, ContractType>> = {
    string: 'text',
    int32: 'integer',
    int64: 'bigint',
    double: 'double',
    decimal128: 'numeric',
    objectid: 'objectid',
    date: 'timestamptz',
    boolean: 'boolean',
  };
  return proposals[type] ?? 'jsonb';
}

/**
 * The warehouse's `_id` for an `_id` (what cdc.id_text makes of the record key): a string as it is,
 * an ObjectId as its hex digits, an integer as its digits; other types as their JSON text.
 */
export function idText(id: BsonValue): string {
  if (typeof id === 'string') return id;
  if (id instanceof ObjectId) return id.hex;
  if (typeof id === 'number' && Number.isInteger(id)) return String(id);
  if (id instanceof Int64) return String(id.value);
  return relaxedJson(id);
}
