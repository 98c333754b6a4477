import { canMatchNamespace, suggestNamespacePattern } from '../../../../connectors/catalog/namespace-pattern';

describe('namespace-pattern: can a collection.include.list entry match a <database>.<collection>?', () => {
  it.each(['app_db.orders', 'inventory.*', 'inventory\\..*', 'inventory[.].*', '.*', 'inventory[.]customers', 'inv\\w+\\.c', '[^x]+', 'db\\.(orders|lines)', '(?i)APP_DB\\.orders'])(
    '%s can',
    (pattern) => expect(canMatchNamespace(pattern)).toBe(true),
  );

  it.each([
    ['inventory[.]*', 'inventory[.].*'],
    ['inventory\\.*', 'inventory\\..*'],
    ['orders', '<database>\\.orders'],
    ['.orders', '<database>\\..orders'],
  ])('%s cannot, and %s is probably meant', (pattern, meant) => {
    expect(canMatchNamespace(pattern)).toBe(false);
    expect(suggestNamespacePattern(pattern)).toBe(meant);
  });
});

describe('namespace-pattern: character classes', () => {
  it.each([
    ['a class holding the dot among other characters', 'shop[_.]orders'],
    ['a class holding an escaped dot', 'shop[\\.]orders'],
    ['a repeated class of names and dots, the dot last', '[a-z_.]+'],
    ['a repeated class of names and dots, the dot first', '[.a-z_]+'],
    ['a negated class without the dot', 'shop[^_]orders'],
    ['classes before and after the dot', '[a-z]+[.][a-z]+'],
  ])('%s can', (_case, pattern) => expect(canMatchNamespace(pattern)).toBe(true));

  it.each([
    ['a repeated class of dots alone, however escaped', '[.\\.]+'],
    ['a negated class of the dot, for all it repeats', '[^.]+'],
    ['a class without the dot', 'shop[_-]orders'],
  ])('%s cannot', (_case, pattern) => expect(canMatchNamespace(pattern)).toBe(false));

  it('gives up (says it can) on a class that is never closed, which the regex check reports', () => {
    expect(canMatchNamespace('shop[.orders')).toBe(true);
  });
});

describe('namespace-pattern: escapes', () => {
  it('reads \\w and \\d as names without the dot, \\. as the dot alone', () => {
    expect(canMatchNamespace('\\w+\\.\\w+')).toBe(true);
    expect(canMatchNamespace('orders_\\d+')).toBe(false);
    expect(canMatchNamespace('\\w+')).toBe(false);
    expect(canMatchNamespace('\\.+')).toBe(false);
  });

  it('reads \\S, \\W and \\D as matching the dot and names alike', () => {
    expect(canMatchNamespace('\\S+')).toBe(true);
    expect(canMatchNamespace('\\W+')).toBe(true);
    expect(canMatchNamespace('\\D+')).toBe(true);
    expect(canMatchNamespace('\\S')).toBe(false);
  });
});

describe('namespace-pattern: quantifiers', () => {
  it.each(['[a-z_.]{12}', '[a-z_.]{3,64}', '[a-z_.]{1,64}', '[a-z_.]{1,}', '[a-z_.]{2}'])('%s repeats its class, so it can', (pattern) => {
    expect(canMatchNamespace(pattern)).toBe(true);
  });

  it.each(['[a-z_.]{0,1}', '[a-z_.]{1}', '[a-z_.]?', '[a-z_.]'])('%s matches one character at most, so it cannot', (pattern) => {
    expect(canMatchNamespace(pattern)).toBe(false);
  });
});

describe('namespace-pattern: anchors and groups match no character', () => {
  it.each(['^\\.orders', 'shop\\.$', '(\\.orders)', '(shop\\.)', '^shop\\.$'])('%s cannot', (pattern) => {
    expect(canMatchNamespace(pattern)).toBe(false);
  });

  it.each(['^shop\\.orders$', '(shop)\\.(orders)'])('%s can', (pattern) => {
    expect(canMatchNamespace(pattern)).toBe(true);
  });

  // Java compiles a quantified anchor: ^*\.orders matches ".orders" alone, ^*shop\.orders matches shop.orders.
  it.each(['^*\\.orders', '^+\\.orders', 'shop\\.$?', 'shop\\.${1,2}'])('%s cannot: a quantifier after an anchor is no character', (pattern) => {
    expect(canMatchNamespace(pattern)).toBe(false);
  });

  it.each(['^*shop\\.orders', 'shop\\.$*orders'])('%s can, its quantified anchor matching no character', (pattern) => {
    expect(canMatchNamespace(pattern)).toBe(true);
  });

  it('gives up (says it can) on what it does not follow: alternatives, quantified groups, back-references, quoting', () => {
    for (const pattern of ['(shop|inventory)', '(orders)+', '(orders)\\1', '\\Qorders\\E', '(?=orders)']) expect(canMatchNamespace(pattern)).toBe(true);
  });
});

describe('namespace-pattern: the entry as written in the list', () => {
  it('reads an entry without the spaces around it', () => {
    expect(canMatchNamespace(' .orders ')).toBe(false);
    expect(canMatchNamespace(' shop\\.orders ')).toBe(true);
    expect(suggestNamespacePattern(' inventory[.]* ')).toBe('inventory[.].*');
  });

  it('suggests a dot then anything for a trailing run of dots only, with + as with *', () => {
    expect(suggestNamespacePattern('inventory\\.+')).toBe('inventory\\..*');
    expect(suggestNamespacePattern('inventory[.]+')).toBe('inventory[.].*');
    expect(suggestNamespacePattern('\\.*orders')).toBe('<database>\\.\\.*orders');
  });
});
