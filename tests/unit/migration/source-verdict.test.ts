import * as fs from 'node:fs';
import * as path from 'node:path';
import { BsonDate, Decimal128, Double, strictJson, type BsonDocument } from '../../../connectors/contracts/bson';
import { customerDocument, customerId, orderDocument } from '../../../local/sample-data';
import { DEFAULT_TOLERANCES } from '../../../migration/compare';
import { agreesWithSource, documentVersion, rowDocument, SOURCE_VERDICTS, sourceDocument, sourceVerdict, type VerdictInput } from '../../../migration/source-verdict';

/**
 * The verdict on one discrepancy, from realistic orders (ObjectId keys, line items, Decimal128
 * money) held the way the warehouse holds them: `doc` as PostgreSQL hands a jsonb back (the sink's
 * strict JSON parsed), or `doc_text` when it did not parse.
 */

const STARTED_AT = Date.parse('2026-01-05T12:00:00Z');
const at = (offsetSeconds: number) => new Date(STARTED_AT + offsetSeconds * 1000);

/** Order 7 as placed an hour before the run, and as paid later. */
const placed = orderDocument(7, customerId(3), at(-3600));
const paidAt = (offsetSeconds: number): BsonDocument => ({ ...placed, status: 'paid', updated_at: BsonDate.of(at(offsetSeconds)) });

const asDoc = (document: BsonDocument) => ({ id: '{"$oid": "…"}', doc: JSON.parse(strictJson(document)) as unknown, doc_text: null });
const asDocText = (document: BsonDocument) => ({ id: '{"$oid": "…"}', doc: null, doc_text: strictJson(document) });

function verdict(input: Omit<VerdictInput, 'startedAtMs' | 'versionField' | 'tolerances' | 'source'> & { source: BsonDocument | null }): string {
  return sourceVerdict({ ...input, source: input.source && sourceDocument(input.source), startedAtMs: STARTED_AT, versionField: 'updated_at', tolerances: DEFAULT_TOLERANCES });
}

describe('the document a row holds, and its version', () => {
  it('reads doc, else doc_text, else none', () => {
    expect(rowDocument(asDoc(placed))).toMatchObject({ _id: { $oid: expect.any(String) }, status: 'new' });
    expect(rowDocument(asDocText(placed))).toBe(strictJson(placed));
    expect(rowDocument({ id: 'x', doc: null, doc_text: null })).toBeUndefined();
  });

  it('dates a document by its version field, in either form the row holds it', () => {
    expect(documentVersion(rowDocument(asDoc(paidAt(5))), 'updated_at')).toBe(STARTED_AT + 5000);
    expect(documentVersion(rowDocument(asDocText(paidAt(5))), 'updated_at')).toBe(STARTED_AT + 5000);
    expect(documentVersion(sourceDocument(paidAt(5)), 'updated_at')).toBe(STARTED_AT + 5000);
    expect(documentVersion(sourceDocument(placed), 'paid_at')).toBeUndefined();
  });
});

describe('agreesWithSource', () => {
  it('takes the document as the sink writes it, line items and Decimal128 amounts included', () => {
    expect(agreesWithSource(asDoc(placed), sourceDocument(placed), DEFAULT_TOLERANCES)).toBe(true);
    expect(agreesWithSource(asDocText(placed), sourceDocument(placed), DEFAULT_TOLERANCES)).toBe(true);
    expect(agreesWithSource({ doc: null, doc_text: null }, sourceDocument(placed), DEFAULT_TOLERANCES)).toBe(false);
  });

  it('sees a changed line item price, within and beyond the run\'s numeric tolerance', () => {
    const items = placed.items as readonly BsonDocument[];
    const price = Number((items[0]!.price as Decimal128).text);
    const priced = (factor: number): BsonDocument => ({ ...placed, items: [{ ...items[0]!, price: new Decimal128((price * factor).toFixed(4)) }, ...items.slice(1)] });
    expect(agreesWithSource(asDoc(priced(1.005)), sourceDocument(placed), DEFAULT_TOLERANCES)).toBe(true);
    expect(agreesWithSource(asDoc(priced(1.05)), sourceDocument(placed), DEFAULT_TOLERANCES)).toBe(false);
  });

  it('leaves out the fields the pipeline excludes, as the table\'s trigger does', () => {
    const customer = customerDocument(4, at(-60));
    const { password_hash: _excluded, ...held } = customer;
    expect(agreesWithSource(asDoc(held), sourceDocument(customer), DEFAULT_TOLERANCES)).toBe(false);
    expect(agreesWithSource(asDoc(held), sourceDocument(customer, ['password_hash']), DEFAULT_TOLERANCES)).toBe(true);
    const { street: _street, ...address } = customer.address as BsonDocument;
    expect(agreesWithSource(asDoc({ ...held, address }), sourceDocument(customer, ['password_hash', 'address.street']), DEFAULT_TOLERANCES)).toBe(true);
  });

  it('repairs what jsonb cannot hold as the warehouse repairs it (a NaN double, U+0000)', () => {
    const odd: BsonDocument = { ...placed, score: new Double(NaN), notes: 'a\u0000b' };
    const held = { doc: { ...(JSON.parse(strictJson({ ...placed, notes: 'a\ufffdb' })) as object), score: { $numberDouble: 'NaN' } } };
    expect(agreesWithSource(held, sourceDocument(odd), DEFAULT_TOLERANCES)).toBe(true);
  });
});

describe('sourceVerdict', () => {
  it('blames the side that does not hold the source\'s document', () => {
    expect(verdict({ triggerRow: asDoc(placed), streamRow: asDoc(paidAt(-60)), source: paidAt(-60) })).toBe('trigger-side wrong');
    expect(verdict({ triggerRow: asDocText(paidAt(-60)), streamRow: asDoc(placed), source: paidAt(-60) })).toBe('stream-side wrong');
  });

  it('blames both when neither holds it and the source changed before the run started', () => {
    const other = { ...paidAt(-60), status: 'shipped' };
    expect(verdict({ triggerRow: asDoc(placed), streamRow: asDoc(other), source: paidAt(-60) })).toBe('both wrong');
  });

  it('blames neither when the source changed after the run started: the change may have come after the rows were read', () => {
    expect(verdict({ triggerRow: asDoc(placed), streamRow: asDoc(paidAt(-60)), source: { ...paidAt(30), status: 'shipped' } })).toBe('source changed since');
    // One side already holds the newer version: the other is behind, not wrong.
    expect(verdict({ triggerRow: asDoc(placed), streamRow: asDoc(paidAt(30)), source: paidAt(30) })).toBe('source changed since');
  });

  it('takes a version equal to the run\'s start as before it, and one a millisecond later as after', () => {
    const sourceAt = (ms: number): BsonDocument => ({ ...placed, status: 'paid', updated_at: new BsonDate(STARTED_AT + ms) });
    expect(verdict({ triggerRow: asDoc(placed), streamRow: asDoc({ ...placed, status: 'x' }), source: sourceAt(0) })).toBe('both wrong');
    expect(verdict({ triggerRow: asDoc(placed), streamRow: asDoc({ ...placed, status: 'x' }), source: sourceAt(1) })).toBe('source changed since');
  });

  it('blames a side holding the source\'s version with other content, however recent the version', () => {
    const corrupted = { ...paidAt(30), total: new Decimal128('0.01') };
    expect(verdict({ triggerRow: asDoc(corrupted), streamRow: asDoc(placed), source: paidAt(30) })).toBe('trigger-side wrong');
    expect(verdict({ triggerRow: asDoc(paidAt(-60)), streamRow: asDoc({ ...paidAt(-60), total: new Decimal128('0.01') }), source: paidAt(-60) })).toBe('stream-side wrong');
  });

  it('blames the side missing a row the source has, unless the document is newer than the run', () => {
    expect(verdict({ triggerRow: asDoc(placed), source: placed })).toBe('stream-side wrong');
    expect(verdict({ streamRow: asDoc(placed), source: placed })).toBe('trigger-side wrong');
    expect(verdict({ triggerRow: asDoc(placed), source: paidAt(-60) })).toBe('both wrong');
    const insertedSince = { ...placed, created_at: BsonDate.of(at(10)), updated_at: BsonDate.of(at(10)) };
    expect(verdict({ streamRow: asDoc(insertedSince), source: insertedSince })).toBe('source changed since');
  });

  it('blames the sides still holding a document the source deleted', () => {
    expect(verdict({ triggerRow: asDoc(placed), source: null })).toBe('trigger-side wrong');
    expect(verdict({ streamRow: asDoc(placed), source: null })).toBe('stream-side wrong');
    expect(verdict({ triggerRow: asDoc(placed), streamRow: asDoc(paidAt(-60)), source: null })).toBe('both wrong');
  });

  it('decides nothing when both hold the source\'s document: the rows differ outside it', () => {
    expect(verdict({ triggerRow: { ...asDoc(placed), note: 'trigger' }, streamRow: { ...asDocText(placed), note: 'stream' }, source: placed })).toBe('undecided');
  });

  it('cannot date a document without its version field: neither side is behind', () => {
    const { updated_at: _version, ...unversioned } = paidAt(30);
    expect(verdict({ triggerRow: asDoc(placed), streamRow: asDoc({ ...placed, status: 'x' }), source: unversioned })).toBe('both wrong');
  });
});

describe('the verdicts the warehouse accepts', () => {
  it('are the verdicts this module gives, in migration 005', () => {
    const sql = fs.readFileSync(path.resolve(__dirname, '../../../warehouse/migrations/005_discrepancy_source_verdicts.sql'), 'utf8');
    const listed = /source_verdict IN \(([^)]*)\)/.exec(sql)![1]!.split(',').map((entry) => entry.trim().replace(/^'|'$/g, ''));
    expect(listed).toEqual([...SOURCE_VERDICTS]);
  });
});
