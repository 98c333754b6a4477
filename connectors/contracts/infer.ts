import { bsonTypeOf, proposedContractType, type BsonDocument, type BsonTypeName, type BsonValue } from './bson';
import type { ContractType } from './types';

/**
 * `cdcctl schema infer`: what sampled documents hold, field by field (dot paths; the elements of
 * arrays of sub-documents as `items[].sku`), with each BSON type seen and how often, and the contract
 * that would type it. Pure: the documents come from a topic or a collection (connectors/contracts/sample.ts).
 */
export interface FieldObservation {
  readonly path: string;
  /** Documents (or array elements, for `[]` paths) in which the field is present. */
  readonly present: number;
  /** Of how many documents or elements it could have been present in. */
  readonly of: number;
  /** BSON type → count, most frequent first. */
  readonly types: ReadonlyArray<readonly [BsonTypeName, number]>;
}

function record(observations: Map<string, Map<BsonTypeName, number>>, path: string, value: BsonValue): void {
  const types = observations.get(path) ?? new Map<BsonTypeName, number>();
  observations.set(path, types);
  const type = bsonTypeOf(value);
  types.set(type, (types.get(type) ?? 0) + 1);
}

function walk(observations: Map<string, Map<BsonTypeName, number>>, containers: Map<string, number>, prefix: string, document: BsonDocument): void {
  for (const [key, value] of Object.entries(document)) {
    const path = prefix ? `${prefix}.${key}` : key;
    record(observations, path, value);
    if (bsonTypeOf(value) === 'document') walk(observations, containers, path, value as BsonDocument);
    if (Array.isArray(value)) {
      for (const element of value as readonly BsonValue[]) {
        if (bsonTypeOf(element) !== 'document') continue;
        containers.set(`${path}[]`, (containers.get(`${path}[]`) ?? 0) + 1);
        walk(observations, containers, `${path}[]`, element as BsonDocument);
      }
    }
  }
}

export function observeFields(documents: readonly BsonDocument[]): FieldObservation[] {
  const observations = new Map<string, Map<BsonTypeName, number>>();
  const containers = new Map<string, number>();
  for (const document of documents) walk(observations, containers, '', document);
  return [...observations]
    .map(([path, types]) => {
      const parent = path.includes('[]') ? path.slice(0, path.lastIndexOf('[]') + 2) : undefined;
      return {
        path,
        present: [...types.values()].reduce((sum, count) => sum + count, 0),
        of: parent ? containers.get(parent) ?? 0 : documents.length,
        types: [...types].sort((a, b) => b[1] - a[1]),
      };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** More than one type besides null: the field drifts, and a typed column will record violations. */
export function isMixed(observation: FieldObservation): boolean {
  return observation.types.filter(([type]) => type !== 'null').length > 1;
}

export interface ProposedColumn {
  readonly column: string;
  readonly path: string;
  readonly type: ContractType;
  readonly nullable: boolean;
  readonly note: string;
}

/** The column a field would get: the type of its most frequent non-null BSON type, nullable unless present and non-null everywhere. */
export function proposeColumn(observation: FieldObservation): ProposedColumn | undefined {
  if (observation.path === '_id' || observation.path.includes('[]')) return undefined;
  const [main] = observation.types.filter(([type]) => type !== 'null');
  if (!main) return undefined;
  const nulls = observation.types.find(([type]) => type === 'null')?.[1] ?? 0;
  const share = (count: number) => `${Math.round((100 * count) / Math.max(1, observation.of))}%`;
  const seen = observation.types.map(([type, count]) => `${type} ${share(count)}`).join(', ');
  return {
    column: observation.path.replace(/\./g, '_').replace(/[^a-z0-9_]/gi, '_').toLowerCase(),
    path: observation.path,
    type: proposedContractType(main[0]),
    nullable: observation.present < observation.of || nulls > 0,
    note: `${isMixed(observation) ? 'MIXED TYPES: ' : ''}present in ${share(observation.present)}; ${seen}`,
  };
}

/** The proposal as TypeScript for connectors/pipelines/<name>.contract.ts, each field with what was seen. */
export function proposalText(pipeline: string, observations: readonly FieldObservation[], sampled: number): string {
  const columns = observations.flatMap((observation) => {
    const proposed = proposeColumn(observation);
    return proposed ? [proposed] : [];
  });
  const lines = columns.map(
    (column) => `    ${column.column}: { path: '${column.path}', type: '${column.type}'${column.nullable ? '' : ', nullable: false'} }, // ${column.note}`,
  );
  const arrays = observations.filter((observation) => observation.path.endsWith('[]') === false && observation.path.includes('[]'));
  const arrayNotes = arrays.map((observation) => `//   ${observation.path}: ${observation.types.map(([type, count]) => `${type} ${count}`).join(', ')} of ${observation.of} elements${isMixed(observation) ? ' (MIXED TYPES)' : ''}`);
  return [
    `// Proposed from ${sampled} sampled documents: keep what BI reads, drop the rest (it stays in doc).`,
    `export const ${pipeline.replace(/[^A-Za-z0-9]/g, '_')}Contract = defineContract('${pipeline}', {`,
    '  columns: {',
    ...lines,
    '  },',
    '});',
    ...(arrayNotes.length ? ['// Array elements (candidates for `lines`):', ...arrayNotes] : []),
    '',
  ].join('\n');
}
