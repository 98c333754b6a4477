import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { versions } from '../../../config/versions';
import { checkInstalled, expectedRuntimeFiles, installStamp, mavenArguments, mavenVersionProperties, POM_FILE } from '../../../scripts/local/install';

const pomText = fs.readFileSync(POM_FILE, 'utf8');

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
        '-Druntime.dir=/somewhere/runtime',
      ]),
    );
    expect(args.slice(0, 5)).toEqual(['-B', '-q', '-f', POM_FILE, 'package']);
  });
});

describe('local/pom.xml against config/versions.ts (one source of versions)', () => {
  it('uses every version property it is given', () => {
    for (const property of Object.keys(mavenVersionProperties())) expect(pomText).toContain(`\${${property}}`);
  });

  it('is given every version property it uses', () => {
    const used = new Set([...pomText.matchAll(/\$\{([a-z0-9.]+\.version)\}/g)].map((match) => match[1]));
    expect([...used].sort()).toEqual(Object.keys(mavenVersionProperties()).sort());
  });

  it('defines no version property itself, so it cannot drift', () => {
    for (const property of Object.keys(mavenVersionProperties())) expect(pomText).not.toContain(`<${property}>`);
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
    stamp(installStamp(pomText));
    expect(checkInstalled(dir, pomText)).toEqual({ complete: true });
  });

  it('is incomplete without a stamp (Maven may have stopped half-way)', () => {
    fill();
    expect(checkInstalled(dir, pomText)).toEqual({ complete: false, reason: `no install stamp in ${dir}` });
  });

  it('is incomplete when a pinned version changed, naming it', () => {
    fill();
    stamp({ ...installStamp(pomText), 'debezium.version': '3.4.0.Final' });
    expect(checkInstalled(dir, pomText)).toEqual({ complete: false, reason: 'installed for other versions (debezium.version changed)' });
  });

  it('is incomplete when the pom changed', () => {
    fill();
    stamp(installStamp(pomText));
    expect(checkInstalled(dir, `${pomText}<!-- edited -->`)).toEqual({ complete: false, reason: 'installed for other versions (pomSha256 changed)' });
  });

  it('is incomplete when a file is missing, naming it', () => {
    const [first, ...rest] = expectedRuntimeFiles();
    fill(rest);
    stamp(installStamp(pomText));
    expect(checkInstalled(dir, pomText)).toEqual({ complete: false, reason: `files missing: ${first}` });
  });

  it('expects the pinned version of each artifact family', () => {
    expect(expectedRuntimeFiles()).toEqual(
      expect.arrayContaining([
        `kafka/libs/kafka_2.13-${versions.kafka}.jar`,
        `plugins/debezium-connector-mongodb/debezium-connector-mongodb-${versions.debezium}.jar`,
        `plugins/debezium-connector-jdbc/postgresql-${versions.postgresqlJdbc}.jar`,
        `plugins/mongo-kafka-connect/mongo-kafka-connect-${versions.mongoKafkaConnect}-all.jar`,
      ]),
    );
  });
});
