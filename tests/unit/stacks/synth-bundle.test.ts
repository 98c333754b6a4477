import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

// bin/synth.js is plain JavaScript (it must run before any TypeScript loader): its own types here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureBundle } = require('../../../bin/synth.js') as {
  ensureBundle(options: { root?: string; entry?: string; cacheDir?: string }): { file: string; rebuilt: string | undefined };
};

const repository = path.resolve(__dirname, '../../..');
const scratch = mkdtempSync(path.join(tmpdir(), 'cdc-synth-bundle-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function filesUnder(directory: string, prefix = ''): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(directory)) {
    const full = path.join(directory, entry);
    if (statSync(full).isDirectory()) for (const [name, content] of filesUnder(full, `${prefix}${entry}/`)) files.set(name, content);
    else files.set(`${prefix}${entry}`, readFileSync(full));
  }
  return files;
}

function synth(args: string[], outdir: string, cacheDir?: string) {
  const run = spawnSync(process.execPath, args, {
    cwd: repository,
    env: { ...process.env, CDKTF_OUTDIR: outdir, ...(cacheDir ? { CDC_SYNTH_CACHE_DIR: cacheDir } : {}) },
    encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('bin/synth.js (npm run synth): main.ts bundled by esbuild', () => {
  it('writes byte for byte what the unbundled app writes, for every environment', () => {
    const unbundled = synth(['bin/run-ts', 'main.ts'], path.join(scratch, 'unbundled'));
    const cacheDir = path.join(scratch, 'cache');
    const bundled = synth(['bin/synth.js'], path.join(scratch, 'bundled'), cacheDir);
    expect(unbundled.status).toBe(0);
    expect(bundled.status).toBe(0);
    expect(bundled.stderr).toMatch(/^synth: bundled main\.ts in [\d.]+ s \(no bundle yet\)\n$/);
    expect(bundled.stdout.replace(path.join(scratch, 'bundled'), 'OUT')).toBe(unbundled.stdout.replace(path.join(scratch, 'unbundled'), 'OUT'));
    const expected = filesUnder(path.join(scratch, 'unbundled'));
    const actual = filesUnder(path.join(scratch, 'bundled'));
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    expect([...expected.keys()].filter((file) => file.endsWith('cdk.tf.json')).length).toBeGreaterThan(0);
    for (const [file, content] of expected) expect({ file, same: actual.get(file)!.equals(content) }).toEqual({ file, same: true });

    // The second run takes the cached bundle and says nothing on stderr.
    const again = synth(['bin/synth.js'], path.join(scratch, 'again'), cacheDir);
    expect({ status: again.status, stderr: again.stderr }).toEqual({ status: 0, stderr: '' });
  });

  describe('the cache (a scratch project of two modules)', () => {
    const root = path.join(scratch, 'project');
    const cacheDir = path.join(root, 'cache');
    const run = (file: string) => spawnSync(process.execPath, [file], { encoding: 'utf8' }).stdout.trim();

    beforeAll(() => {
      mkdirSync(root, { recursive: true });
      writeFileSync(path.join(root, 'main.ts'), "import { word } from './word';\nconsole.log(word satisfies string);\n");
      writeFileSync(path.join(root, 'word.ts'), "export const word: string = 'first';\n");
    });

    it('builds a bundle when there is none, and reuses it while no input changed', () => {
      const first = ensureBundle({ root, cacheDir });
      expect(first.rebuilt).toBe('no bundle yet');
      expect(run(first.file)).toBe('first');
      expect(ensureBundle({ root, cacheDir })).toEqual({ file: first.file, rebuilt: undefined });
    });

    it('rebuilds when an imported module changes, and names the file', () => {
      writeFileSync(path.join(root, 'word.ts'), "export const word: string = 'second';\n");
      const next = ensureBundle({ root, cacheDir });
      expect(next.rebuilt).toBe('word.ts changed');
      expect(run(next.file)).toBe('second');
      // Only the current bundle and its map stay.
      expect(readdirSync(cacheDir).sort()).toEqual([path.basename(next.file), `${path.basename(next.file)}.map`, 'manifest.json'].sort());
    });

    it('rebuilds when the bundle file is gone or the settings that shape it change', () => {
      const current = ensureBundle({ root, cacheDir });
      rmSync(current.file);
      expect(ensureBundle({ root, cacheDir }).rebuilt).toBe('bundle file missing');
      writeFileSync(path.join(root, 'tsconfig.json'), '{"compilerOptions":{"strict":true}}\n');
      expect(ensureBundle({ root, cacheDir }).rebuilt).toBe('tsconfig.json changed');
      expect(ensureBundle({ root, cacheDir }).rebuilt).toBeUndefined();
    });

    it('fails with esbuild\'s message, naming the file and line, and keeps the last good bundle', () => {
      const good = ensureBundle({ root, cacheDir });
      writeFileSync(path.join(root, 'word.ts'), "export const word: string = 'third\n");
      expect(() => ensureBundle({ root, cacheDir })).toThrow(/word\.ts:1/);
      expect(readFileSync(path.join(cacheDir, 'manifest.json'), 'utf8')).toContain(path.basename(good.file));
      expect(run(good.file)).toBe('second');
    });
  });
});
