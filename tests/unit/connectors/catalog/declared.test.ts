import { declaredOptionFindings, declaredTypeProblem, nearestKey } from '../../../../connectors/catalog/declared';
import type { ConfigKeyDefinition, ConfigKeyType, GeneratedPluginDefinitions } from '../../../../connectors/catalog/generated/types';

const declared = (type: ConfigKeyType, overrides: Partial<ConfigKeyDefinition> = {}): ConfigKeyDefinition => ({ type, required: false, default: '', importance: 'MEDIUM', group: null, ...overrides });

describe('declared: a value against the type the plugin declares (Kafka ConfigDef.parseType)', () => {
  it.each([
    ['SHORT', '32767', '32768', 'a whole number between -32768 and 32767'],
    ['SHORT', '-32768', '-32769', 'a whole number between -32768 and 32767'],
    ['INT', '2147483647', '2147483648', 'a whole number between -2147483648 and 2147483647'],
    ['INT', '-2147483648', '-2147483649', 'a whole number between -2147483648 and 2147483647'],
    ['LONG', '9223372036854775807', '9223372036854775808', 'a whole number (64-bit)'],
    ['LONG', '-9223372036854775808', '-9223372036854775809', 'a whole number (64-bit)'],
  ] as const)('%s takes %s, its limit, and refuses %s, one past it', (type, limit, past, what) => {
    expect(declaredTypeProblem(declared(type), limit)).toBeUndefined();
    expect(declaredTypeProblem(declared(type), past)).toBe(`must be ${what} (the plugin declares it ${type})`);
  });

  it('reads a whole number with a sign and surrounding spaces, as Kafka trims it first', () => {
    for (const value of ['+500', ' 500 ', '-1', '0']) expect([value, declaredTypeProblem(declared('INT'), value)]).toEqual([value, undefined]);
  });

  it.each(['1.5', '500ms', 'x500', '5 00', '', '-', '1e3'])('refuses %j for an INT', (value) => {
    expect(declaredTypeProblem(declared('INT'), value)).toBe('must be a whole number between -2147483648 and 2147483647 (the plugin declares it INT)');
  });

  it.each(['true', 'false', 'TRUE', 'False', ' true '])('takes %j for a BOOLEAN', (value) => {
    expect(declaredTypeProblem(declared('BOOLEAN'), value)).toBeUndefined();
  });

  it.each(['yes', '1', 'truee', 'not false', ''])('refuses %j for a BOOLEAN', (value) => {
    expect(declaredTypeProblem(declared('BOOLEAN'), value)).toBe('must be "true" or "false" (the plugin declares it BOOLEAN)');
  });

  it.each(['1.5', '12.5', '-0.25', '+3', '.5', '.25', '3.', '1048576', '6.02e23', '1E-3', '2.5d', '2.5F', 'NaN', '-Infinity'])('takes %j for a DOUBLE', (value) => {
    expect(declaredTypeProblem(declared('DOUBLE'), value)).toBeUndefined();
  });

  it.each(['1.2.3', 'ten', 'x1.5', '1.5x', 'e3', '1e', '.', 'nan'])('refuses %j for a DOUBLE', (value) => {
    expect(declaredTypeProblem(declared('DOUBLE'), value)).toBe('must be a number (the plugin declares it DOUBLE)');
  });

  it('does not check STRING, LIST, CLASS and PASSWORD values: ConfigDef takes any string for them', () => {
    for (const type of ['STRING', 'LIST', 'CLASS', 'PASSWORD'] as const) expect([type, declaredTypeProblem(declared(type), 'not a number')]).toEqual([type, undefined]);
  });

  it('leaves a config-provider placeholder to the worker, which resolves it before parsing', () => {
    expect(declaredTypeProblem(declared('INT'), '${file:/etc/connect-secrets/sink.properties:batch.size}')).toBeUndefined();
    expect(declaredTypeProblem(declared('BOOLEAN'), '${ENV:CDC_DELETE_ENABLED}')).toBeUndefined();
  });

  it('checks a value that only looks like a placeholder', () => {
    expect(declaredTypeProblem(declared('INT'), '${batch.size}')).toContain('must be a whole number');
    expect(declaredTypeProblem(declared('INT'), '$file:batch.size')).toContain('must be a whole number');
    expect(declaredTypeProblem(declared('INT'), '${:batch.size}')).toContain('must be a whole number');
  });
});

describe('declared: nearestKey, the key a misspelt one probably means', () => {
  const SOURCE_KEYS = ['topic.prefix', 'snapshot.mode', 'capture.mode', 'max.batch.size', 'max.queue.size', 'poll.interval.ms', 'topics'];

  it('finds a key one letter away, and names no key for the key itself', () => {
    expect(nearestKey(SOURCE_KEYS, 'topic.prefx')).toBe('topic.prefix');
    expect(nearestKey(SOURCE_KEYS, 'topic.prefixx')).toBe('topic.prefix');
    expect(nearestKey(SOURCE_KEYS, 'topic.prefiz')).toBe('topic.prefix');
    expect(nearestKey(SOURCE_KEYS, 'topic.prefix')).toBeUndefined();
  });

  it('counts two swapped letters as one edit', () => {
    expect(nearestKey(SOURCE_KEYS, 'tpoics')).toBe('topics');
    expect(nearestKey(SOURCE_KEYS, 'topisc')).toBe('topics');
    expect(nearestKey(SOURCE_KEYS, 'otpics')).toBe('topics');
  });

  it('counts two changed letters as two edits, not as a swap', () => {
    expect(nearestKey(['topics'], 'topixc')).toBeUndefined();
    expect(nearestKey(['topics'], 'topcxs')).toBeUndefined();
  });

  it('allows one edit up to 12 characters and two past them', () => {
    // 12 characters, two edits away from topic.prefix: too far.
    expect(nearestKey(SOURCE_KEYS, 'topik.prefiz')).toBeUndefined();
    // 13 characters, two edits away from max.batch.size (14): close enough.
    expect(nearestKey(SOURCE_KEYS, 'max.bach.sise')).toBe('max.batch.size');
    expect(nearestKey(SOURCE_KEYS, 'poll.intervel.mz')).toBe('poll.interval.ms');
    // three edits away, however long
    expect(nearestKey(SOURCE_KEYS, 'pol1.intervel.mz')).toBeUndefined();
  });

  it('skips keys whose length differs by more than the edits allowed', () => {
    expect(nearestKey(['errors.tolerance'], 'errors.toleranceee')).toBe('errors.tolerance');
    expect(nearestKey(['errors.tolerance'], 'errors.toleranceeee')).toBeUndefined();
    expect(nearestKey(['topics'], 'topicsss')).toBeUndefined();
  });

  it('prefers the closest key, and the first of two as close', () => {
    expect(nearestKey(['max.queue.sizes', 'max.queue.size'], 'max.queue.sise')).toBe('max.queue.size');
    expect(nearestKey(['max.queue.size', 'max.queue.sizes'], 'max.queue.sise')).toBe('max.queue.size');
    expect(nearestKey(['batch.size', 'batch.sizf'], 'batch.sizg')).toBe('batch.size');
  });

  it('gives up on a key whose every row is past the limit, and still finds an edit at the very end', () => {
    expect(nearestKey(['capture.mode'], 'xxxxxxx.mode')).toBeUndefined();
    expect(nearestKey(['capture.mode'], 'capture.mod')).toBe('capture.mode');
    expect(nearestKey(['capture.mode'], 'apture.mode')).toBe('capture.mode');
  });
});

describe('declared: options of a plugin configured through prefixed keys', () => {
  /** What Kafka 4.1's TimestampConverter declares, plus an INT and a required key without default, as other transforms declare them. */
  const definitions: GeneratedPluginDefinitions = {
    pluginClass: 'org.apache.kafka.connect.transforms.TimestampConverter$Value',
    types: ['transformation'],
    version: '4.1.1',
    keys: {
      field: declared('STRING'),
      format: declared('STRING'),
      'target.type': declared('STRING', { required: true, default: null }),
      'unix.precision': declared('STRING', { default: 'milliseconds' }),
      'replace.null.with.default': declared('BOOLEAN', { default: 'true' }),
      'schema.version': declared('INT', { default: null }),
      'schema.name': declared('STRING', { required: true, default: 'cdc.mongodb.RawChangeEvent' }),
    },
  };
  const findings = (options: Record<string, string>, extra: { typed?: string[]; alsoKnown?: string[] } = {}) =>
    declaredOptionFindings({ prefix: 'transforms.ts.', options, definitions, title: 'TimestampConverter', ...extra });

  it('accepts the options it declares, each of its type', () => {
    expect(findings({ field: 'created_at', 'target.type': 'unix', 'unix.precision': 'seconds', 'replace.null.with.default': 'false', 'schema.version': '2' })).toEqual([]);
  });

  it('reports a value of the wrong type under its full key', () => {
    expect(findings({ 'target.type': 'unix', 'replace.null.with.default': 'sometimes', 'schema.version': 'v2' })).toEqual([
      { field: 'transforms.ts.replace.null.with.default', severity: 'error', message: 'must be "true" or "false" (the plugin declares it BOOLEAN)' },
      { field: 'transforms.ts.schema.version', severity: 'error', message: 'must be a whole number between -2147483648 and 2147483647 (the plugin declares it INT)' },
    ]);
  });

  it('leaves the type of an option hand-written rules type to them', () => {
    expect(findings({ 'target.type': 'unix', 'schema.version': 'v2' }, { typed: ['schema.version'] })).toEqual([]);
  });

  it('names a required option without a default that is missing, unless typed or known otherwise', () => {
    expect(findings({ field: 'created_at' })).toEqual([{ field: 'transforms.ts.target.type', severity: 'error', message: 'is required by TimestampConverter' }]);
    expect(findings({ field: 'created_at' }, { typed: ['target.type'] })).toEqual([]);
    expect(findings({ field: 'created_at' }, { alsoKnown: ['target.type'] })).toEqual([]);
  });

  it('warns of an option the plugin does not declare, naming the one it probably means', () => {
    expect(findings({ 'target.type': 'unix', 'unix.precison': 'seconds', 'target.format': 'yyyy-MM-dd' })).toEqual([
      {
        field: 'transforms.ts.unix.precison',
        severity: 'warning',
        message: 'is not an option of TimestampConverter: did you mean "unix.precision"? (TimestampConverter ignores options it does not declare)',
      },
      { field: 'transforms.ts.target.format', severity: 'warning', message: 'is not an option of TimestampConverter, which ignores it' },
    ]);
  });

  it('stays quiet for options known otherwise (Connect reads predicate and negate of every transform)', () => {
    expect(findings({ 'target.type': 'unix', predicate: 'isTombstone', negate: 'true' }, { alsoKnown: ['predicate', 'negate'] })).toEqual([]);
  });

  it('reports an undeclared option once, not the options under it', () => {
    expect(findings({ 'target.type': 'unix', delegate: 'x', 'delegate.converter.type': 'json', 'delegate.converter.type.schemas.enable': 'false' }).map((finding) => finding.field)).toEqual([
      'transforms.ts.delegate',
    ]);
    expect(findings({ 'target.type': 'unix', 'delegate.converter.type': 'json', 'delegate.converter.type.schemas.enable': 'false' }).map((finding) => finding.field)).toEqual([
      'transforms.ts.delegate.converter.type',
    ]);
  });
});
