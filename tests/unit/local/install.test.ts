import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { versions } from '../../../config/versions';
import { checkInstalled, expectedRuntimeFiles, installProgressLine, installRuntime, installStamp, lastMavenArtifact, mavenArguments, mavenVersionProperties, POM_FILE, readBuildInputs, STANDIN_MODULE_DIR } from '../../../local/install';

const pomText = fs.readFileSync(POM_FILE, 'utf8');
/** The runtime's pom and the stand-in module's pom: between them they use every version property. */
const pomTexts = `${pomText}\n${fs.readFileSync(path.join(STANDIN_MODULE_DIR, 'pom.xml'), 'utf8')}`;
const buildInputs = readBuildInputs();

describe('Maven invocation', () => {
  it('passes every pinned version of config/versions.ts that the pom needs, and the runtime dir', () => {
    const args = mavenArguments('/somewhere/runtime');
    expect(args).toEqual(
      expect.arrayContaining([
        `-Dkafka.version=${versions.kafka}`,
        `-Ddebezium.version=${versions.debezium}`,
        `-Dlog4j.version=${versions.log4j}`,
        `-Dpostgresql.jdbc.version=${versions.postgresqlJdbc}`,
        `-Dmongo.kafka.connect.version=${versions.mongoKafkaConnect}`,
        `-Djmx.exporter.version=${versions.jmxExporter}`,
        `-Dmongo.java.server.version=${versions.mongoJavaServer}`,
        `-Dmongodb.driver.version=${versions.mongodbDriver}`,
        '-Druntime.dir=/somewhere/runtime',
      ]),
    );
    expect(args.slice(0, 4)).toEqual(['-B', '-f', POM_FILE, 'package']);
    // Not quiet: the install's progress reads the artifacts Maven reports from its log.
    expect(args).not.toContain('-q');
  });
});

describe('local/pom.xml and local/standin/pom.xml against config/versions.ts (one source of versions)', () => {
  it('use every version property they are given', () => {
    for (const property of Object.keys(mavenVersionProperties())) expect(pomTexts).toContain(`\${${property}}`);
  });

  it('are given every version property they use', () => {
    const used = new Set([...pomTexts.matchAll(/\$\{([a-z0-9.]+\.version)\}/g)].map((match) => match[1]));
    expect([...used].sort()).toEqual(Object.keys(mavenVersionProperties()).sort());
  });

  it('define no version property themselves, so they cannot drift', () => {
    for (const property of Object.keys(mavenVersionProperties())) expect(pomTexts).not.toContain(`<${property}>`);
  });

  it('build the stand-in module with the runtime', () => {
    expect(pomText).toContain('<module>standin</module>');
  });
});

describe('readBuildInputs', () => {
  it("covers both poms and the stand-in's Java sources, so editing any of them reinstalls", () => {
    expect(buildInputs).toContain('--- local/pom.xml');
    expect(buildInputs).toContain('--- local/standin/pom.xml');
    expect(buildInputs).toMatch(/--- local\/standin\/src\/main\/java\/.+\/MongoStandIn\.java/);
  });
});

describe('checkInstalled', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdc-install-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function fill(files = expectedRuntimeFiles()): void {
    for (const file of files) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), '');
    }
  }
  const stamp = (value: Record<string, string>) => fs.writeFileSync(path.join(dir, '.installed.json'), JSON.stringify(value));

  it('is complete with the stamp of these versions and every expected file', () => {
    fill();
    stamp(installStamp(buildInputs));
    expect(checkInstalled(dir, buildInputs)).toEqual({ complete: true });
  });

  it('is incomplete without a stamp (Maven may have stopped half-way)', () => {
    fill();
    expect(checkInstalled(dir, buildInputs)).toEqual({ complete: false, reason: `no install stamp in ${dir}` });
  });

  it('is incomplete when a pinned version changed, naming it', () => {
    fill();
    stamp({ ...installStamp(buildInputs), 'debezium.version': '3.4.0.Final' });
    expect(checkInstalled(dir, buildInputs)).toEqual({ complete: false, reason: 'installed for other versions (debezium.version changed)' });
  });

  it('is incomplete when a build input (a pom, a stand-in source) changed', () => {
    fill();
    stamp(installStamp(buildInputs));
    expect(checkInstalled(dir, `${buildInputs}<!-- edited -->`)).toEqual({ complete: false, reason: 'installed for other versions (buildInputsSha256 changed)' });
  });

  it('is incomplete when a file is missing, naming it', () => {
    const [first, ...rest] = expectedRuntimeFiles();
    fill(rest);
    stamp(installStamp(buildInputs));
    expect(checkInstalled(dir, buildInputs)).toEqual({ complete: false, reason: `files missing: ${first}` });
  });

  it('expects the pinned version of each artifact family', () => {
    expect(expectedRuntimeFiles()).toEqual(
      expect.arrayContaining([
        `kafka/libs/kafka_2.13-${versions.kafka}.jar`,
        `plugins/debezium-connector-mongodb/debezium-connector-mongodb-${versions.debezium}.jar`,
        `plugins/debezium-connector-jdbc/postgresql-${versions.postgresqlJdbc}.jar`,
        `plugins/mongo-kafka-connect/mongo-kafka-connect-${versions.mongoKafkaConnect}-all.jar`,
        `standin/lib/mongo-java-server-${versions.mongoJavaServer}.jar`,
      ]),
    );
  });
});

describe('local install says how Maven is doing', () => {
  const url = (file: string) => `https://repository.example.invalid/maven2/org/apache/kafka/kafka_2.13/${versions.kafka}/${file}`;

  it('names the last artifact Maven reported: downloading, downloaded or copied', () => {
    const log = [`[INFO] Downloading from remote-repo: ${url('a.pom')}`, `[INFO] Downloaded from remote-repo: ${url('a.pom')} (2.1 kB at 9.8 kB/s)`, `[INFO] Downloading from remote-repo: ${url('kafka_2.13.jar')}`].join('\n');
    expect(lastMavenArtifact(log)).toEqual({ verb: 'downloading', file: 'kafka_2.13.jar' });
    expect(lastMavenArtifact(`${log}\n[INFO] Downloaded from remote-repo: ${url('kafka_2.13.jar')} (6.3 MB at 4 MB/s)\n[INFO] --- maven-dependency-plugin:3.8.1:copy-dependencies`)).toEqual({ verb: 'downloaded', file: 'kafka_2.13.jar' });
    expect(lastMavenArtifact(`${log}\n[INFO] Copying connect-runtime.jar to /tmp/runtime/kafka/libs/connect-runtime.jar`)).toEqual({ verb: 'copied', file: 'connect-runtime.jar' });
    expect(lastMavenArtifact('[INFO] Scanning for projects...\n')).toBeUndefined();
  });

  it('says the elapsed time and the artifact in one line', () => {
    expect(installProgressLine(9_999, '')).toBe('Maven: 9s, no artifact reported yet');
    expect(installProgressLine(80_000, `[INFO] Downloaded from remote-repo: ${url('kafka_2.13.jar')} (6.3 MB at 4 MB/s)`)).toBe('Maven: 1m20s, last downloaded kafka_2.13.jar');
  });

  it('prints a progress line while Maven runs (a stand-in mvn on PATH that reports two artifacts, then fails)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdc-install-'));
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(
      path.join(bin, 'mvn'),
      `#!/bin/sh\necho "[INFO] Downloading from remote-repo: ${url('first.jar')}"\nsleep 0.5\necho "[INFO] Downloaded from remote-repo: ${url('second.jar')} (1 kB at 2 kB/s)"\nsleep 0.5\necho "[ERROR] stand-in Maven gives up"\nexit 1\n`,
      { mode: 0o755 },
    );
    const progress: string[] = [];
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}${path.delimiter}${savedPath}`;
    try {
      const install = installRuntime({ stateDir: path.join(dir, 'state'), runtimeDir: path.join(dir, 'runtime'), onProgress: (line) => progress.push(line), progressEveryMs: 200 });
      await expect(install).rejects.toThrow(/Maven \(local\/pom\.xml\) failed \(exit 1\)[\s\S]*stand-in Maven gives up/);
    } finally {
      process.env.PATH = savedPath;
    }
    const ticks = progress.filter((line) => line.startsWith('Maven: '));
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.some((line) => /^Maven: [01]s, last downloading first\.jar$/.test(line))).toBe(true);
    expect(ticks.at(-1)).toMatch(/^Maven: [01]s, last downloaded second\.jar$/);
    expect(fs.existsSync(path.join(dir, 'runtime'))).toBe(false);
  }, 15_000);
});
