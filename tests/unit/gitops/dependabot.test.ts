import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * .github/dependabot.yml: what it refreshes, how often, and that the Maven entry has something to
 * read (Dependabot reads literal versions and the pom's own properties, not -D properties).
 */

const ROOT = path.resolve(__dirname, '../../..');

interface Update {
  'package-ecosystem': string;
  directory: string;
  schedule: { interval: string };
  cooldown?: { 'default-days'?: number };
  groups?: Record<string, { 'update-types'?: string[] }>;
}
const config: { version: number; updates: Update[] } = parse(readFileSync(path.join(ROOT, '.github/dependabot.yml'), 'utf8'));
const update = (ecosystem: string) => config.updates.find((candidate) => candidate['package-ecosystem'] === ecosystem);

/** `<version>` elements Dependabot can read in a pom: literal, or a property the pom itself defines. */
function readableVersions(pomFile: string): string[] {
  const pom = readFileSync(path.join(ROOT, pomFile), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
  const defined = new Set([...(pom.match(/<properties>([\s\S]*?)<\/properties>/)?.[1] ?? '').matchAll(/<([\w.-]+)>/g)].map((match) => match[1]!));
  const versions = [...pom.matchAll(/<artifactId>([\w.-]+)<\/artifactId>\s*<version>([^<]+)<\/version>/g)].map((match) => ({ artifact: match[1]!, version: match[2]! }));
  return versions.filter(({ version }) => !version.startsWith('${') || defined.has(version.slice(2, -1))).map(({ artifact, version }) => `${artifact} ${version}`);
}

describe('dependabot', () => {
  it('refreshes npm packages and the pinned actions of the repository root, and the local runtime’s Maven build', () => {
    expect(config.version).toBe(2);
    expect(config.updates.map((entry) => [entry['package-ecosystem'], entry.directory])).toEqual([
      ['npm', '/'],
      ['github-actions', '/'],
      ['maven', '/local'],
    ]);
  });

  it('weekly, each release a week old first', () => {
    for (const entry of config.updates) {
      expect({ ecosystem: entry['package-ecosystem'], interval: entry.schedule.interval, cooldown: entry.cooldown?.['default-days'] }).toEqual({ ecosystem: entry['package-ecosystem'], interval: 'weekly', cooldown: 7 });
    }
  });

  it('groups npm minor and patch releases into one pull request', () => {
    expect(Object.values(update('npm')!.groups ?? {})).toEqual([{ 'update-types': ['minor', 'patch'] }]);
  });

  it('the Maven entry has versions to read: the build plugins of local/pom.xml and its stand-in module', () => {
    const readable = ['local/pom.xml', 'local/standin/pom.xml'].flatMap(readableVersions);
    expect(readable).toEqual(expect.arrayContaining(['maven-dependency-plugin 3.8.1', 'maven-compiler-plugin 3.13.0']));
    // The runtime's own versions reach the pom as -D properties from config/versions.ts: not readable.
    expect(readable.filter((entry) => /kafka|debezium|mongo-java-server/.test(entry))).toEqual([]);
  });
});
