import { mkdtemp, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { maskCredentials, OutsideOutputError, toFileStem, toIdentifier, writeInside } from '../../../migration/output';
import { generatedSecret } from '../../support/generated-secret';

/**
 * The output folder's rules against hostile names and sources. Sizes here are chosen so that a
 * quadratic pattern would run for minutes or hours (the jest timeout is the failure); a linear one
 * takes milliseconds. Nothing is timed.
 */
const LINEAR_BUDGET_MS = 30_000;

let workspace: string;
beforeEach(async () => {
  workspace = await mkdtemp(path.join(os.tmpdir(), 'migration-output-'));
});
afterEach(() => rm(workspace, { recursive: true, force: true }));

describe('writeInside and a symbolic link where the file goes', () => {
  it('refuses a planted inventory.json → outside, and leaves the outside file as it was', async () => {
    const root = path.join(workspace, 'out');
    await mkdir(root);
    const outside = path.join(workspace, 'outside.txt');
    await writeFile(outside, 'precious\n');
    await symlink(outside, path.join(root, 'inventory.json'));
    await expect(writeInside(root, 'inventory.json', '{}')).rejects.toThrow(OutsideOutputError);
    await expect(writeInside(root, 'inventory.json', '{}')).rejects.toThrow(/is a symbolic link/);
    expect(await readFile(outside, 'utf8')).toBe('precious\n');
  });

  it('refuses a link that points inside the folder too (a link is never written through)', async () => {
    const root = path.join(workspace, 'out');
    await mkdir(root);
    await writeFile(path.join(root, 'real.md'), 'x');
    await symlink(path.join(root, 'real.md'), path.join(root, 'report.md'));
    await expect(writeInside(root, 'report.md', 'y')).rejects.toThrow(/symbolic link/);
  });

  it('replaces a file that is there, leaving no partial file behind', async () => {
    const root = path.join(workspace, 'out');
    await writeInside(root, 'functions/a.js', 'one');
    await writeInside(root, 'functions/a.js', 'two');
    expect(await readFile(path.join(root, 'functions/a.js'), 'utf8')).toBe('two');
    expect(await readdir(path.join(root, 'functions'))).toEqual(['a.js']);
  });
});

describe('linear in the length of hostile input', () => {
  it(
    'masks a 3 MB run of letters (quadratic: some hours) and still finds the URI password after it',
    () => {
      const password = generatedSecret('password');
      const source = `${'a'.repeat(3_000_000)} connect("mongodb+srv://cdc:${password}@cluster0.example.net/shop")`;
      const masked = maskCredentials(source);
      expect(masked.masked).toBe(1);
      expect(masked.text).not.toContain(password);
    },
    LINEAR_BUDGET_MS,
  );

  it(
    'masks sources shaped against each pattern: schemes, user parts, quoted secrets without an end',
    () => {
      const shapes = ['a://'.repeat(500_000), `${'http://'}${'u'.repeat(300)}:`.repeat(5_000), `password="${'x'.repeat(600)}`.repeat(3_000), `password${' '.repeat(2_000_000)}`, 'ab+.-'.repeat(400_000)];
      expect(shapes.map((shape) => maskCredentials(shape).masked)).toEqual([0, 0, 1_500, 0, 0]);
    },
    LINEAR_BUDGET_MS,
  );

  it(
    'turns a function name with a million dashes into a file stem (quadratic: hours)',
    () => {
      expect(toFileStem(`a${'-'.repeat(1_000_000)}b`, 'function')).toBe(`a${'-'.repeat(79)}`);
      expect(toFileStem('-'.repeat(1_000_000), 'function')).toBe('function');
      expect(toIdentifier(`A${'_'.repeat(1_000_000)}b`, 'collection')).toBe('a_b');
    },
    LINEAR_BUDGET_MS,
  );
});
