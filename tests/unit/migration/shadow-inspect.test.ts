import { missingTables, planComparison, type ColumnInfo, type ComparisonRequest, type TableShape } from '../../../migration/shadow-inspect';

const column = (name: string, type = 'text', collation: string | null = null): ColumnInfo => ({ name, type, collation });
const table = (name: string, ...columns: ColumnInfo[]): TableShape => ({ name, columns });

const trigger = table('orders', column('id', 'text', 'default'), column('status'), column('total', 'numeric'), column('updated_at', 'timestamptz'));
const stream = table('orders_stream', column('id', 'text', 'default'), column('status'), column('updated_at', 'timestamptz'), column('__op'), column('extra'));

function request(overrides: Partial<ComparisonRequest> = {}): ComparisonRequest {
  return { schema: 'shop', trigger, stream, keyColumns: ['id'], ignoreColumns: [], ignoreMetadataColumns: true, ...overrides };
}

describe('missingTables', () => {
  it('names each table that has no columns', () => {
    expect(missingTables('shop', table('gone'), trigger, table('also_gone'))).toEqual([
      'table shop.gone does not exist (or has no columns)',
      'table shop.also_gone does not exist (or has no columns)',
    ]);
  });
});

describe('planComparison', () => {
  it('compares every column but the key, the ignored ones and the stream metadata', () => {
    const { plan, problems } = planComparison(request({ ignoreColumns: ['updated_at'] }));
    expect(problems).toEqual([]);
    expect(plan).toMatchObject({
      keyColumns: ['id'],
      comparedColumns: ['status', 'total', 'extra'],
      columnsOnlyInTrigger: ['total'],
      columnsOnlyInStream: ['extra'],
    });
  });

  it('compares the metadata columns when asked', () => {
    expect(planComparison(request({ ignoreMetadataColumns: false })).plan?.comparedColumns).toContain('__op');
  });

  it('gives each side its qualified name, every column and the key types read from the trigger side', () => {
    const { plan } = planComparison(request());
    expect(plan?.stream).toEqual({ name: 'orders_stream', qualified: '"shop"."orders_stream"', columns: ['id', 'status', 'updated_at', '__op', 'extra'], keyColumns: ['id'], keyTypes: ['text'] });
  });

  it('asks for key columns when the trigger table has no primary key', () => {
    expect(planComparison(request({ keyColumns: [] })).problems).toEqual(['table shop.orders has no primary key: name the key columns (--key)']);
  });

  it('refuses keys that are missing, typed differently or sorted differently on the two sides', () => {
    const otherStream = table('orders_stream', column('id', 'text', 'C'), column('line', 'bigint'), column('status'));
    const otherTrigger = table('orders', column('id', 'text', 'default'), column('line', 'integer'), column('status'));
    expect(planComparison(request({ trigger: otherTrigger, stream: otherStream, keyColumns: ['id', 'line', 'status', 'nope'] })).problems).toEqual([
      'key column id: orders collates with default, orders_stream with C; keys must sort alike on both sides',
      'key column line: orders has integer, orders_stream has bigint; keys must have one type',
      'key column nope: missing from orders',
    ]);
  });

  it('reports a since column either side lacks and ignored columns neither has, all at once', () => {
    const noTimestamps = table('orders_stream', column('id', 'text', 'default'), column('status'));
    expect(planComparison(request({ stream: noTimestamps, sinceColumn: 'updated_at', ignoreColumns: ['status', 'ghost'] })).problems).toEqual([
      'since column updated_at: missing from orders_stream (set --since-column)',
      'ignored column ghost: neither table has it',
    ]);
  });
});
