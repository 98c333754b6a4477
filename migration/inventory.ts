import type { PipelineDefinition } from '../connectors/pipelines/define';
import {
  authenticationTriggerConfigSchema,
  databaseTriggerConfigSchema,
  scheduledTriggerConfigSchema,
  triggerSchema,
  type AdminApp,
  type AdminTrigger,
  type DatabaseTriggerConfig,
  type LogScan,
  type TriggerLogType,
} from './admin-api';
import type { TriggerBaseline } from './baseline';
import { anyOf, projectionToExcludedFields, triggerCondition, type ChangeCondition } from './trigger-condition';
import { toIdentifier, uniqueName } from './output';

/**
 * The inventory: every trigger of an app with its settings, its baseline and the proposed
 * replacement. Pure: API data in, inventory and pipeline plan out; the caller does the I/O.
 */
export const TRIGGER_TYPES = ['DATABASE', 'SCHEDULED', 'AUTHENTICATION'] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];
export type ReplacementKind = 'connector' | 'scheduled-job' | 'deprecated';

export interface Replacement {
  readonly kind: ReplacementKind;
  readonly summary: string;
  /** The pipeline that replaces a Database trigger (generated, or one that already captures the namespace). */
  readonly pipeline?: string;
  readonly expressed: readonly string[];
  /** What the replacement does not do the way the trigger did: for a person to decide, never dropped. */
  readonly unexpressed: readonly string[];
  readonly notes: readonly string[];
}

export interface InventoryTrigger {
  readonly id: string;
  readonly name: string;
  readonly type: TriggerType;
  readonly disabled: boolean;
  readonly function?: { readonly id?: string; readonly name?: string; readonly file?: string };
  readonly eventProcessors: readonly string[];
  /** DATABASE: `<database>.<collection>`, `<database>.*` or `*` (whole deployment). */
  readonly namespace?: string;
  readonly operationTypes?: readonly string[];
  readonly match?: Readonly<Record<string, unknown>>;
  readonly project?: Readonly<Record<string, unknown>>;
  readonly fullDocument?: boolean;
  readonly fullDocumentBeforeChange?: boolean;
  /** DATABASE settings without a filter meaning (tolerate_resume_errors, unordered, …). */
  readonly settings?: Readonly<Record<string, unknown>>;
  readonly schedule?: string;
  readonly authentication?: { readonly operationType?: string; readonly providers?: readonly string[] };
  readonly replacement: Replacement;
  readonly baseline: TriggerBaseline;
}

export interface InventoryFunction {
  readonly id: string;
  readonly name: string;
  readonly private?: boolean;
  /** Relative to the output folder. */
  readonly file?: string;
  readonly sourceBytes?: number;
  /** Credential-like literals masked in the written source: rotate them. */
  readonly maskedCredentials?: number;
  readonly error?: string;
}

export interface InventoryProblem {
  readonly where: string;
  readonly message: string;
}

/** A pipeline to generate for one namespace, from every Database trigger watching it. */
export interface PlannedPipeline {
  readonly definition: PipelineDefinition;
  /** The change events the triggers reacted to; undefined = all of them. */
  readonly condition?: ChangeCondition;
  readonly triggers: readonly string[];
}

export interface InventoryInput {
  readonly project: string;
  readonly app: AdminApp;
  readonly rawTriggers: readonly unknown[];
  readonly functions: readonly InventoryFunction[];
  readonly baselineOf: (trigger: { readonly id: string; readonly name: string }) => TriggerBaseline;
  /** Pipelines the repository already has: a namespace they capture gets no second pipeline. */
  readonly existingPipelines: readonly PipelineDefinition[];
  /** Written into generated pipelines. @default 'unassigned' */
  readonly owner?: string;
}

export interface InventoryResult {
  readonly triggers: InventoryTrigger[];
  readonly pipelines: PlannedPipeline[];
  readonly problems: InventoryProblem[];
}

/** Names Debezium's include list (comma-separated regular expressions) and a topic name can carry as they are. */
const SAFE_DATABASE = /^[A-Za-z0-9_-]{1,64}$/;
const SAFE_COLLECTION = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,119}$/;
const NAME_IN_TEXT = 100;

function shown(name: string): string {
  const flat = name.replace(/[\u0000-\u001f\u007f]/g, '?');
  return flat.length > NAME_IN_TEXT ? `${flat.slice(0, NAME_IN_TEXT)}…` : flat;
}

function issuesText(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues.map((issue) => `${issue.path.map(String).join('.') || '(item)'}: ${issue.message}`).join('; ');
}

function functionOf(trigger: AdminTrigger): { id?: string; name?: string } | undefined {
  const processor = (trigger.event_processors?.FUNCTION as { config?: { function_id?: unknown; function_name?: unknown } } | undefined)?.config;
  const id = trigger.function_id ?? (typeof processor?.function_id === 'string' ? processor.function_id : undefined);
  const name = trigger.function_name ?? (typeof processor?.function_name === 'string' ? processor.function_name : undefined);
  return id || name ? { id, name } : undefined;
}

/** The trigger's function, named from the function list when the trigger gives only its id. */
function functionEntry(fn: { id?: string; name?: string }, listed: InventoryFunction | undefined): { id?: string; name?: string; file?: string } {
  return { ...fn, ...(fn.name ? {} : listed ? { name: listed.name } : {}), ...(listed?.file ? { file: listed.file } : {}) };
}

interface DatabasePlan {
  readonly trigger: AdminTrigger;
  readonly config?: DatabaseTriggerConfig;
  readonly expressed: string[];
  readonly unexpressed: string[];
  readonly notes: string[];
  readonly condition?: ChangeCondition;
  readonly excludeFields: string[];
  /** Set when the trigger can be replaced by a pipeline. */
  readonly namespace?: { readonly database: string; readonly collection: string };
}

function planDatabaseTrigger(trigger: AdminTrigger): DatabasePlan {
  const expressed: string[] = [];
  const unexpressed: string[] = [];
  const notes: string[] = [];
  const processors = Object.keys(trigger.event_processors ?? {});
  if (processors.includes('AWS_EVENTBRIDGE')) {
    unexpressed.push('events went to AWS EventBridge, not to a function: the generated sink writes the warehouse; an EventBridge destination is not part of this platform');
  }
  if (trigger.disabled) notes.push('disabled in Atlas: no recent executions to compare; confirm the collection still needs syncing before applying the connector');
  if (!trigger.config) {
    unexpressed.push('config is missing: which collection the trigger watches is unknown, so no connector was generated');
    return { trigger, expressed, unexpressed, notes, excludeFields: [] };
  }
  const parsed = databaseTriggerConfigSchema.safeParse(trigger.config);
  if (!parsed.success) {
    unexpressed.push(`config does not have the documented shape (${issuesText(parsed.error.issues)}): no connector was generated`);
    return { trigger, expressed, unexpressed, notes, excludeFields: [] };
  }
  const config = parsed.data;
  const filter = triggerCondition({ operationTypes: config.operation_types, match: config.match, fullDocument: config.full_document });
  const projection = projectionToExcludedFields(config.project);
  expressed.push(...filter.expressed, ...projection.expressed);
  unexpressed.push(...filter.unexpressed, ...projection.unexpressed);
  if (config.full_document_before_change) {
    unexpressed.push(
      'full_document_before_change: the function received the document before the change; the sink writes the state after it (Debezium can carry pre-images with capture.mode change_streams_update_full_with_pre_image, which the generated source does not set)',
    );
  }
  if (config.full_document === false) {
    notes.push('full_document was off: the function received only the change for updates; the sink needs whole documents to upsert, so the source looks them up (capture.mode change_streams_update_full)');
  }
  if (config.tolerate_resume_errors) {
    notes.push('tolerate_resume_errors: the trigger skipped ahead (losing changes) when its resume token left the oplog; Debezium stops instead, and a new snapshot (snapshot.mode when_needed) restores the data, so a loss is visible');
  }
  if (config.unordered) notes.push('unordered: the trigger ran events out of order; the connector keeps the order of changes per collection');
  if (config.skip_catchup_events) notes.push('skip_catchup_events: no equivalent needed; a connector resumes from its stored offset');
  if (config.maximum_throughput) notes.push('maximum_throughput: scale the sink with tasks.max and batch.size (config collections.<pipeline>.sink) instead');

  const base = { trigger, config, expressed, unexpressed, notes, condition: filter.value, excludeFields: projection.value };
  if (!config.database) {
    unexpressed.push('watches the whole deployment (no database): name the collections to capture, one pipeline each; no connector was generated');
    return base;
  }
  if (!config.collection) {
    unexpressed.push(`watches every collection of database ${shown(config.database)}: name the collections to capture, one pipeline each; no connector was generated`);
    return base;
  }
  if (!SAFE_DATABASE.test(config.database) || !SAFE_COLLECTION.test(config.collection) || config.collection.startsWith('system.')) {
    unexpressed.push(
      `namespace ${JSON.stringify(shown(`${config.database}.${config.collection}`))} has characters that Debezium's include list (comma-separated regular expressions) and topic names cannot carry as they are: write this pipeline by hand; no connector was generated`,
    );
    return base;
  }
  expressed.unshift(`namespace ${config.database}.${config.collection} → collection.include.list`);
  return { ...base, namespace: { database: config.database, collection: config.collection } };
}

/** The items that are triggers of a known type; every other item is a problem, named by its index and name. */
function parseTriggers(rawTriggers: readonly unknown[]): { triggers: AdminTrigger[]; problems: InventoryProblem[] } {
  const triggers: AdminTrigger[] = [];
  const problems: InventoryProblem[] = [];
  rawTriggers.forEach((raw, index) => {
    const parsed = triggerSchema.safeParse(raw);
    const label = raw && typeof raw === 'object' && typeof (raw as { name?: unknown }).name === 'string' ? ` (${shown((raw as { name: string }).name)})` : '';
    if (!parsed.success) {
      problems.push({ where: `triggers[${index}]${label}`, message: `not a trigger in the documented shape: ${issuesText(parsed.error.issues)}; left out` });
    } else if (!(TRIGGER_TYPES as readonly string[]).includes(parsed.data.type)) {
      problems.push({ where: `triggers[${index}]${label}`, message: `type ${JSON.stringify(shown(parsed.data.type))} is not DATABASE, SCHEDULED or AUTHENTICATION; left out` });
    } else triggers.push(parsed.data);
  });
  return { triggers, problems };
}

function namespaceKey(namespace: { readonly database: string; readonly collection: string }): string {
  return `${namespace.database}.${namespace.collection}`;
}

/** The Database triggers that can be replaced by a pipeline, by the namespace they watch. */
function groupByNamespace(plans: Iterable<DatabasePlan>): Map<string, DatabasePlan[]> {
  const byNamespace = new Map<string, DatabasePlan[]>();
  for (const plan of plans) {
    if (!plan.namespace) continue;
    const key = namespaceKey(plan.namespace);
    byNamespace.set(key, [...(byNamespace.get(key) ?? []), plan]);
  }
  return byNamespace;
}

/** The pipeline serving a namespace: one the repository has, or one generated now. */
interface NamespacePipeline {
  readonly name: string;
  readonly existing: boolean;
}

/** A new pipeline for a namespace, capturing what any of its triggers reacted to. */
function plannedPipeline(namespace: string, plans: readonly DatabasePlan[], name: string, owner: string): PlannedPipeline {
  const { database, collection } = plans[0]!.namespace!;
  const excludeFields = [...new Set(plans.flatMap((plan) => plan.excludeFields))].sort();
  const triggerNames = plans.map((plan) => shown(plan.trigger.name));
  return {
    definition: {
      name,
      description: `Replaces the Atlas trigger${triggerNames.length > 1 ? 's' : ''} ${triggerNames.map((trigger) => `"${trigger}"`).join(', ')} on ${namespace}`,
      database,
      collection,
      table: name,
      ...(excludeFields.length ? { excludeFields } : {}),
      owner,
    },
    condition: anyOf(plans.map((plan) => plan.condition)),
    triggers: plans.map((plan) => plan.trigger.name),
  };
}

/** One pipeline per namespace, in namespace order, unless the repository already captures it; names never collide. */
function planPipelines(byNamespace: ReadonlyMap<string, readonly DatabasePlan[]>, existingPipelines: readonly PipelineDefinition[], owner: string) {
  const takenNames = new Set(existingPipelines.map((pipeline) => pipeline.name));
  const pipelineOfNamespace = new Map<string, NamespacePipeline>();
  const pipelines: PlannedPipeline[] = [];
  for (const [namespace, plans] of [...byNamespace.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const { database, collection } = plans[0]!.namespace!;
    const existing = existingPipelines.find((pipeline) => pipeline.database === database && pipeline.collection === collection);
    if (existing) {
      pipelineOfNamespace.set(namespace, { name: existing.name, existing: true });
      continue;
    }
    const name = uniqueName(toIdentifier(collection, 'collection'), takenNames);
    pipelines.push(plannedPipeline(namespace, plans, name, owner));
    pipelineOfNamespace.set(namespace, { name, existing: false });
  }
  return { pipelines, pipelineOfNamespace };
}

/** What every inventory entry is built from, besides the trigger. */
interface EntryContext {
  readonly functionFiles: ReadonlyMap<string, InventoryFunction>;
  readonly baselineOf: InventoryInput['baselineOf'];
  readonly databasePlans: ReadonlyMap<string, DatabasePlan>;
  readonly byNamespace: ReadonlyMap<string, readonly DatabasePlan[]>;
  readonly pipelineOfNamespace: ReadonlyMap<string, NamespacePipeline>;
}

type CommonEntry = Pick<InventoryTrigger, 'id' | 'name' | 'type' | 'disabled' | 'function' | 'eventProcessors' | 'baseline'>;

function commonEntry(trigger: AdminTrigger, context: EntryContext): CommonEntry {
  const fn = functionOf(trigger);
  return {
    id: trigger._id,
    name: trigger.name,
    type: trigger.type as TriggerType,
    disabled: trigger.disabled ?? false,
    ...(fn ? { function: functionEntry(fn, fn.id ? context.functionFiles.get(fn.id) : undefined) } : {}),
    eventProcessors: Object.keys(trigger.event_processors ?? {}),
    baseline: context.baselineOf({ id: trigger._id, name: trigger.name }),
  };
}

/** The plan's notes, plus what sharing the namespace or reusing a pipeline means for this trigger. */
function databaseNotes(trigger: AdminTrigger, plan: DatabasePlan, context: EntryContext, target: NamespacePipeline | undefined): string[] {
  const key = plan.namespace ? namespaceKey(plan.namespace) : undefined;
  const sharing = key ? (context.byNamespace.get(key) ?? []).filter((other) => other.trigger._id !== trigger._id) : [];
  const notes = [...plan.notes];
  if (sharing.length) {
    notes.push(
      `${sharing.map((other) => `"${shown(other.trigger.name)}"`).join(', ')} also watch${sharing.length === 1 ? 'es' : ''} ${key}: one pipeline captures what any of them reacted to; compare their functions`,
    );
  }
  if (target?.existing) notes.push(`${key} is already captured by pipeline "${target.name}" in connectors/pipelines/: no new pipeline was generated`);
  if (target && !target.existing) {
    notes.push(`warehouse table "${target.name}" is derived from the collection name: check the function source for the table the trigger wrote and adjust the pipeline's table`);
  }
  return notes;
}

/** DATABASE settings without a filter meaning, as the API gave them. */
function databaseSettings(config: DatabaseTriggerConfig | undefined): Readonly<Record<string, unknown>> | undefined {
  if (!config) return undefined;
  return Object.fromEntries(
    (['tolerate_resume_errors', 'unordered', 'skip_catchup_events', 'maximum_throughput', 'service_id'] as const).filter((key) => config[key] !== undefined).map((key) => [key, config[key]]),
  );
}

function databaseEntry(trigger: AdminTrigger, common: CommonEntry, context: EntryContext): InventoryTrigger {
  const plan = context.databasePlans.get(trigger._id)!;
  const config = plan.config;
  const target = plan.namespace ? context.pipelineOfNamespace.get(namespaceKey(plan.namespace)) : undefined;
  const summary = target
    ? `Debezium MongoDB source + JDBC sink: pipeline "${target.name}"${target.existing ? ' (existing)' : ' (generated)'}`
    : 'Debezium MongoDB source + JDBC sink, once the collection question below is answered (nothing generated)';
  return {
    ...common,
    namespace: config ? (config.database ? `${config.database}.${config.collection ?? '*'}` : '*') : undefined,
    operationTypes: config?.operation_types,
    match: config?.match,
    project: config?.project,
    fullDocument: config?.full_document,
    fullDocumentBeforeChange: config?.full_document_before_change,
    settings: databaseSettings(config),
    replacement: {
      kind: 'connector',
      summary,
      ...(target ? { pipeline: target.name } : {}),
      expressed: plan.expressed,
      unexpressed: plan.unexpressed,
      notes: databaseNotes(trigger, plan, context, target),
    },
  };
}

function scheduledEntry(trigger: AdminTrigger, common: CommonEntry): InventoryTrigger {
  const parsed = scheduledTriggerConfigSchema.safeParse(trigger.config ?? {});
  const schedule = parsed.success ? parsed.data.schedule : undefined;
  const unexpressed = parsed.success ? [] : [`config does not have the documented shape (${issuesText(parsed.error.issues)}): the schedule is unknown`];
  const notes: string[] = [];
  if (schedule && schedule.trim().split(/\s+/).length !== 5) {
    notes.push(`schedule ${JSON.stringify(schedule)} is not a five-field cron expression: a Kubernetes CronJob needs one`);
  }
  return {
    ...common,
    schedule,
    replacement: {
      kind: 'scheduled-job',
      summary: `not change capture: run the function's logic on the same schedule${schedule ? ` (${schedule})` : ''} as a Kubernetes CronJob, or as a warehouse job (a view, or pg_cron) when it only reshapes warehouse data`,
      expressed: schedule ? [`schedule ${schedule} → CronJob spec.schedule (same cron syntax, UTC)`] : [],
      unexpressed: [...unexpressed, 'the function body: rewrite it as the job (its source is in the inventory)'],
      notes,
    },
  };
}

/** `providers` as a list, whether the API gave one provider (the schema's string) or several (its example's array). */
function providerList(providers: string | readonly string[] | undefined): readonly string[] | undefined {
  return typeof providers === 'string' ? [providers] : providers;
}

function authenticationEntry(trigger: AdminTrigger, common: CommonEntry): InventoryTrigger {
  const parsed = authenticationTriggerConfigSchema.safeParse(trigger.config ?? {});
  const authentication = parsed.success ? { operationType: parsed.data.operation_type, providers: providerList(parsed.data.providers) } : {};
  return {
    ...common,
    authentication,
    replacement: {
      kind: 'deprecated',
      summary:
        'deprecated by MongoDB with App Services authentication (end of life 30 September 2025): no replacement on this platform; move the user-lifecycle logic to the identity provider',
      expressed: [],
      unexpressed: [
        `authentication events (${authentication.operationType ?? 'unknown operation'}${authentication.providers?.length ? ` via ${authentication.providers.join(', ')}` : ''}) are not change capture`,
      ],
      notes: parsed.success ? [] : [`config does not have the documented shape: ${issuesText(parsed.error.issues)}`],
    },
  };
}

function inventoryEntry(trigger: AdminTrigger, context: EntryContext): InventoryTrigger {
  const common = commonEntry(trigger, context);
  if (trigger.type === 'DATABASE') return databaseEntry(trigger, common, context);
  if (trigger.type === 'SCHEDULED') return scheduledEntry(trigger, common);
  return authenticationEntry(trigger, common);
}

/** The inventory and the pipelines to generate, from what the Admin API returned. */
export function buildInventory(input: InventoryInput): InventoryResult {
  const parsed = parseTriggers(input.rawTriggers);
  const databasePlans = new Map<string, DatabasePlan>();
  for (const trigger of parsed.triggers) if (trigger.type === 'DATABASE') databasePlans.set(trigger._id, planDatabaseTrigger(trigger));
  const byNamespace = groupByNamespace(databasePlans.values());
  const { pipelines, pipelineOfNamespace } = planPipelines(byNamespace, input.existingPipelines, input.owner ?? 'unassigned');
  const functionFiles = new Map(input.functions.map((entry) => [entry.id, entry]));
  const context: EntryContext = { functionFiles, baselineOf: input.baselineOf, databasePlans, byNamespace, pipelineOfNamespace };
  const triggers = parsed.triggers.map((trigger) => inventoryEntry(trigger, context));
  const functionProblems = input.functions.filter((fn) => fn.error).map((fn) => ({ where: `function ${shown(fn.name)}`, message: fn.error! }));
  return { triggers, pipelines, problems: [...parsed.problems, ...functionProblems] };
}

/** `inventory.json`: what `cdcctl migrate inventory` found and proposes. */
export interface InventoryDocument {
  readonly generatedBy: 'cdcctl migrate inventory';
  readonly project: string;
  /** `product`: `standard` for an App Services app, `atlas` for the app the Atlas UI keeps its triggers in. */
  readonly app: { readonly id: string; readonly name: string; readonly clientAppId?: string; readonly product?: string };
  readonly environment: string;
  readonly baselineWindow: {
    readonly since: string;
    readonly until: string;
    readonly scans: ReadonlyArray<LogScan & { readonly type: TriggerLogType; readonly errorsOnly: boolean }>;
    readonly unattributedEntries: number;
  };
  readonly triggers: readonly InventoryTrigger[];
  readonly functions: readonly InventoryFunction[];
  readonly pipelines: ReadonlyArray<{ readonly name: string; readonly namespace: string; readonly table: string; readonly file: string; readonly triggers: readonly string[] }>;
  readonly connectors: ReadonlyArray<{ readonly name: string; readonly file: string; readonly issues: readonly string[] }>;
  readonly problems: readonly InventoryProblem[];
}
