import { maskUrlPassword } from '../../../config/secrets';
import { embeddedWarehouseUrl, warehouseWorkerEnvironment } from '../../../local/postgres';
import { generatedSecret } from '../../support/generated-secret';

const LEAKED = generatedSecret('password');
/** Generated too, with the characters a URL must encode. */
const SPECIAL = `${generatedSecret('p')}@/+`;
const SPECIAL_ENCODED = encodeURIComponent(SPECIAL);

describe('warehouseWorkerEnvironment', () => {
  it('turns a postgres:// URL into the JDBC URL, user and password the connectors read through ${env:…}', () => {
    expect(SPECIAL_ENCODED).toMatch(/%40%2F%2B$/);
    expect(warehouseWorkerEnvironment(`postgres://cdc:${SPECIAL_ENCODED}@127.0.0.1:5433/warehouse`)).toEqual({
      CDC_WAREHOUSE_JDBC_URL: 'jdbc:postgresql://127.0.0.1:5433/warehouse',
      CDC_WAREHOUSE_USER: 'cdc',
      CDC_WAREHOUSE_PASSWORD: SPECIAL,
    });
  });

  it('keeps connection parameters and defaults the port to 5432', () => {
    expect(warehouseWorkerEnvironment(`postgresql://u:${LEAKED}@db.internal/bi?sslmode=require`).CDC_WAREHOUSE_JDBC_URL).toBe('jdbc:postgresql://db.internal:5432/bi?sslmode=require');
  });

  it('never puts the password into the JDBC URL', () => {
    expect(warehouseWorkerEnvironment(`postgres://u:${LEAKED}@h:1/d`).CDC_WAREHOUSE_JDBC_URL).not.toContain(LEAKED);
  });
});

describe('embeddedWarehouseUrl and maskUrlPassword', () => {
  it('encodes the generated password and masks it for text output', () => {
    const url = embeddedWarehouseUrl({ user: 'cdc', password: SPECIAL, database: 'warehouse' }, 5433);
    expect(url).toBe(`postgres://cdc:${SPECIAL_ENCODED}@127.0.0.1:5433/warehouse`);
    expect(maskUrlPassword(url)).toBe('postgres://cdc:****@127.0.0.1:5433/warehouse');
  });

  it('can address another database of the same server', () => {
    expect(embeddedWarehouseUrl({ user: 'cdc', password: LEAKED, database: 'warehouse' }, 1, 'postgres')).toBe(`postgres://cdc:${LEAKED}@127.0.0.1:1/postgres`);
  });
});
