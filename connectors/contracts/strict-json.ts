import { Binary, BsonDate, Decimal128, Double, Int64, MaxKey, MinKey, ObjectId, Regex, Timestamp, type BsonDocument, type BsonValue } from './bson';

/**
 * Debezium's `after` text (bson STRICT JSON, which may hold bare NaN and Infinity) back into BSON
 * values, for `schema infer --from-topic`: a number without a point or exponent is an Int32 (or an
 * Int64 beyond Int32), one with them a double, and the `$`-wrappers their types. JSON.parse cannot do
 * this: it reads `1.0` as 1 and refuses NaN.
 */
export function parseStrictJson(text: string): BsonValue {
  const parser = new StrictJsonParser(text);
  const value = parser.value();
  parser.end();
  return value;
}

const INT32 = /^-?\d+$/;

class StrictJsonParser {
  private index = 0;
  constructor(private readonly text: string) {}

  value(): BsonValue {
    this.space();
    const char = this.text[this.index];
    if (char === '{') return this.object();
    if (char === '[') return this.array();
    if (char === '"') return this.string();
    for (const [word, value] of [['true', true], ['false', false], ['null', null], ['NaN', new Double(NaN)], ['Infinity', new Double(Infinity)], ['-Infinity', new Double(-Infinity)]] as const) {
      if (this.text.startsWith(word, this.index)) {
        this.index += word.length;
        return value;
      }
    }
    return this.number();
  }

  end(): void {
    this.space();
    if (this.index !== this.text.length) this.fail('end of text');
  }

  private number(): BsonValue {
    const match = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(this.text.slice(this.index, this.index + 400));
    if (!match) this.fail('a value');
    this.index += match![0].length;
    const lexeme = match![0];
    if (!INT32.test(lexeme)) return new Double(Number(lexeme));
    const integer = BigInt(lexeme);
    return integer >= -2147483648n && integer <= 2147483647n ? Number(integer) : new Int64(integer);
  }

  private string(): string {
    const start = this.index;
    this.index++;
    while (this.index < this.text.length && this.text[this.index] !== '"') this.index += this.text[this.index] === '\\' ? 2 : 1;
    this.index++;
    return JSON.parse(this.text.slice(start, this.index)) as string;
  }

  private array(): BsonValue[] {
    const items: BsonValue[] = [];
    this.index++;
    this.space();
    if (this.text[this.index] === ']') {
      this.index++;
      return items;
    }
    for (;;) {
      items.push(this.value());
      this.space();
      const next = this.text[this.index++];
      if (next === ']') return items;
      if (next !== ',') this.fail('"," or "]"');
    }
  }

  private object(): BsonValue {
    const document: Record<string, BsonValue> = {};
    this.index++;
    this.space();
    if (this.text[this.index] === '}') {
      this.index++;
      return document;
    }
    for (;;) {
      this.space();
      const key = this.string();
      this.space();
      if (this.text[this.index++] !== ':') this.fail('":"');
      document[key] = this.value();
      this.space();
      const next = this.text[this.index++];
      if (next === '}') return wrapped(document);
      if (next !== ',') this.fail('"," or "}"');
    }
  }

  private space(): void {
    while (/\s/.test(this.text[this.index] ?? '')) this.index++;
  }

  private fail(expected: string): never {
    throw new Error(`not Debezium's JSON at character ${this.index}: expected ${expected}`);
  }
}

/** `{"$oid": …}` and the other wrappers of strict extended JSON → their BSON value; any other document as it is. */
function wrapped(document: Record<string, BsonValue>): BsonValue {
  const keys = Object.keys(document);
  const text = (key: string) => String(document[key]);
  if (keys.length === 1) {
    const [key] = keys as [string];
    if (key === '$oid') return new ObjectId(text(key));
    if (key === '$numberDecimal') return new Decimal128(text(key));
    if (key === '$numberLong') return new Int64(BigInt(text(key)));
    if (key === '$numberDouble') return new Double(Number(text(key)));
    if (key === '$minKey') return new MinKey();
    if (key === '$maxKey') return new MaxKey();
    if (key === '$date') return new BsonDate(typeof document.$date === 'number' ? document.$date : document.$date instanceof Int64 ? Number(document.$date.value) : Date.parse(text(key)));
    if (key === '$timestamp') {
      const stamp = document.$timestamp as Record<string, number>;
      return new Timestamp(stamp.t!, stamp.i!);
    }
  }
  if (keys.length === 2 && '$binary' in document && '$type' in document) return new Binary(text('$binary'), parseInt(text('$type'), 16));
  if (keys.length === 2 && '$regex' in document && '$options' in document) return new Regex(text('$regex'), text('$options'));
  return document as BsonDocument;
}
