import { defineContract } from '../../../connectors/contracts/define';
import { castSql, jsonPath, linesSql, pipelineTableSql } from '../../../warehouse/contract-sql';
import { sharedWarehouseSql } from '../../../warehouse/functions-sql';

const contract = defineContract('shop', {
  columns: {
    customer_id: { path: 'customer_id', type: 'objectid', nullable: false },
    total: { path: 'total', type: 'numeric(14,2)' },
    points: { path: 'loyalty.points', type: 'bigint' },
    tags: { path: 'tags', type: 'jsonb' },
  },
  lines: { path: 'items', name: 'items', columns: { sku: { path: 'sku', type: 'text', nullable: false }, price: { path: 'price', type: 'numeric(12,2)' } } },
});
const target = { schema: 'public', table: 'shop', excludeFields: ['password_hash', 'card.number'] };
const sql = pipelineTableSql(target, contract);

describe('contract → DDL', () => {
  it('makes the table the sink writes, with the reserved columns, one column per contract field and the violations', () => {
    const table = /CREATE TABLE public\.shop \(([\s\S]*?)\n\);/.exec(sql)![1]!;
    const columns = table.split('\n').map((line) => line.trim().replace(/,$/, '')).filter(Boolean);
    expect(columns).toEqual([
      'id               text PRIMARY KEY',
      '_id              text',
      'doc              jsonb',
      'doc_text         text',
      '__op             text',
      '__source_ts_ms   bigint',
      '__source_ord     integer',
      '__event_ts_ms    bigint',
      'customer_id      text',
      'total            numeric(14,2)',
      'points           bigint',
      'tags             jsonb',
      '__violations     jsonb',
    ]);
  });

  it('fills each column with the safe cast of its type over the parsed document', () => {
    expect(sql).toContain("NEW.customer_id := cdc.as_object_id(NEW.doc->'customer_id');");
    expect(sql).toContain("NEW.total := cdc.as_numeric(NEW.doc->'total', 14, 2)::numeric(14,2);");
    expect(sql).toContain(`NEW.points := cdc.as_bigint(NEW.doc #> '{"loyalty","points"}');`);
    expect(sql).toContain("NEW.tags := nullif(NEW.doc->'tags', 'null'::jsonb);");
  });

  it('checks every field, naming the path and the reason, line items by index', () => {
    expect(sql).toContain("x := cdc.violation(doc->'customer_id', cdc.as_object_id(doc->'customer_id') IS NULL, false, 'objectid');");
    expect(sql).toContain("x := cdc.violation(doc->'tags', false, true, 'jsonb');");
    expect(sql).toContain("'items' || '[' || n || '].' || 'sku'");
  });

  it('drops the excluded fields from the document before the row is written', () => {
    expect(sql).toContain("NEW.doc := NEW.doc #- '{password_hash}';");
    expect(sql).toContain("NEW.doc := NEW.doc #- '{card,number}';");
  });

  it('guards the version on every write, and only a marked row may be deleted', () => {
    expect(sql).toContain('IF (coalesce(NEW.__source_ts_ms, 0), coalesce(NEW.__source_ord, 0)) < (coalesce(OLD.__source_ts_ms, 0), coalesce(OLD.__source_ord, 0)) THEN RETURN NULL; END IF;');
    expect(sql).toContain("d.table_name = 'public.shop'");
    expect(sql).toContain('CREATE TRIGGER guard_delete BEFORE DELETE ON public.shop FOR EACH ROW EXECUTE FUNCTION cdc.guard_delete();');
    expect(sql).toContain('CREATE TRIGGER record_deletion AFTER DELETE ON public.shop FOR EACH ROW EXECUTE FUNCTION cdc.record_deletion();');
    expect(sql).toContain("CREATE TRIGGER delete_marked AFTER INSERT OR UPDATE ON public.shop FOR EACH ROW WHEN (NEW.__op = 'd') EXECUTE FUNCTION cdc.delete_marked();");
    expect(sharedWarehouseSql()).toContain("IF OLD.__op IS DISTINCT FROM 'd' THEN RETURN NULL; END IF;");
  });

  it('qualifies every table it names: a trigger runs with its caller\'s search_path', () => {
    const unqualified = [...sql.matchAll(/\b(?:FROM|INTO|ON|TABLE|REFERENCES)\s+([a-z_]+)\b(?!\.)/g)].map((match) => match[1]).filter((name) => !['public', 'cdc', 'conflict', 'each', 'column', 'table'].includes(name!.toLowerCase()));
    expect(unqualified.filter((name) => name !== 'jsonb_array_elements')).toEqual([]);
  });

  it('keeps line items as a view over the array by default, or as a child table written by a trigger', () => {
    expect(linesSql(target, contract)).toMatch(/^CREATE VIEW public\.shop_items AS/);
    const table = linesSql(target, { ...contract, lines: { ...contract.lines!, storage: 'table' } });
    expect(table).toContain('CREATE TABLE public.shop_items (');
    expect(table).toContain('parent_id        text NOT NULL REFERENCES public.shop (id) ON DELETE CASCADE');
    expect(table).toContain('CREATE TRIGGER lines_updated AFTER UPDATE ON public.shop FOR EACH ROW WHEN (NEW.doc IS DISTINCT FROM OLD.doc)');
  });

  it('reads dot paths and quotes names', () => {
    expect(jsonPath('doc', 'a')).toBe("doc->'a'");
    expect(jsonPath('doc', "it's.b")).toBe(`doc #> '{"it''s","b"}'`);
    expect(castSql('v', 'double')).toBe('cdc.as_double(v)');
    expect(() => pipelineTableSql({ schema: 'public', table: 'Bad-Name' }, contract)).toThrow('is not a plain lower-case SQL identifier');
  });

  it('needs PostgreSQL 16 (pg_input_is_valid) and says so', () => {
    expect(sharedWarehouseSql()).toContain('pg_input_is_valid');
  });
});
