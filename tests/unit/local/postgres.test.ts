import { maskUrlPassword } from '../../../config/secrets';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { embeddedWarehouseUrl, privateFolder, relocatedWarehouseHome, warehouseCredentials, warehouseWorkerEnvironment, writeInitdbPasswordFile, writeNewPrivateFile } from '../../../local/postgres';
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

/** What a root-run warehouse puts in the shared temporary directory, against another local user who got there first. */
describe('the warehouse folders and files outside the state dir', () => {
  let temporaryRoot: string;
  beforeEach(() => {
    temporaryRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'warehouse-home-'));
  });
  afterEach(() => fs.rmSync(temporaryRoot, { recursive: true, force: true }));
  const asRoot = process.getuid?.() === 0 ? it : it.skip;
  const layout = { postgresDataDir: '/state/data/postgres/data' };

  it('lives right under the temporary directory, one name per state dir, in no shared folder', () => {
    const home = relocatedWarehouseHome(layout, temporaryRoot);
    expect(path.dirname(home)).toBe(temporaryRoot);
    expect(relocatedWarehouseHome({ postgresDataDir: '/other/data/postgres/data' }, temporaryRoot)).not.toBe(home);
  });

  it('is made by us, 0711, on first use, and accepted again when it is still ours', () => {
    const home = privateFolder(relocatedWarehouseHome(layout, temporaryRoot));
    const made = fs.lstatSync(home);
    expect({ mode: made.mode & 0o777, uid: made.uid }).toEqual({ mode: 0o711, uid: process.getuid?.() });
    expect(privateFolder(home)).toBe(home);
  });

  asRoot('is refused when someone else made it first, with a bin/postgres of theirs in it (never run)', () => {
    const home = relocatedWarehouseHome(layout, temporaryRoot);
    fs.mkdirSync(path.join(home, 'embedded-postgres', 'bin'), { recursive: true, mode: 0o755 });
    fs.writeFileSync(path.join(home, 'embedded-postgres', 'bin', 'postgres'), '#!/bin/sh\necho owned\n', { mode: 0o755 });
    fs.chownSync(home, 65534, 65534);
    expect(() => privateFolder(home)).toThrow(/belongs to uid 65534, not to this user/);
  });

  it('is refused when it is a symbolic link, or others can write it', () => {
    const home = relocatedWarehouseHome(layout, temporaryRoot);
    fs.mkdirSync(path.join(temporaryRoot, 'elsewhere'));
    fs.symlinkSync(path.join(temporaryRoot, 'elsewhere'), home);
    expect(() => privateFolder(home)).toThrow(/is not a folder \(a symbolic link\?\)/);
    fs.rmSync(home);
    fs.mkdirSync(home);
    fs.chmodSync(home, 0o777);
    expect(() => privateFolder(home)).toThrow(/can be written by other users/);
  });

  it("initdb's password file goes into a folder made for it, not through a link planted at the old predictable name", () => {
    const dataParent = path.join(temporaryRoot, 'data');
    fs.mkdirSync(dataParent);
    const target = path.join(temporaryRoot, 'target');
    fs.writeFileSync(target, 'untouched');
    // The path the password file had before, with a link planted in it by the data dir's owner.
    fs.symlinkSync(target, path.join(dataParent, `.pwfile-${process.pid}`));
    const password = generatedSecret('password');
    const written = writeInitdbPasswordFile(path.join(dataParent, 'postgres'), password, undefined);
    try {
      expect(path.dirname(path.dirname(written.file))).toBe(temporaryRoot);
      expect(fs.readFileSync(written.file, 'utf8')).toBe(`${password}\n`);
      expect(fs.statSync(written.file).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(target, 'utf8')).toBe('untouched');
    } finally {
      written.remove();
    }
    expect(fs.existsSync(path.dirname(written.file))).toBe(false);
  });

  it('a new private file is never written through a link, nor over a file that is there', () => {
    const target = path.join(temporaryRoot, 'target');
    fs.writeFileSync(target, 'untouched');
    fs.symlinkSync(target, path.join(temporaryRoot, 'credentials.json'));
    expect(() => writeNewPrivateFile(path.join(temporaryRoot, 'credentials.json'), 'secret')).toThrow(/EEXIST/);
    expect(() => warehouseCredentials({ postgresCredentials: path.join(temporaryRoot, 'credentials.json') })).toThrow(/ELOOP/);
    expect(fs.readFileSync(target, 'utf8')).toBe('untouched');
  });

  it('the generated credentials are created once, mode 0600, and read back', () => {
    const file = path.join(temporaryRoot, 'postgres', 'credentials.json');
    const first = warehouseCredentials({ postgresCredentials: file });
    expect(warehouseCredentials({ postgresCredentials: file })).toEqual(first);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
});
