import { chainFindings } from '../../../../connectors/catalog/chain';

/**
 * The transform chain's findings, message by message: what a user reads when Connect would refuse
 * the chain or silently ignore part of it. catalog.test.ts checks which fields are flagged through
 * validate; these pin what each finding says, and the edges (trimmed values, the alias prefix).
 */
const KAFKA = 'org.apache.kafka.connect.transforms';
const messageOf = (config: Record<string, string>, field: string) => chainFindings(config).find((finding) => finding.field === field)?.message;

describe('chainFindings: a class the worker does not have', () => {
  it('calls a transform a transform and a predicate a predicate, with the escape hatch when it knows no replacement', () => {
    expect(messageOf({ transforms: 't', 'transforms.t.type': 'com.example.Encrypt' }, 'transforms.t.type')).toBe(
      'is not a transform the pinned plugins or Kafka ship, so the worker refuses the config (pass --allow-unknown-class if the worker has it from elsewhere)',
    );
    expect(messageOf({ predicates: 'p', 'predicates.p.type': 'com.example.IsSecret' }, 'predicates.p.type')).toBe(
      'is not a predicate the pinned plugins or Kafka ship, so the worker refuses the config (pass --allow-unknown-class if the worker has it from elsewhere)',
    );
  });

  it('names the class of the same simple name and kind that the worker has', () => {
    expect(messageOf({ transforms: 'r', 'transforms.r.type': 'com.example.RegexRouter' }, 'transforms.r.type')).toMatch(new RegExp(`: use ${KAFKA}\\.RegexRouter$`));
    expect(messageOf({ predicates: 'p', 'predicates.p.type': 'com.example.TopicNameMatches' }, 'predicates.p.type')).toMatch(new RegExp(`: use ${KAFKA}\\.predicates\\.TopicNameMatches$`));
    // A predicate's simple name under transforms is no replacement: a predicate is not a transform.
    expect(messageOf({ transforms: 'r', 'transforms.r.type': 'com.example.TopicNameMatches' }, 'transforms.r.type')).toMatch(/\(pass --allow-unknown-class/);
  });

  it('accepts any class with allowUnknownClass, and nothing else changes', () => {
    const config = { transforms: 't', 'transforms.t.type': 'com.example.Encrypt', 'transforms.t.key.id': 'k' };
    expect(chainFindings(config, { allowUnknownClass: true })).toEqual([]);
    expect(chainFindings({ ...config, transforms: 't,t' }, { allowUnknownClass: true })).toEqual([{ field: 'transforms', severity: 'error', message: 'alias "t" is listed twice' }]);
  });
});

describe('chainFindings: aliases', () => {
  it('requires a type for every alias, naming the list', () => {
    expect(chainFindings({ transforms: 'a' })).toEqual([{ field: 'transforms.a.type', severity: 'error', message: 'is required for every alias in transforms' }]);
    expect(chainFindings({ predicates: 'p', 'predicates.p.type': '  ' })).toEqual([{ field: 'predicates.p.type', severity: 'error', message: 'is required for every alias in predicates' }]);
  });

  it('reads a type and a predicate name with the spaces Connect trims', () => {
    expect(chainFindings({ transforms: 'drop', 'transforms.drop.type': ` ${KAFKA}.Filter `, 'transforms.drop.predicate': ' tomb ', predicates: 'tomb', 'predicates.tomb.type': `${KAFKA}.predicates.RecordIsTombstone` })).toEqual([]);
  });

  it('reports each alias listed twice once, in its own list', () => {
    const route = { 'transforms.r.type': `${KAFKA}.RegexRouter`, 'transforms.r.regex': '(.*)', 'transforms.r.replacement': '$1' };
    expect(chainFindings({ transforms: 'r, r', ...route })).toEqual([{ field: 'transforms', severity: 'error', message: 'alias "r" is listed twice' }]);
    expect(chainFindings({ transforms: 'r', ...route, predicates: 'p,p', 'predicates.p.type': `${KAFKA}.predicates.RecordIsTombstone` })).toEqual([{ field: 'predicates', severity: 'error', message: 'alias "p" is listed twice' }]);
  });

  it('reports a key of an alias not in the chain, with the nearest alias, and only keys that start with the list', () => {
    const config = { transforms: 'unwrap', 'transforms.unwrap.type': 'io.debezium.connector.mongodb.transforms.ExtractNewDocumentState' };
    expect(messageOf({ ...config, 'transforms.unwarp.add.fields': 'op' }, 'transforms.unwarp.add.fields')).toBe('belongs to alias "unwarp", which is not listed in transforms (did you mean "unwrap"?)');
    expect(messageOf({ ...config, 'predicates.zzz.type': 'x' }, 'predicates.zzz.type')).toBe('belongs to alias "zzz", which is not listed in predicates');
    expect(chainFindings({ ...config, 'consumer.override.transforms.x.y': '1' })).toEqual([]);
  });
});

describe('chainFindings: options', () => {
  it('says "is required" for a missing option and the rule\'s own message for a wrong one', () => {
    expect(chainFindings({ transforms: 'r', 'transforms.r.type': `${KAFKA}.RegexRouter`, 'transforms.r.replacement': 'x' })).toEqual([{ field: 'transforms.r.regex', severity: 'error', message: 'is required' }]);
    const wrong = chainFindings({ predicates: 'p', 'predicates.p.type': `${KAFKA}.predicates.TopicNameMatches`, 'predicates.p.pattern': '(' });
    expect(wrong.map((finding) => finding.field)).toEqual(['predicates.p.pattern']);
    expect(wrong[0]!.message).not.toBe('is required');
  });

  it('names the transform by its simple name when an option was removed', () => {
    expect(messageOf({ transforms: 'r', 'transforms.r.type': `${KAFKA}.ReplaceField$Value`, 'transforms.r.blacklist': 'a' }, 'transforms.r.blacklist')).toBe('is no longer supported by ReplaceField$Value: use exclude (removed in Kafka 4.0)');
  });

  it("knows Connect's own transform options (predicate, negate) on a transform, not on a predicate", () => {
    const base = { transforms: 'drop', 'transforms.drop.type': `${KAFKA}.Filter`, 'transforms.drop.predicate': 'tomb', predicates: 'tomb', 'predicates.tomb.type': `${KAFKA}.predicates.RecordIsTombstone` };
    expect(chainFindings({ ...base, 'transforms.drop.negate': 'true' })).toEqual([]);
    expect(chainFindings({ ...base, 'transforms.drop.negate': ' FALSE ' })).toEqual([]);
    expect(chainFindings({ ...base, 'predicates.tomb.negate': 'true' }).map((finding) => finding.field)).toEqual(['predicates.tomb.negate']);
  });

  it("points a near miss of Connect's own type option on a predicate at type", () => {
    const config = { predicates: 'tomb', 'predicates.tomb.type': `${KAFKA}.predicates.RecordIsTombstone`, 'predicates.tomb.Type': `${KAFKA}.predicates.RecordIsTombstone` };
    expect(messageOf(config, 'predicates.tomb.Type')).toBe('is not an option of RecordIsTombstone: did you mean "type"? (RecordIsTombstone ignores options it does not declare)');
  });

  it('refuses a negate that is not true or false, and a predicate name not in predicates', () => {
    const base = { transforms: 'drop', 'transforms.drop.type': `${KAFKA}.Filter`, 'transforms.drop.predicate': 'tomb', predicates: 'tomb', 'predicates.tomb.type': `${KAFKA}.predicates.RecordIsTombstone` };
    expect(chainFindings({ ...base, 'transforms.drop.negate': 'yes' })).toEqual([{ field: 'transforms.drop.negate', severity: 'error', message: 'must be "true" or "false"' }]);
    for (const negate of ['!true', 'true;', 'untrue', 'false # keep tombstones']) expect(messageOf({ ...base, 'transforms.drop.negate': negate }, 'transforms.drop.negate')).toBe('must be "true" or "false"');
    const unlisted = { ...base, predicates: 'other', 'predicates.other.type': `${KAFKA}.predicates.RecordIsTombstone` };
    expect(messageOf(unlisted, 'transforms.drop.predicate')).toBe('names a predicate that is not listed in predicates');
  });
});
