import { Command } from 'commander';
import { CliError, connectUrlOption, environmentOption, environmentOptions, HEARTBEAT_INTERVAL_MS, heartbeatProgress, isDebug, outputFormatOption, paddedColumns, progress, reportError } from '../../../cli/support';

describe('heartbeatProgress: a long wait says what it is on and for how long', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('reports each step at once and, while no step comes, a line every 10 s with the step and the time so far', () => {
    const lines: string[] = [];
    const heartbeat = heartbeatProgress((line) => lines.push(line), HEARTBEAT_INTERVAL_MS, () => Date.now());
    heartbeat.onProgress('waiting for 2/3 connectors to reach their desired state');
    jest.advanceTimersByTime(9_999);
    expect(lines).toEqual(['waiting for 2/3 connectors to reach their desired state']);
    jest.advanceTimersByTime(1);
    jest.advanceTimersByTime(10_000);
    expect(lines.slice(1)).toEqual([
      'still on it, 10 s so far: waiting for 2/3 connectors to reach their desired state',
      'still on it, 20 s so far: waiting for 2/3 connectors to reach their desired state',
    ]);
    heartbeat.stop();
  });

  it('counts from the latest step, without the runtime’s own elapsed-time prefix, and stops when told', () => {
    const lines: string[] = [];
    const heartbeat = heartbeatProgress((line) => lines.push(line), HEARTBEAT_INTERVAL_MS, () => Date.now());
    heartbeat.onProgress('[  1.0s] starting kafka');
    jest.advanceTimersByTime(6_000);
    heartbeat.onProgress('[  7.0s] waiting until Kafka Connect answers');
    jest.advanceTimersByTime(6_000);
    expect(lines).toHaveLength(2);
    jest.advanceTimersByTime(4_000);
    expect(lines[2]).toBe('still on it, 10 s so far: waiting until Kafka Connect answers');
    heartbeat.stop();
    jest.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(3);
  });

  it('keeps a bracketed time inside the step: only a leading one is the runtime’s', () => {
    const lines: string[] = [];
    const heartbeat = heartbeatProgress((line) => lines.push(line), HEARTBEAT_INTERVAL_MS, () => Date.now());
    heartbeat.onProgress('waiting for cdc-orders-sink, restarted after the worker logged [ 42.5s] task 0 FAILED');
    jest.advanceTimersByTime(10_000);
    expect(lines[1]).toBe('still on it, 10 s so far: waiting for cdc-orders-sink, restarted after the worker logged [ 42.5s] task 0 FAILED');
    heartbeat.stop();
  });

  it('says nothing before the first step', () => {
    const lines: string[] = [];
    const heartbeat = heartbeatProgress((line) => lines.push(line));
    jest.advanceTimersByTime(60_000);
    expect(lines).toEqual([]);
    heartbeat.stop();
  });
});

describe('reportError: one clear line, an exit code, and what else is worth reading', () => {
  let stderr: string;
  let write: jest.SpyInstance;
  beforeEach(() => {
    stderr = '';
    delete process.env.CDCCTL_DEBUG;
    write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
  });
  afterEach(() => {
    write.mockRestore();
    delete process.env.CDCCTL_DEBUG;
  });

  it('exits with the CliError’s own code, 1 for any other error', () => {
    expect(reportError(new CliError('drift in production', 2))).toBe(2);
    expect(reportError(new CliError('--output must be one of text, json (got yaml)'))).toBe(1);
    expect(reportError(new Error('GET /connectors: 503 Service Unavailable'))).toBe(1);
    expect(stderr).toBe('error: drift in production\nerror: --output must be one of text, json (got yaml)\nerror: GET /connectors: 503 Service Unavailable\n');
  });

  it('is named CliError in a stack trace', () => {
    expect(new CliError('staging is not healthy after the apply').name).toBe('CliError');
  });

  it('prints a thrown value that is no Error as it is', () => {
    expect(reportError(undefined)).toBe(1);
    expect(reportError('connector cdc-orders-sink: rebalance in progress')).toBe(1);
    expect(stderr).toBe('error: undefined\nerror: connector cdc-orders-sink: rebalance in progress\n');
  });

  it('continues a message of several lines indented (Windows line ends too), so that no line passes for an error of its own', () => {
    reportError(new Error('2 invalid fields: nothing was sent to Kafka Connect\r\n  cdc-orders-sink: batch.size: must be an integer ≥ 1 (got "0")\nerror: forged'));
    expect(stderr).toBe('error: 2 invalid fields: nothing was sent to Kafka Connect\n    cdc-orders-sink: batch.size: must be an integer ≥ 1 (got "0")\n  error: forged\n');
  });

  it('shows at most 200 lines: all at exactly 200, then 200 and how many more', () => {
    const problems = (count: number) => Array.from({ length: count }, (_, index) => `cdc-orders_region_${index + 1}-sink: batch.size: must be an integer ≥ 1 (got "0")`).join('\n');
    reportError(new Error(problems(200)));
    expect(stderr.split('\n').filter(Boolean)).toHaveLength(200);
    expect(stderr).not.toContain('not shown');
    stderr = '';
    reportError(new Error(problems(203)));
    const lines = stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(201);
    expect(lines[199]).toBe('  cdc-orders_region_200-sink: batch.size: must be an integer ≥ 1 (got "0")');
    expect(lines[200]).toBe('  … 3 more lines not shown');
  });

  it('adds the hint a typed error carries, escaped', () => {
    const error = Object.assign(new Error('GET http://127.0.0.1:8083/connectors: cannot reach the worker (ECONNREFUSED)'), { suggestion: 'check that the worker is running\u001b[2J (cdcctl local status)' });
    reportError(error);
    expect(stderr).toBe('error: GET http://127.0.0.1:8083/connectors: cannot reach the worker (ECONNREFUSED)\n  hint: check that the worker is running\\u001b[2J (cdcctl local status)\n');
  });

  it('prints the stack, credentials masked, only with --debug or CDCCTL_DEBUG=1', () => {
    const error = new Error('POST https://cdc-operator:not-a-real-password@kafka-connect.cdc-platform.svc.cluster.local:8083/connectors: 401');
    reportError(error);
    expect(stderr).not.toContain('    at ');
    stderr = '';
    process.env.CDCCTL_DEBUG = '1';
    reportError(error);
    expect(stderr).toContain('\nError: POST https://cdc-operator:****@kafka-connect');
    // The stack keeps its lines: each frame on a line of its own, as node prints it.
    expect(stderr).toMatch(/\n    at /);
    expect(stderr).not.toContain('\\n    at ');
    expect(stderr).not.toContain('not-a-real-password');
  });
});

describe('isDebug', () => {
  const argv = process.argv;
  afterEach(() => {
    process.argv = argv;
    delete process.env.CDCCTL_DEBUG;
  });

  it('is on with --debug or CDCCTL_DEBUG=1, off otherwise', () => {
    delete process.env.CDCCTL_DEBUG;
    process.argv = ['node', 'cdcctl', 'gitops', 'drift', '--env', 'staging'];
    expect(isDebug()).toBe(false);
    process.env.CDCCTL_DEBUG = '0';
    expect(isDebug()).toBe(false);
    process.env.CDCCTL_DEBUG = '1';
    expect(isDebug()).toBe(true);
    delete process.env.CDCCTL_DEBUG;
    process.argv = ['node', 'cdcctl', '--debug', 'gitops', 'drift', '--env', 'staging'];
    expect(isDebug()).toBe(true);
  });
});

describe('progress', () => {
  it('writes each step to stderr, leaving stdout to the output', () => {
    let stderr = '';
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    try {
      progress('applying the saved plan of kafka-staging');
    } finally {
      write.mockRestore();
    }
    expect(stderr).toBe('… applying the saved plan of kafka-staging\n');
  });
});

describe('the flags every command shares', () => {
  it('--env names the known environments, reads CDCCTL_ENV, and is required unless said otherwise', () => {
    const option = environmentOption();
    expect(option.description).toBe('environment (local, local-standin, staging, production)');
    expect(option.envVar).toBe('CDCCTL_ENV');
    const required = environmentOptions(new Command('drift'));
    expect(required.options.map((flag) => [flag.long, flag.mandatory])).toEqual([['--env', true], ['--connect-url', false]]);
    expect(environmentOptions(new Command('status'), false).options[0]!.mandatory).toBe(false);
  });

  it('--connect-url says what it overrides and reads CDCCTL_CONNECT_URL', () => {
    expect(connectUrlOption().description).toBe("override the environment's Kafka Connect REST URL");
    expect(connectUrlOption().envVar).toBe('CDCCTL_CONNECT_URL');
  });

  it('--output lists its formats and defaults to the first', () => {
    const option = outputFormatOption(['text', 'json']);
    expect(option.description).toBe('output format: text|json');
    expect(option.defaultValue).toBe('text');
  });
});

describe('paddedColumns', () => {
  it('pads every cell but the last of a row to the widest of its column', () => {
    expect(
      paddedColumns([
        ['cdc-orders-sink', 'RUNNING', 'tasks 0:RUNNING'],
        ['cdc-app-db-source', 'PAUSED', 'tasks 0:PAUSED'],
        ['cdc-customers-sink', 'FAILED'],
      ]),
    ).toEqual([
      ['cdc-orders-sink   ', 'RUNNING', 'tasks 0:RUNNING'],
      ['cdc-app-db-source ', 'PAUSED ', 'tasks 0:PAUSED'],
      ['cdc-customers-sink', 'FAILED'],
    ]);
  });
});
