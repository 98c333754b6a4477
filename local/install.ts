import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { versions } from '../config/versions';
import { LocalRuntimeError, REPOSITORY_ROOT, runtimeLayout, type ResolvedRuntimeOptions } from './options';
import { runToCompletion, runToCompletionWithTicks } from './processes';
import { tailFile, withLock } from './state';

/**
 * Fills the runtime dir (Kafka's jars, one directory per connector plugin, the JMX agent) with
 * Maven from `local/pom.xml`, passing the versions of config/versions.ts as -D properties: the pom
 * names no version itself. A stamp file records what was installed; when it matches and the key
 * files are there, Maven is not run at all.
 */

export const POM_FILE = path.join(REPOSITORY_ROOT, 'local', 'pom.xml');
/** The module that builds the local MongoDB stand-in (mongo-java-server and its writer). */
export const STANDIN_MODULE_DIR = path.join(REPOSITORY_ROOT, 'local', 'standin');
const STAMP_FILE = '.installed.json';

/** The Maven properties `local/pom.xml` expects, from the one list of pinned versions. */
export function mavenVersionProperties(): Readonly<Record<string, string>> {
  return {
    'kafka.version': versions.kafka,
    'debezium.version': versions.debezium,
    'log4j.version': versions.log4j,
    'postgresql.jdbc.version': versions.postgresqlJdbc,
    'mongo.kafka.connect.version': versions.mongoKafkaConnect,
    'jmx.exporter.version': versions.jmxExporter,
    'mongo.java.server.version': versions.mongoJavaServer,
    'mongodb.driver.version': versions.mongodbDriver,
  };
}

/**
 * Batch mode, not quiet: the log then has Maven's `Downloading from …`/`Downloaded from …` and the
 * dependency plugin's `Copying …` lines, from which the install's progress names the last artifact.
 */
export function mavenArguments(runtimeDir: string, pomFile = POM_FILE): string[] {
  const properties = Object.entries({ ...mavenVersionProperties(), 'runtime.dir': runtimeDir }).map(([key, value]) => `-D${key}=${value}`);
  return ['-B', '-f', pomFile, 'package', ...properties];
}

/** How often `local install` says how Maven is doing (a cold cache downloads a few hundred MB). */
export const INSTALL_PROGRESS_EVERY_MS = 10_000;

/** The last artifact Maven's log names (`Downloading from <repository>: <url>`, `Downloaded from …`, `Copying <file> to …`), and what happened to it. */
export function lastMavenArtifact(log: string): { readonly verb: 'downloading' | 'downloaded' | 'copied'; readonly file: string } | undefined {
  const lines = log.split('\n');
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    const transfer = /\b(Downloading|Downloaded) from [^\s:]+: (\S+)/.exec(lines[index]!);
    if (transfer) return { verb: transfer[1] === 'Downloading' ? 'downloading' : 'downloaded', file: transfer[2]!.split('/').pop()! };
    const copy = /\bCopying (\S+) to /.exec(lines[index]!);
    if (copy) return { verb: 'copied', file: path.basename(copy[1]!) };
  }
  return undefined;
}

/** `Maven: 1m20s, last downloaded kafka_2.13-3.9.1.jar`: one progress line while it runs. */
export function installProgressLine(elapsedMs: number, log: string): string {
  const seconds = Math.floor(elapsedMs / 1000);
  const elapsed = seconds >= 60 ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
  const artifact = lastMavenArtifact(log);
  return `Maven: ${elapsed}, ${artifact ? `last ${artifact.verb} ${artifact.file}` : 'no artifact reported yet'}`;
}

/** Where the stand-in's jar and its dependencies land, relative to the runtime dir. */
export const STANDIN_LIB_DIR = 'standin/lib';
const STANDIN_JAR = 'mongodb-standin.jar';

/** What an installed runtime must hold, relative to the runtime dir: one file per artifact family. */
export function expectedRuntimeFiles(): string[] {
  return [
    `kafka/libs/kafka_2.13-${versions.kafka}.jar`,
    `kafka/libs/kafka-tools-${versions.kafka}.jar`,
    `kafka/libs/connect-runtime-${versions.kafka}.jar`,
    `kafka/libs/log4j-core-${versions.log4j}.jar`,
    `plugins/debezium-connector-mongodb/debezium-connector-mongodb-${versions.debezium}.jar`,
    `plugins/debezium-connector-jdbc/debezium-connector-jdbc-${versions.debezium}.jar`,
    `plugins/debezium-connector-jdbc/postgresql-${versions.postgresqlJdbc}.jar`,
    `plugins/mongo-kafka-connect/mongo-kafka-connect-${versions.mongoKafkaConnect}-all.jar`,
    'agents/jmx_prometheus_javaagent.jar',
    // Written by `connect-plugin-path sync-manifests`: the one plugin that ships no ServiceLoader manifests.
    'plugins/mongo-kafka-connect/connect-plugin-path-shim-1.0.0.jar',
    // The local MongoDB stand-in (local/standin).
    `${STANDIN_LIB_DIR}/${STANDIN_JAR}`,
    `${STANDIN_LIB_DIR}/mongo-java-server-${versions.mongoJavaServer}.jar`,
    `${STANDIN_LIB_DIR}/mongodb-driver-sync-${versions.mongodbDriver}.jar`,
  ];
}

/**
 * Everything Maven builds from, as one text: the poms and the stand-in's Java sources. A change to
 * any of them changes the install stamp, so the next `up` rebuilds.
 */
export function readBuildInputs(): string {
  const sources: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else sources.push(file);
    }
  };
  walk(path.join(STANDIN_MODULE_DIR, 'src'));
  const files = [POM_FILE, path.join(STANDIN_MODULE_DIR, 'pom.xml'), ...sources];
  return files.map((file) => `--- ${path.relative(REPOSITORY_ROOT, file)}\n${fs.readFileSync(file, 'utf8')}`).join('\n');
}

/** The stamp: the versions and the digest of the build inputs (a changed pom or stand-in source reinstalls too). */
export function installStamp(buildInputs: string): Record<string, string> {
  return { ...mavenVersionProperties(), buildInputsSha256: createHash('sha256').update(buildInputs).digest('hex') };
}

export type InstallCheck = { complete: true } | { complete: false; reason: string };

export function checkInstalled(runtimeDir: string, buildInputs: string): InstallCheck {
  let recorded: unknown;
  try {
    recorded = JSON.parse(fs.readFileSync(path.join(runtimeDir, STAMP_FILE), 'utf8'));
  } catch {
    return { complete: false, reason: `no install stamp in ${runtimeDir}` };
  }
  const wanted = installStamp(buildInputs);
  const changed = Object.keys(wanted).filter((key) => (recorded as Record<string, string>)[key] !== wanted[key]);
  if (changed.length > 0) return { complete: false, reason: `installed for other versions (${changed.join(', ')} changed)` };
  const missing = expectedRuntimeFiles().filter((file) => !fs.existsSync(path.join(runtimeDir, file)));
  if (missing.length > 0) return { complete: false, reason: `files missing: ${missing.join(', ')}` };
  return { complete: true };
}

export interface InstallResult {
  readonly runtimeDir: string;
  /** False when the runtime was already complete for these versions and Maven was not run. */
  readonly ranMaven: boolean;
}

/**
 * Installs the runtime unless it is complete. Maven fills a fresh staging directory that then
 * replaces the old one by rename: jars of a previous version never mix with the new ones on a
 * classpath, and a JVM still running from the old files keeps its (renamed-away) jars intact.
 */
export async function installRuntime(options: Pick<ResolvedRuntimeOptions, 'stateDir' | 'runtimeDir' | 'onProgress'> & { readonly progressEveryMs?: number }): Promise<InstallResult> {
  const { runtimeDir, progressEveryMs = INSTALL_PROGRESS_EVERY_MS } = options;
  const buildInputs = readBuildInputs();
  const before = checkInstalled(runtimeDir, buildInputs);
  if (before.complete) return { runtimeDir, ranMaven: false };
  // A second install of the same runtime dir (a developer's up beside the tests' set-up) waits for the first.
  return withLock(`${runtimeDir}.install-lock`, 'install', async () => {
    // The install we waited for may have done the work: check again under the lock.
    const check = checkInstalled(runtimeDir, buildInputs);
    if (check.complete) return { runtimeDir, ranMaven: false };
    checkJava();
    options.onProgress(`installing the runtime with Maven into ${runtimeDir} (${check.reason})`);
    const staging = `${runtimeDir}.staging-${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    const logFile = runtimeLayout(options).logFile('install');
    try {
      await runToCompletionWithTicks('mvn', mavenArguments(staging), logFile, {
        what: 'Maven (local/pom.xml)',
        ticks: { everyMs: progressEveryMs, onTick: (elapsedMs) => options.onProgress(installProgressLine(elapsedMs, tailFile(logFile, 50))) },
      });
      options.onProgress('writing ServiceLoader manifests for the plugins that lack them (the worker then skips its class scan)');
      runToCompletion(
        javaCommand(),
        ['-Xmx512m', '-cp', `${path.join(staging, 'kafka', 'libs')}/*`, 'org.apache.kafka.tools.ConnectPluginPath', 'sync-manifests', '--plugin-path', path.join(staging, 'plugins')],
        logFile,
        { what: 'connect-plugin-path sync-manifests' },
      );
      fs.writeFileSync(path.join(staging, STAMP_FILE), `${JSON.stringify(installStamp(buildInputs), null, 2)}\n`);
      const after = checkInstalled(staging, buildInputs);
      if (!after.complete) throw new LocalRuntimeError(`the install finished but the runtime is incomplete: ${after.reason}`, `see ${logFile}`);
    } catch (error) {
      fs.rmSync(staging, { recursive: true, force: true });
      if (/cannot run mvn: .*ENOENT/.test((error as Error).message)) {
        throw new LocalRuntimeError('Maven (mvn) is not installed', 'install Maven 3.8+ and a JDK 17+ (Debian: apt-get install maven openjdk-17-jdk-headless)');
      }
      throw error;
    }
    const retired = `${runtimeDir}.retired-${process.pid}`;
    if (fs.existsSync(runtimeDir)) fs.renameSync(runtimeDir, retired);
    fs.renameSync(staging, runtimeDir);
    fs.rmSync(retired, { recursive: true, force: true });
    return { runtimeDir, ranMaven: true };
  }, INSTALL_LOCK_WAIT_MS);
}

/** Maven with a cold cache downloads a few hundred MB: long enough for a waiting second install. */
const INSTALL_LOCK_WAIT_MS = 15 * 60_000;

/** Debezium 3.x needs Java 17: say so before Maven runs rather than when Connect fails to load a plugin. */
export function checkJava(): void {
  const java = javaCommand();
  const result = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (result.error) throw new LocalRuntimeError(`Java is not installed (${java}: ${result.error.message})`, 'install a JDK 17+ (Debian: apt-get install openjdk-17-jdk-headless) or set JAVA_HOME');
  const match = /version "(\d+)/.exec(result.stderr);
  const major = match ? Number(match[1]) : 0;
  if (major < 17) throw new LocalRuntimeError(`Java 17 or later is needed for Debezium 3 (got ${match ? match[1] : 'an unknown version'} from ${java})`, 'set JAVA_HOME to a JDK 17+');
}

/** `$JAVA_HOME/bin/java` when JAVA_HOME is set, else `java` from PATH. */
export function javaCommand(): string {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}
