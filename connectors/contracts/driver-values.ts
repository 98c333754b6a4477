import { Binary, BsonDate, Decimal128, Double, Int64, MaxKey, MinKey, ObjectId, Regex, Timestamp, type BsonValue } from './bson';

/**
 * The MongoDB driver's values as this repository's BSON values (bson.ts), without importing the
 * driver: whoever reads a collection (the local runtime, shadow validation against the source) turns
 * what it read into the values strictJson renders exactly as Debezium's `after`.
 */

/** Driver read options that keep every BSON type (Int32 apart from Double, Int64, Decimal128) for fromDriver. */
export const RAW_DRIVER_VALUES = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true } as const;

/** A driver value (promoteValues: false) → this repository's BSON value. */
export function fromDriver(value: unknown): BsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return new Double(value);
  if (value instanceof Date) return BsonDate.of(value);
  if (Array.isArray(value)) return value.map(fromDriver);
  const bson = value as { _bsontype?: string; toString(): string; toHexString?(): string; value?: number; buffer?: Uint8Array; sub_type?: number; pattern?: string; options?: string; high?: number; low?: number };
  switch (bson._bsontype) {
    case 'ObjectId':
      return new ObjectId(bson.toHexString!());
    case 'Int32':
      return Number(bson.value);
    case 'Double':
      return new Double(Number(bson.value));
    case 'Long':
      return new Int64(BigInt(bson.toString()));
    case 'Decimal128':
      return new Decimal128(bson.toString());
    case 'Binary':
      return new Binary(Buffer.from(bson.buffer!).toString('base64'), bson.sub_type ?? 0);
    case 'Timestamp':
      return new Timestamp(Number(bson.high), Number(bson.low));
    case 'BSONRegExp':
      return new Regex(bson.pattern!, bson.options!);
    case 'MinKey':
      return new MinKey();
    case 'MaxKey':
      return new MaxKey();
    default:
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, fromDriver(item)]));
  }
}
