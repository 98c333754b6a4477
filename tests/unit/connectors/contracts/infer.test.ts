import { Binary, BsonDate, Decimal128, Double, Int64, MinKey, ObjectId, strictJson, type BsonDocument } from '../../../../connectors/contracts/bson';
import { isMixed, observeFields, proposalText, proposeColumn } from '../../../../connectors/contracts/infer';
import { parseStrictJson } from '../../../../connectors/contracts/strict-json';

describe("Debezium's after read back into BSON types", () => {
  it('keeps what JSON.parse loses: 1.0 a double, 42 an Int32, big integers Int64, NaN, the $-wrappers', () => {
    const document: BsonDocument = {
      _id: new ObjectId('65f1a2b3c4d5e6f708192a3b'),
      d: new Double(1),
      i: 42,
      big: new Int64(9007199254740993n),
      n: new Double(NaN),
      dec: new Decimal128('19.99'),
      at: new BsonDate(-5),
      uuid: new Binary('Ej5FZ+ibEtOkVkJmFBdAAA==', 4),
      k: new MinKey(),
      s: 'a "q" ☃ 😀',
      nested: { list: [1, 'x', null, [true]] },
    };
    expect(strictJson(parseStrictJson(strictJson(document)))).toBe(strictJson(document));
  });

  it('says where the text stops being JSON', () => {
    expect(() => parseStrictJson('{"a": }')).toThrow("not Debezium's JSON at character 6: expected a value");
  });
});

describe('schema infer', () => {
  const documents: BsonDocument[] = [
    { _id: 1, status: 'new', total: new Decimal128('1.00'), items: [{ sku: 'A', quantity: 1 }], address: { city: 'Oslo' } },
    { _id: 2, status: 'paid', total: '2.00', items: [{ sku: 'B', quantity: 2 }, { sku: 'C', quantity: 'two' }] },
    { _id: 3, status: null, total: new Decimal128('3.00'), items: [] },
  ];
  const observations = observeFields(documents);
  const byPath = Object.fromEntries(observations.map((observation) => [observation.path, observation]));

  it('counts each field and each type it was seen with, array elements per element', () => {
    expect(byPath.status).toEqual({ path: 'status', present: 3, of: 3, types: [['string', 2], ['null', 1]] });
    expect(byPath['address.city']).toEqual({ path: 'address.city', present: 1, of: 3, types: [['string', 1]] });
    expect(byPath['items[].quantity']).toEqual({ path: 'items[].quantity', present: 3, of: 3, types: [['int32', 2], ['string', 1]] });
  });

  it('calls out mixed types, and proposes the most frequent type, nullable when missing or null anywhere', () => {
    expect(isMixed(byPath.total!)).toBe(true);
    expect(isMixed(byPath.status!)).toBe(false);
    expect(proposeColumn(byPath.total!)).toEqual({ column: 'total', path: 'total', type: 'numeric', nullable: false, note: 'MIXED TYPES: present in 100%; decimal128 67%, string 33%' });
    expect(proposeColumn(byPath.status!)).toMatchObject({ type: 'text', nullable: true });
    expect(proposeColumn(byPath['address.city']!)).toMatchObject({ column: 'address_city', nullable: true });
  });

  it('writes the proposal as a contract to paste, with the array elements as notes', () => {
    const text = proposalText('orders', observations, documents.length);
    expect(text).toContain("export const ordersContract = defineContract('orders', {");
    expect(text).toContain("    total: { path: 'total', type: 'numeric', nullable: false }, // MIXED TYPES: present in 100%; decimal128 67%, string 33%");
    expect(text).toContain('//   items[].quantity: int32 2, string 1 of 3 elements (MIXED TYPES)');
  });
});
