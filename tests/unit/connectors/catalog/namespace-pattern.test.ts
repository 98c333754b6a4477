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
