import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureDebianCommand, findOnPath } from '../../../local/debian-package';
import { LocalRuntimeError } from '../../../local/options';

const browser = { command: 'chromium', packageName: 'chromium', neededFor: 'the browser test of the rehearsal report' };

describe('a command from a Debian package', () => {
  let root: string;
  let empty: string;
  let withCommand: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'debian-command-'));
    empty = path.join(root, 'empty');
    withCommand = path.join(root, 'bin');
    fs.mkdirSync(empty);
    fs.mkdirSync(withCommand);
    fs.writeFileSync(path.join(withCommand, 'chromium'), '#!/bin/sh\n', { mode: 0o755 });
  });

  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('is found in the first PATH folder that holds it as an executable file', () => {
    fs.writeFileSync(path.join(empty, 'chromium'), 'not executable', { mode: 0o644 });
    expect(findOnPath('chromium', [empty, withCommand].join(path.delimiter))).toBe(path.join(withCommand, 'chromium'));
    expect(findOnPath('chromium', empty)).toBeUndefined();
    expect(findOnPath('chromium', '')).toBeUndefined();
  });

  it('is used as found, without installing, when it is on PATH (root or not)', () => {
    const progress: string[] = [];
    for (const isRoot of [true, false]) {
      expect(ensureDebianCommand(browser, { pathVariable: `${empty}${path.delimiter}${withCommand}`, root: isRoot, onProgress: (message) => progress.push(message) })).toBe(path.join(withCommand, 'chromium'));
    }
    expect(progress).toEqual([]);
  });

  it('fails when missing and not root, saying which package to install and for what', () => {
    const attempt = () => ensureDebianCommand(browser, { pathVariable: empty, root: false });
    expect(attempt).toThrow(LocalRuntimeError);
    expect(attempt).toThrow(
      'chromium is not on PATH, and this process is not root so it cannot install it: install Debian\'s "chromium" package (as root: apt-get install --no-install-recommends chromium) for the browser test of the rehearsal report',
    );
  });
});
