import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { versions } from '../../../config/versions';
import { checkInstalled, expectedRuntimeFiles, installStamp, mavenArguments, mavenVersionProperties, POM_FILE, readBuildInputs, STANDIN_MODULE_DIR } from '../../../local/install';

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
    expect(args.slice(0, 5)).toEqual(['-B', '-q', '-f', POM_FILE, 'package']);
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
