import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_PORTS, LocalRuntimeError } from '../../../local/options';
import {
  classifyService,
  emptyState,
  processStartMarker,
  readState,
  tailFile,
  withLock,
  writeState,
  type RecordedProcess,
} from '../../../local/state';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdc-state-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A pid that surely belonged to a process that has exited (reaped by spawnSync). */
function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(result.stdout.trim());
}

const self = (): RecordedProcess => ({ pid: process.pid, startMarker: processStartMarker(process.pid) as string, startedAt: '', stopSignal: 'SIGTERM' });

describe('state file', () => {
  it('reads back what it wrote', () => {
    const file = path.join(dir, 'state.json');
    const state = emptyState(DEFAULT_PORTS, '/runtime');
    state.processes.kafka = self();
    state.kafkaClusterId = 'abc';
    writeState(file, state);
    expect(readState(file)).toEqual(state);
  });

  it('is absent before the first up', () => {
    expect(readState(path.join(dir, 'state.json'))).toBeUndefined();
  });

  it('rejects a file of another shape, naming the file and the field', () => {
    const file = path.join(dir, 'state.json');
    fs.writeFileSync(file, JSON.stringify({ version: 1, ports: DEFAULT_PORTS, runtimeDir: '/r', processes: { kafka: { pid: 'x' } } }));
    expect(() => readState(file)).toThrow(LocalRuntimeError);
    expect(() => readState(file)).toThrow(new RegExp(`${file}.*processes\\.kafka\\.pid`));
  });

  it('rejects a file that is not JSON (one an interrupted or faulty writer left), naming the file and what to do', () => {
    const file = path.join(dir, 'state.json');
    for (const text of ['undefined\n', '{"version": 1, "ports": {', '']) {
      fs.writeFileSync(file, text);
      expect(() => readState(file)).toThrow(LocalRuntimeError);
      expect(() => readState(file)).toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not a state file: `));
      try {
        readState(file);
      } catch (error) {
        expect((error as LocalRuntimeError).suggestion).toBe('stop the processes listed in it by hand if any still run, then delete the file');
      }
    }
  });

  it('leaves no temporary file behind', () => {
    writeState(path.join(dir, 'state.json'), emptyState(DEFAULT_PORTS, '/r'));
    expect(fs.readdirSync(dir)).toEqual(['state.json']);
  });
});

describe('processStartMarker and classifyService', () => {
  it('knows a live process', () => {
    expect(processStartMarker(process.pid)).toMatch(/\S/);
    expect(classifyService(self())).toBe('running');
  });

  it('says stopped when nothing is recorded', () => {
    expect(classifyService(undefined)).toBe('stopped');
  });

  it('says crashed when the recorded pid is gone', () => {
    const pid = deadPid();
    expect(processStartMarker(pid)).toBeUndefined();
    expect(classifyService({ pid, startMarker: '123', startedAt: '', stopSignal: 'SIGTERM' })).toBe('crashed');
  });

  it('says crashed when the pid lives but belongs to another process (start time differs)', () => {
    expect(classifyService({ ...self(), startMarker: `${self().startMarker}0` })).toBe('crashed');
  });
});

describe('tailFile', () => {
  it('returns the last lines', () => {
    const file = path.join(dir, 'x.log');
    fs.writeFileSync(file, Array.from({ length: 50 }, (_, index) => `line ${index}`).join('\n') + '\n');
    expect(tailFile(file, 3)).toBe('line 47\nline 48\nline 49');
  });

  it('returns the whole file when it is shorter', () => {
    const file = path.join(dir, 'x.log');
    fs.writeFileSync(file, 'only\n');
    expect(tailFile(file, 10)).toBe('only');
  });

  it('returns nothing for a missing file', () => {
    expect(tailFile(path.join(dir, 'none.log'), 10)).toBe('');
  });
});

describe('withLock', () => {
  it('refuses while a live process holds the lock, naming its pid', async () => {
    const lock = path.join(dir, 'lock');
    await withLock(lock, 'first', async () => {
      await expect(withLock(lock, 'second', async () => 'ran')).rejects.toThrow(`second: another cdcctl (pid ${process.pid})`);
    });
  });

  it('takes over a lock whose holder is gone, and releases it after', async () => {
    const lock = path.join(dir, 'lock');
    fs.writeFileSync(lock, JSON.stringify({ pid: deadPid(), startMarker: '1' }));
    await expect(withLock(lock, 'up', async () => 'ran')).resolves.toBe('ran');
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('releases the lock when the action fails', async () => {
    const lock = path.join(dir, 'lock');
    await expect(withLock(lock, 'up', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(fs.existsSync(lock)).toBe(false);
  });
});
