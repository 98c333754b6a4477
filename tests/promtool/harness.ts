import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ruleFiles } from '../../alerts';
import { renderRuleFile } from '../../alerts/rule-file';
import type { Environment } from '../../config';
import { PROMTOOL_ENVIRONMENTS } from './environments';

/**
 * Runs Debian's promtool (2.42: `exp_labels` lists every label; `exp_annotations` every annotation).
 * Test cases (tests/promtool/*.cases.ts) give input series, evaluation times and the expected
 * labels; the expected annotations are the rule's own templates expanded here with those labels and
 * the expected value, so a template that renders wrong (`<no value>`) fails the test.
 */

export const PROMTOOL = process.env.PROMTOOL_BIN ?? '/usr/bin/promtool';

/** Fails (never skips) when promtool is missing, with what to install. */
export function requirePromtool(): string {
  if (!existsSync(PROMTOOL)) {
    throw new Error(
      `promtool is not installed (${PROMTOOL} is missing): install Debian's "prometheus" package ` +
        `(apt-get install --no-install-recommends prometheus), or set PROMTOOL_BIN. These tests do not skip.`,
    );
  }
  return PROMTOOL;
}

export interface PromtoolResult {
  readonly status: number | null;
  readonly output: string;
}

export function promtool(...args: string[]): PromtoolResult {
  const result = spawnSync(requirePromtool(), args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

export interface RenderedRules {
  readonly dir: string;
  /** File name → path. */
  readonly files: Readonly<Record<string, string>>;
  /** Every alert rule as rendered (what promtool loads). */
  readonly alerts: readonly RenderedAlert[];
}

export interface RenderedAlert {
  readonly file: string;
  readonly alert: string;
  readonly expr: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** Renders the rule files of the given environments (default: the promtool fixtures) into a new temporary folder. */
export function renderRules(environments: readonly Environment[] = PROMTOOL_ENVIRONMENTS): RenderedRules {
  const dir = mkdtempSync(join(tmpdir(), 'cdc-promtool-'));
  const files: Record<string, string> = {};
  const alerts: RenderedAlert[] = [];
  for (const environment of environments) {
    for (const file of ruleFiles(environment)) {
      const text = renderRuleFile(file, { environment: environment.name });
      const path = join(dir, file.fileName);
      writeFileSync(path, text);
      files[file.fileName] = path;
      const document = parse(text) as { groups: { rules: Record<string, unknown>[] }[] };
      for (const rule of document.groups.flatMap((group) => group.rules)) {
        if (typeof rule.alert !== 'string') continue;
        alerts.push({
          file: file.fileName,
          alert: rule.alert,
          expr: String(rule.expr),
          labels: rule.labels as Record<string, string>,
          annotations: rule.annotations as Record<string, string>,
        });
      }
    }
  }
  return { dir, files, alerts };
}

// ---- Go template functions used by our annotations (Prometheus' template.go) ----

/** Go's `%.4g`: four significant digits, no trailing zeros, exponent form outside [1e-4, 1e4). */
function goG4(value: number): string {
  if (value === 0) return '0';
  const exponent = Math.floor(Math.log10(Math.abs(value)));
  if (exponent < -4 || exponent >= 4) {
    const [mantissa, power] = value.toExponential(3).split('e');
    const trimmed = String(Number(mantissa));
    const sign = power!.startsWith('-') ? '-' : '+';
    const digits = power!.replace(/^[+-]/, '').padStart(2, '0');
    return `${trimmed}e${sign}${digits}`;
  }
  return String(Number(value.toPrecision(4)));
}

export function humanize(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return goG4(value);
  if (Math.abs(value) >= 1) {
    const prefixes = ['', 'k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
    let index = 0;
    while (Math.abs(value) >= 1000 && index < prefixes.length - 1) {
      value /= 1000;
      index += 1;
    }
    return `${goG4(value)}${prefixes[index]}`;
  }
  const prefixes = ['', 'm', 'u', 'n', 'p', 'f', 'a', 'z', 'y'];
  let index = 0;
  while (Math.abs(value) < 1 && index < prefixes.length - 1) {
    value *= 1000;
    index += 1;
  }
  return `${goG4(value)}${prefixes[index]}`;
}

export function humanizePercentage(value: number): string {
  return `${goG4(value * 100)}%`;
}

export function humanizeDuration(value: number): string {
  if (value === 0) return '0s';
  if (Math.abs(value) >= 1) {
    const sign = value < 0 ? '-' : '';
    const whole = Math.trunc(Math.abs(value));
    const seconds = whole % 60;
    const minutes = Math.trunc(whole / 60) % 60;
    const hours = Math.trunc(whole / 3600) % 24;
    const days = Math.trunc(whole / 86400);
    if (days) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${goG4(Math.abs(value))}s`;
  }
  throw new Error(`humanizeDuration: sub-second values are not used by our rules (got ${value})`);
}

/** Expands `{{ $labels.x }}` and `{{ $value [| humanize…] }}` as Prometheus would. */
export function expandTemplate(template: string, labels: Readonly<Record<string, string>>, value: number | undefined): string {
  return template.replace(/\{\{\s*\$(labels\.([A-Za-z_][A-Za-z0-9_]*)|value)\s*(?:\|\s*(humanize|humanizePercentage|humanizeDuration)\s*)?\}\}/g, (_whole, _ref, label, fn) => {
    if (label) return labels[label] ?? '<no value>';
    if (value === undefined) throw new Error(`template ${JSON.stringify(template)} uses $value but the test case gives no value`);
    if (fn === 'humanize') return humanize(value);
    if (fn === 'humanizePercentage') return humanizePercentage(value);
    if (fn === 'humanizeDuration') return humanizeDuration(value);
    // Go prints a bare float64 with %v (1e+06, not 1000000): annotations use a humanize function instead.
    throw new Error(`template ${JSON.stringify(template)}: a bare {{ $value }} is not supported here; pipe it through humanize`);
  });
}

// ---- Test cases ----

export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

export interface ExpectedAlert {
  /** Every label of the alert except `alertname` (promtool adds it). */
  readonly labels: Readonly<Record<string, string>>;
  /** The alert's value at the evaluation time, for `$value` in annotations. */
  readonly value?: number;
}

export interface AlertCheck {
  readonly at: string;
  readonly alert: string;
  /** Empty: the alert must not fire (or is still pending) at that time. */
  readonly firing: readonly ExpectedAlert[];
}

export interface ExpressionCheck {
  readonly at: string;
  readonly expr: string;
  readonly expected: readonly { readonly labels: string; readonly value: number }[];
}

export interface PromtoolCase {
  readonly name: string;
  /** Rule files (names as rendered) loaded for this case. */
  readonly ruleFiles: readonly string[];
  readonly input: readonly InputSeries[];
  readonly alerts?: readonly AlertCheck[];
  readonly expressions?: readonly ExpressionCheck[];
}

/** Writes one promtool test file per case (each loads its own rule files) and returns the paths. */
export function writePromtoolTestFiles(rendered: RenderedRules, cases: readonly PromtoolCase[]): string[] {
  return cases.map((testCase, index) => {
    const missing = testCase.ruleFiles.filter((file) => !rendered.files[file]);
    if (missing.length) throw new Error(`case "${testCase.name}": rule file(s) ${missing.join(', ')} were not rendered (rendered: ${Object.keys(rendered.files).join(', ')})`);
    const test = {
      name: testCase.name,
      interval: '1m',
      input_series: testCase.input.map((input) => ({ series: input.series, values: input.values })),
      alert_rule_test: (testCase.alerts ?? []).map((check) => ({
        eval_time: check.at,
        alertname: check.alert,
        exp_alerts: check.firing.map((expected) => {
          const rule = findRule(rendered, testCase, check.alert, expected.labels);
          return {
            exp_labels: expected.labels,
            exp_annotations: Object.fromEntries(
              Object.entries(rule.annotations).map(([key, template]) => [key, expandTemplate(template, expected.labels, expected.value)]),
            ),
          };
        }),
      })),
      promql_expr_test: (testCase.expressions ?? []).map((check) => ({
        expr: check.expr,
        eval_time: check.at,
        exp_samples: check.expected.map((sample) => ({ labels: sample.labels, value: sample.value })),
      })),
    };
    const path = join(rendered.dir, `case-${String(index).padStart(3, '0')}.test.yaml`);
    writeFileSync(path, stringify({ rule_files: [...testCase.ruleFiles], evaluation_interval: '1m', tests: [test] }, { lineWidth: 0 }));
    return path;
  });
}

/** The rule an expected alert comes from: same name, and every label the rule sets equal to the expected one. */
function findRule(rendered: RenderedRules, testCase: PromtoolCase, alert: string, labels: Readonly<Record<string, string>>): RenderedAlert {
  const matches = rendered.alerts.filter(
    (rule) =>
      testCase.ruleFiles.includes(rule.file) &&
      rule.alert === alert &&
      Object.entries(rule.labels).every(([name, value]) => labels[name] === value),
  );
  if (matches.length !== 1) {
    throw new Error(`case "${testCase.name}": expected exactly one rule ${alert} with labels ${JSON.stringify(labels)} in ${testCase.ruleFiles.join(', ')}, found ${matches.length}`);
  }
  return matches[0]!;
}
