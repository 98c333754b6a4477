import { z } from 'zod';
import { boolean, list, nonEmpty, oneOf } from './fields';

/**
 * Single message transforms and predicates used by the pipelines, with the options each takes.
 * A chain is validated as a whole: every alias has a known type, every option is checked, and a
 * predicate a transform names must be defined.
 */
export interface TransformSpec {
  readonly classes: readonly string[];
  readonly title: string;
  readonly options: z.ZodType<unknown>;
  readonly removedOptions?: Readonly<Record<string, string>>;
  /** True when the transform is meaningless (or destructive) without a predicate. */
  readonly requiresPredicate?: boolean;
}

const common = { predicate: z.string().optional(), negate: boolean().optional() };

export const EXTRACT_NEW_DOCUMENT_STATE = 'io.debezium.connector.mongodb.transforms.ExtractNewDocumentState';

export const TRANSFORMS: readonly TransformSpec[] = [
  {
    classes: [EXTRACT_NEW_DOCUMENT_STATE],
    title: 'Debezium ExtractNewDocumentState',
    options: z.looseObject({
      ...common,
      'delete.tombstone.handling.mode': oneOf(['drop', 'tombstone', 'rewrite', 'rewrite-with-tombstone', 'delete-to-tombstone']).optional(),
      'add.fields': list().optional(),
      'add.fields.prefix': z.string().optional(),
      'add.headers': list().optional(),
      'add.headers.prefix': z.string().optional(),
      'array.encoding': oneOf(['array', 'document']).optional(),
      'flatten.struct': boolean().optional(),
      'flatten.struct.delimiter': nonEmpty().optional(),
      'route.by.field': z.string().optional(),
    }),
    removedOptions: {
      'drop.tombstones': 'delete.tombstone.handling.mode',
      'delete.handling.mode': 'delete.tombstone.handling.mode',
      'operation.header': 'add.headers=op',
    },
  },
  {
    classes: ['org.apache.kafka.connect.transforms.RegexRouter'],
    title: 'RegexRouter',
    options: z.looseObject({ ...common, regex: nonEmpty(), replacement: z.string() }).superRefine((options, ctx) => {
      try {
        new RegExp(options.regex);
      } catch {
        ctx.addIssue({ code: 'custom', path: ['regex'], message: 'is not a valid regular expression' });
      }
    }),
  },
  {
    classes: ['org.apache.kafka.connect.transforms.ReplaceField$Value', 'org.apache.kafka.connect.transforms.ReplaceField$Key'],
    title: 'ReplaceField',
    options: z.looseObject({
      ...common,
      exclude: list().optional(),
      include: list().optional(),
      renames: z
        .string()
        .refine((value) => value.split(',').every((pair) => /^[^:]+:[^:]+$/.test(pair.trim())), { message: 'must be a list of old:new pairs' })
        .optional(),
    }),
    removedOptions: { blacklist: 'exclude', whitelist: 'include' },
  },
  {
    classes: ['org.apache.kafka.connect.transforms.Filter'],
    title: 'Filter',
    options: z.looseObject({ ...common }),
    requiresPredicate: true,
  },
  {
    classes: ['org.apache.kafka.connect.transforms.ValueToKey'],
    title: 'ValueToKey',
    options: z.looseObject({ ...common, fields: list() }),
  },
  {
    classes: ['org.apache.kafka.connect.transforms.InsertField$Value', 'org.apache.kafka.connect.transforms.InsertField$Key'],
    title: 'InsertField',
    options: z.looseObject({ ...common }),
  },
];

export interface PredicateSpec {
  readonly classes: readonly string[];
  readonly options: z.ZodType<unknown>;
}

export const PREDICATES: readonly PredicateSpec[] = [
  { classes: ['org.apache.kafka.connect.transforms.predicates.TopicNameMatches'], options: z.looseObject({ pattern: nonEmpty() }) },
  { classes: ['org.apache.kafka.connect.transforms.predicates.RecordIsTombstone'], options: z.looseObject({}) },
  { classes: ['org.apache.kafka.connect.transforms.predicates.HasHeaderKey'], options: z.looseObject({ name: nonEmpty() }) },
];

export function findTransform(className: string): TransformSpec | undefined {
  return TRANSFORMS.find((spec) => spec.classes.includes(className));
}

export function findPredicate(className: string): PredicateSpec | undefined {
  return PREDICATES.find((spec) => spec.classes.includes(className));
}

export interface TransformStep {
  readonly alias: string;
  readonly type: string;
  readonly options?: Readonly<Record<string, string>>;
}

/** A chain of transforms as Connect config: `transforms=a,b` and `transforms.a.type=…`. */
export function transformChain(steps: readonly TransformStep[]): Record<string, string> {
  if (steps.length === 0) return {};
  const config: Record<string, string> = { transforms: steps.map((step) => step.alias).join(',') };
  for (const step of steps) {
    config[`transforms.${step.alias}.type`] = step.type;
    for (const [key, value] of Object.entries(step.options ?? {})) config[`transforms.${step.alias}.${key}`] = value;
  }
  return config;
}

/**
 * Debezium MongoDB's envelope → the document's current state. Deletes become tombstones (so the
 * JDBC sink deletes the row); the operation and the source timestamp are kept as `__op` and
 * `__source_ts_ms`, which make warehouse freshness and end-to-end latency measurable.
 */
export function unwrapDocumentStep(): TransformStep {
  return {
    alias: 'unwrap',
    type: EXTRACT_NEW_DOCUMENT_STATE,
    options: {
      'delete.tombstone.handling.mode': 'tombstone',
      'add.fields': 'op,source.ts_ms',
      'flatten.struct': 'true',
      'flatten.struct.delimiter': '_',
      'array.encoding': 'array',
    },
  };
}

export function excludeFieldsStep(fields: readonly string[]): TransformStep {
  return { alias: 'dropFields', type: 'org.apache.kafka.connect.transforms.ReplaceField$Value', options: { exclude: fields.join(',') } };
}
