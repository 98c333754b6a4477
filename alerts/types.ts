/** Typed Prometheus rules: what `alerts/rules/*` build and `alerts/render.ts` turns into rule-file YAML. */

export type Severity = 'warning' | 'critical';

export interface AlertRule {
  readonly kind: 'alert';
  /** CamelCase, unique within the environment (the same name in a warning/critical pair is fine). */
  readonly alert: string;
  readonly expr: string;
  /** Prometheus duration; absent = fires on the first evaluation. */
  readonly for?: string;
  readonly severity: Severity;
  /** Extra labels: pipeline, owner, connector, rollback_trigger. */
  readonly labels?: Readonly<Record<string, string>>;
  /** One line; may use `{{ $labels.x }}` and `{{ $value }}`. */
  readonly summary: string;
  readonly description: string;
  /** File name of the runbook under docs/runbooks (with an optional `#anchor`). */
  readonly runbook: string;
}

export interface RecordingRule {
  readonly kind: 'record';
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export type Rule = AlertRule | RecordingRule;

export interface RuleGroup {
  readonly name: string;
  /** @default the global evaluation interval */
  readonly interval?: string;
  readonly rules: readonly Rule[];
}

/** One Prometheus rule file. */
export interface RuleFile {
  /** File name without directory, `<name>.yaml`. */
  readonly fileName: string;
  readonly groups: readonly RuleGroup[];
}
