import { z } from 'zod';
import { boolean, enumValue, isTrue, javaRegex, list, nonEmpty, oneOf } from './fields';

/**
 * Hand-written rules for single message transforms and predicates, on top of what each class
 * declares to the worker (catalog/generated/transforms.ts and predicates.ts, checked for every class
 * by connectors/catalog/chain.ts): enums and formats the plugin checks itself, options it removed,
 * options it reads without declaring. Plus the builders the pipelines use.
 */
export interface OptionRules {
  /** Schema over the alias's options (without the `transforms.<alias>.` prefix); keys it does not type pass through. */
  readonly schema: z.ZodType<unknown>;
  /** The options the schema types: the generic declared-type and required checks leave them to it. */
  readonly typed: readonly string[];
}

export interface TransformSpec {
  readonly classes: readonly string[];
  readonly rules?: OptionRules;
  /** Options the class no longer reads → advice naming what replaces them (it may depend on the other options). */
  readonly removedOptions?: Readonly<Record<string, (options: Readonly<Record<string, string>>) => string>>;
  /** Options the class reads without declaring them. */
  readonly undeclaredOptions?: readonly string[];
  /** True when the transform is meaningless (or destructive) without a predicate. */
  readonly requiresPredicate?: boolean;
}

export interface PredicateSpec {
  readonly classes: readonly string[];
  readonly rules: OptionRules;
}

function rules(fields: Readonly<Record<string, z.ZodType<unknown>>>, refine?: (options: Record<string, string>, ctx: z.RefinementCtx) => void): OptionRules {
  const object = z.looseObject(fields);
  return { schema: refine ? object.superRefine((options, ctx) => refine(options as Record<string, string>, ctx)) : object, typed: Object.keys(fields) };
}

export const EXTRACT_NEW_DOCUMENT_STATE = 'io.debezium.connector.mongodb.transforms.ExtractNewDocumentState';
export const EXTRACT_NEW_RECORD_STATE = 'io.debezium.transforms.ExtractNewRecordState';
const KAFKA = 'org.apache.kafka.connect.transforms';

const DELETE_TOMBSTONE_HANDLING_MODES = ['drop', 'tombstone', 'rewrite', 'rewrite-with-tombstone', 'delete-to-tombstone'] as const;

/**
 * `drop.tombstones` and `delete.handling.mode` were removed in Debezium 3.2.0.Beta1 (DBZ-6068,
 * CHANGELOG.md): the SMT reads only `delete.tombstone.handling.mode`, default `tombstone`, so the old
 * keys are silently ignored (debezium-connect-plugins 3.5.0.Final
 * ExtractNewRecordStateConfigDefinition.java:19-24,72-83, AbstractExtractNewRecordState.configure).
 * What the old pair meant (their defaults were true and drop), in the new key's terms.
 */
function deleteTombstoneAdvice(options: Readonly<Record<string, string>>): string {
  if (options['delete.tombstone.handling.mode'] !== undefined) return 'delete.tombstone.handling.mode alone (removed in Debezium 3.2, DBZ-6068: it is ignored; remove it)';
  const dropTombstones = options['drop.tombstones'] === undefined || isTrue(options['drop.tombstones']);
  const mode = enumValue(options['delete.handling.mode']) ?? 'drop';
  const meant: Record<string, string | undefined> = {
    drop: dropTombstones ? 'drop' : 'tombstone',
    rewrite: dropTombstones ? 'rewrite' : 'rewrite-with-tombstone',
    none: dropTombstones ? 'delete-to-tombstone' : undefined,
  };
  const replacement = meant[mode];
  return replacement
    ? `delete.tombstone.handling.mode=${replacement} (the old keys were removed in Debezium 3.2, DBZ-6068, and are ignored: without the new key the SMT uses its default, "tombstone", which keeps only the tombstone of each delete)`
    : 'delete.tombstone.handling.mode (removed in Debezium 3.2, DBZ-6068, and ignored; drop.tombstones=false with delete.handling.mode=none has no equivalent)';
}

const UNWRAP_REMOVED_OPTIONS = {
  'drop.tombstones': deleteTombstoneAdvice,
  'delete.handling.mode': deleteTombstoneAdvice,
  'operation.header': () => 'add.headers=op',
  'add.source.fields': () => 'add.fields=source.<field>,…',
};

const UNWRAP_FIELDS = {
  'delete.tombstone.handling.mode': oneOf(DELETE_TOMBSTONE_HANDLING_MODES).optional(),
  'add.fields': list().optional(),
  'add.headers': list().optional(),
};

export const TRANSFORMS: readonly TransformSpec[] = [
  {
    classes: [EXTRACT_NEW_DOCUMENT_STATE],
    rules: rules({ ...UNWRAP_FIELDS, 'array.encoding': oneOf(['array', 'document']).optional(), 'flatten.struct': boolean().optional(), 'flatten.struct.delimiter': nonEmpty().optional() }),
    removedOptions: UNWRAP_REMOVED_OPTIONS,
    undeclaredOptions: ['delete.tombstone.handling.mode.rewrite-with-id'],
  },
  {
    classes: [EXTRACT_NEW_RECORD_STATE],
    rules: rules(UNWRAP_FIELDS),
    removedOptions: UNWRAP_REMOVED_OPTIONS,
    undeclaredOptions: ['replace.null.with.default'],
  },
  {
    classes: ['io.debezium.transforms.outbox.EventRouter'],
    rules: rules({ 'table.op.invalid.behavior': oneOf(['warn', 'error', 'fatal']).optional(), 'table.json.payload.null.behavior': oneOf(['ignore', 'optional_bytes']).optional() }),
  },
  {
    classes: ['io.debezium.connector.mongodb.transforms.outbox.MongoEventRouter'],
    rules: rules({ 'table.op.invalid.behavior': oneOf(['warn', 'error', 'fatal']).optional() }),
  },
  { classes: [`${KAFKA}.RegexRouter`], rules: rules({ regex: javaRegex(), replacement: z.string() }) },
  {
    classes: [`${KAFKA}.ReplaceField$Value`, `${KAFKA}.ReplaceField$Key`],
    rules: rules({
      renames: z
        .string()
        .refine((value) => value.split(',').every((pair) => /^[^:]+:[^:]+$/.test(pair.trim())), { message: 'must be a list of old:new pairs' })
        .optional(),
    }),
    // Kafka 4.0 removed the aliases; 4.1.1's ReplaceField declares only exclude, include, renames.
    removedOptions: { blacklist: () => 'exclude (removed in Kafka 4.0)', whitelist: () => 'include (removed in Kafka 4.0)' },
  },
  { classes: [`${KAFKA}.Filter`], requiresPredicate: true },
  {
    classes: [`${KAFKA}.TimestampConverter$Value`, `${KAFKA}.TimestampConverter$Key`],
    rules: rules(
      {
        'target.type': oneOf(['string', 'unix', 'Date', 'Time', 'Timestamp'], { caseSensitive: true }),
        'unix.precision': oneOf(['seconds', 'milliseconds', 'microseconds', 'nanoseconds'], { caseSensitive: true }).optional(),
      },
      (options, ctx) => {
        if (options['target.type'] === 'string' && !options.format) {
          ctx.addIssue({ code: 'custom', path: ['format'], message: 'is required when target.type is "string" (TimestampConverter refuses to start without it)' });
        }
      },
    ),
  },
  {
    classes: [`${KAFKA}.HeaderFrom$Value`, `${KAFKA}.HeaderFrom$Key`],
    rules: rules({ operation: oneOf(['move', 'copy'], { caseSensitive: true }), fields: list(), headers: list() }, (options, ctx) => {
      if (options.fields?.split(',').length !== options.headers?.split(',').length) {
        ctx.addIssue({ code: 'custom', path: ['headers'], message: 'must name as many headers as fields names fields' });
      }
    }),
  },
  { classes: [`${KAFKA}.ExtractField$Value`, `${KAFKA}.ExtractField$Key`], rules: rules({ 'field.syntax.version': oneOf(['V1', 'V2']).optional() }) },
  {
    classes: [`${KAFKA}.Cast$Value`, `${KAFKA}.Cast$Key`],
    rules: rules({
      spec: z.string().refine((value) => value.split(',').every((entry) => /^\s*([^:]+:)?\s*(int8|int16|int32|int64|float32|float64|boolean|string)\s*$/i.test(entry)), {
        message: 'must be a type, or field:type pairs, with types among int8, int16, int32, int64, float32, float64, boolean, string',
      }),
    }),
  },
];

export const PREDICATES: readonly PredicateSpec[] = [{ classes: [`${KAFKA}.predicates.TopicNameMatches`], rules: rules({ pattern: javaRegex() }) }];

/**
 * Transform classes people still write that no pinned plugin ships, with what to use instead.
 * Debezium's scripting SMTs (Filter, ContentBasedRouter) are a separate artifact; the envelope
 * unwrappers were renamed in Debezium 1.x.
 */
export const MISSING_TRANSFORMS: Readonly<Record<string, string>> = {
  'io.debezium.transforms.UnwrapFromEnvelope': `${EXTRACT_NEW_RECORD_STATE} (UnwrapFromEnvelope was removed in Debezium 1.x)`,
  'io.debezium.connector.mongodb.transforms.UnwrapFromMongoDbEnvelope': `${EXTRACT_NEW_DOCUMENT_STATE} (UnwrapFromMongoDbEnvelope was removed in Debezium 1.x)`,
  'io.debezium.transforms.Filter': `${KAFKA}.Filter with a predicate (Debezium's scripting Filter ships in debezium-scripting, which the pinned plugins do not include)`,
  'io.debezium.transforms.ContentBasedRouter': `${KAFKA}.RegexRouter (Debezium's ContentBasedRouter ships in debezium-scripting, which the pinned plugins do not include)`,
};

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
 * Debezium MongoDB's change event as it came, for the warehouse to type: only Kafka's own SMTs, so no
 * document shape can fail them (ExtractNewDocumentState sends MinKey and arrays of arrays to the DLQ and
 * types columns from the first document). The value is renamed so that the JDBC sink no longer reads it
 * as a Debezium envelope (its name ended in `.Envelope`: the sink would take `after` alone), every
 * struct removed (`source`, `updateDescription`, `transaction`: a struct has no column type), and
 * `after` keeps its text but loses its `io.debezium.data.Json` name (else the sink binds it as
 * `cast(? as json)`, which fails the whole batch on a NaN double or a `\u0000`). The row:
 * `doc_text`, `__op`, `__source_ts_ms`, `__source_ord` (the change's ordinal within its source time:
 * with `__source_ts_ms`, the row's version) and `__event_ts_ms` (when Debezium read it).
 *
 * Tombstones are dropped first: the delete event (`__op` = 'd') deletes its row in the warehouse
 * (warehouse/functions-sql.ts, cdc.delete_marked). With use.reduction.buffer a tombstone would remove
 * the pending delete event of its key from the batch, and its DELETE would meet a row the version
 * guard keeps.
 */
export function rawChangeEventChain(): Record<string, string> {
  const steps: TransformStep[] = [
    { alias: 'tombstones', type: `${KAFKA}.Filter`, options: { predicate: 'isTombstone' } },
    { alias: 'envelope', type: `${KAFKA}.SetSchemaMetadata$Value`, options: { 'schema.name': 'cdc.mongodb.RawChangeEvent' } },
    { alias: 'keep', type: `${KAFKA}.ReplaceField$Value`, options: { include: 'after,op,source,ts_ms' } },
    { alias: 'flatten', type: `${KAFKA}.Flatten$Value`, options: { delimiter: '_' } },
    {
      alias: 'pick',
      type: `${KAFKA}.ReplaceField$Value`,
      options: {
        include: 'after,op,source_ts_ms,source_ord,ts_ms',
        renames: 'after:doc_text,op:__op,source_ts_ms:__source_ts_ms,source_ord:__source_ord,ts_ms:__event_ts_ms',
      },
    },
    { alias: 'text', type: `${KAFKA}.Cast$Value`, options: { spec: 'doc_text:string' } },
  ];
  return { ...transformChain(steps), predicates: 'isTombstone', 'predicates.isTombstone.type': `${KAFKA}.predicates.RecordIsTombstone` };
}
