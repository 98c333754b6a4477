import path from 'node:path';
import type { Command } from 'commander';
import { loadAllEnvironments, loadEnvironment } from '../../config';
import { EXIT } from '../../connectors/connect/plan';
import { formatIssue } from '../../connectors/validate';
import { planEnvironment } from '../../gitops/connectors-plan';
import { detectDrift } from '../../gitops/drift';
import { waitHealthy } from '../../gitops/health';
import { appendStepSummary, GITOPS_OUTPUT_DIR, writeOutputFile } from '../../gitops/outputs';
import { composeComment, contextFromActions, publishComment, readSections } from '../../gitops/pr-comment';
import { renderAll, renderErrors, writeRendered, type EnvironmentRender } from '../../gitops/render-all';
import { applyEnvironmentStacks } from '../../gitops/stacks-apply';
import { planEnvironmentStacks } from '../../gitops/stacks-plan';
import { shownText } from '../../connectors/secrets';
import { checkOutputFormat, CliError, environmentFromFlags, environmentOption, environmentOptions, outputFormatOption, progress, type EnvironmentFlags } from '../support';

/**
 * `cdcctl gitops …`: the steps the GitOps workflows run (each through a one-line `npm run gitops:…`
 * alias), so that the same step runs on a laptop. Each parses its flags, calls one function of
 * gitops/ and prints; the exit code says what the workflow needs to know.
 */
export function registerGitopsCommands(program: Command): void {
  const gitops = program.command('gitops').description('the steps of the GitOps workflows: validate, render, plan, comment, health, drift, stacks');
  registerRender(gitops);
  registerConnectorsPlan(gitops);
  registerPrComment(gitops);
  registerHealth(gitops);
  registerDrift(gitops);
  registerStacks(gitops);
}

/** A plan step exits 0 whenever the plan was made, unless asked for terraform's detailed exit code. */
export function planExitCode(exitCode: number, detailed: boolean | undefined): number {
  return exitCode === EXIT.changes && !detailed ? EXIT.ok : exitCode;
}

/**
 * `gitops validate` (`out` undefined: check only) and `gitops render` (check, then write to `out`):
 * warnings printed, every error printed and the step failed.
 * @param render the environments rendered and checked @default every environment's connectors (a test gives its own)
 */
export async function validateAndRender(out: string | undefined, render: () => readonly EnvironmentRender[] = () => renderAll(loadAllEnvironments())): Promise<void> {
  const results = render();
  for (const result of results) for (const issue of result.issues.filter((candidate) => candidate.severity === 'warning')) process.stderr.write(`warning: ${result.environment}: ${formatIssue(issue)}\n`);
  const errors = renderErrors(results);
  if (errors.length) {
    for (const line of errors) process.stderr.write(`${line}\n`);
    throw new CliError(`${errors.length} invalid field${errors.length === 1 ? '' : 's'} across ${results.length} environments`);
  }
  const summary = results.map((result) => `${result.environment} ${result.connectors.length}`).join(', ');
  if (out === undefined) {
    process.stdout.write(`connectors valid in every environment (${summary})\n`);
    return;
  }
  await writeRendered(results, out);
  process.stdout.write(`rendered ${summary} connectors to ${out}\n`);
}

function registerRender(gitops: Command): void {
  gitops.command('validate').description("validate every environment's connectors; exit 1 on any invalid field").action(() => validateAndRender(undefined));
  gitops
    .command('render')
    .description('validate, then write <out>/<environment>/<connector>.json for every environment')
    .option('--out <dir>', 'output folder', path.join(GITOPS_OUTPUT_DIR, 'rendered'))
    .action((flags: { out: string }) => validateAndRender(flags.out));
}

function registerConnectorsPlan(gitops: Command): void {
  environmentOptions(
    gitops
      .command('connectors-plan')
      .description('plan the connectors of one environment; write the Markdown section for the pull-request comment')
      .option('--out <file>', 'Markdown section file (default: .local/gitops/connectors-plan/<env>.md)')
      .option('--prune', 'plan deletes of managed connectors that are no longer defined')
      .option('--detailed-exitcode', 'exit 2 when there are changes (default: 0 whenever the plan was made)'),
  ).action(async (flags: EnvironmentFlags & { out?: string; prune?: boolean; detailedExitcode?: boolean }) => {
    const environment = environmentFromFlags(flags);
    const report = await planEnvironment(environment, { prune: flags.prune });
    const out = flags.out || path.join(GITOPS_OUTPUT_DIR, 'connectors-plan', `${environment.name}.md`);
    await writeOutputFile(out, report.markdown);
    await appendStepSummary(report.markdown);
    process.stdout.write(`${report.text}\n`);
    process.stderr.write(`section written to ${out}\n`);
    process.exitCode = planExitCode(report.exitCode, flags.detailedExitcode);
  });
}

function registerPrComment(gitops: Command): void {
  gitops
    .command('pr-comment')
    .description('join the plan sections into one pull-request comment and create or update it')
    .requiredOption('--marker <id>', 'hidden marker that identifies the comment (e.g. connectors-plan)')
    .requiredOption('--title <title>', 'comment heading')
    .requiredOption('--sections <dir>', 'folder of <environment>.md sections')
    .option('--artifact <name...>', 'artifact names to mention')
    .option('--out <file>', 'also write the body to this file')
    .option('--dry-run', 'print the body instead of posting it')
    .action(async (flags: { marker: string; title: string; sections: string; artifact?: string[]; out?: string; dryRun?: boolean }) => {
      const body = composeComment(flags.marker, flags.title, await readSections(flags.sections), { ...contextFromActions(), artifacts: flags.artifact });
      if (flags.out) await writeOutputFile(flags.out, body);
      if (flags.dryRun) {
        process.stdout.write(body);
        return;
      }
      const result = await publishComment({ marker: flags.marker, body });
      process.stdout.write(`${result.action} comment ${result.url}\n`);
    });
}

function positiveSeconds(flag: string, value: string, allowZero: boolean): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0 || (!allowZero && seconds === 0)) throw new CliError(`${flag} must be a number ${allowZero ? '≥' : '>'} 0 (got ${value})`);
  return seconds;
}

function registerHealth(gitops: Command): void {
  environmentOptions(
    gitops
      .command('health')
      .description('wait until every connector of the environment is in its wanted state, nothing failed, and it stays so')
      .option('--settle-seconds <n>', 'how long everything must stay healthy', '30')
      .option('--timeout-seconds <n>', 'give up after', '300')
      .option('--poll-seconds <n>', 'how often the worker is read', '2')
      .addOption(outputFormatOption(['markdown', 'json'])),
  ).action(async (flags: EnvironmentFlags & { settleSeconds: string; timeoutSeconds: string; pollSeconds: string; output: string }) => {
    checkOutputFormat(flags.output, ['markdown', 'json']);
    const settle = positiveSeconds('--settle-seconds', flags.settleSeconds, true);
    const timeout = positiveSeconds('--timeout-seconds', flags.timeoutSeconds, false);
    const poll = positiveSeconds('--poll-seconds', flags.pollSeconds, false);
    const environment = environmentFromFlags(flags);
    const result = await waitHealthy(environment, { settleMs: settle * 1000, timeoutMs: timeout * 1000, pollIntervalMs: poll * 1000, onProgress: progress });
    await appendStepSummary(result.markdown);
    const { failed, waiting, converged } = result.last;
    const json = { environment: environment.name, healthy: result.healthy, failed: failed.map((line) => shownText(line)), waiting: waiting.map((line) => shownText(line)), converged };
    process.stdout.write(flags.output === 'json' ? `${JSON.stringify(json, null, 2)}\n` : result.markdown);
    if (!result.healthy) throw new CliError(`${environment.name} is not healthy after the apply: ${[...result.last.failed, ...result.last.waiting].join('; ') || 'the live state differs from main'}`);
  });
}

function registerDrift(gitops: Command): void {
  environmentOptions(gitops.command('drift').description('compare the live worker with main; exit 0 no drift, 2 drift (each drifted field named), 1 error').addOption(outputFormatOption(['text', 'json']))).action(
    async (flags: EnvironmentFlags & { output: string }) => {
      checkOutputFormat(flags.output, ['text', 'json']);
      const environment = environmentFromFlags(flags);
      const report = await detectDrift(environment);
      await appendStepSummary(report.markdown);
      // Field names only in JSON: the values stay in the masked text and markdown.
      const drifted = report.drifted.map((item) => ({ connector: item.connector, kind: item.kind, fields: item.fields.map((field) => field.field), ...(item.wantedState ? { wantedState: item.wantedState } : {}) }));
      process.stdout.write(flags.output === 'json' ? `${JSON.stringify({ environment: report.environment, drift: report.exitCode === EXIT.changes, drifted }, null, 2)}\n` : `${report.text}\n`);
      process.exitCode = report.exitCode;
    },
  );
}

function registerStacks(gitops: Command): void {
  gitops
    .command('stacks-plan')
    .description('plan every stack of one environment with terraform (init, plan -lock=false -out=plan.tfplan in each synthesized stack folder, after npm run synth); write the Markdown section for the pull-request comment; the saved plans are what stacks-apply applies')
    .addOption(environmentOption('environment whose stacks (<stack>-<env>) are planned').makeOptionMandatory())
    .option('--out <file>', 'Markdown section file (default: .local/gitops/stacks-plan/<env>.md)')
    .option('--detailed-exitcode', 'exit 2 when there are changes (default: 0 whenever every plan was made)')
    .action(async (flags: { env: string; out?: string; detailedExitcode?: boolean }) => {
      const environment = loadEnvironment(flags.env);
      const report = await planEnvironmentStacks(environment.name, { echo: true });
      const out = flags.out || path.join(GITOPS_OUTPUT_DIR, 'stacks-plan', `${environment.name}.md`);
      await writeOutputFile(out, report.markdown);
      await appendStepSummary(report.markdown);
      process.stdout.write(report.markdown);
      for (const failure of report.failures) process.stderr.write(`${failure.stack}: ${failure.error}\n`);
      process.exitCode = planExitCode(report.exitCode, flags.detailedExitcode);
    });
  gitops
    .command('stacks-apply')
    .description('apply the saved plan (plan.tfplan) of every stack of one environment with terraform apply, dependencies first; a stack without one stops the apply before anything is applied')
    .addOption(environmentOption('environment whose stacks (<stack>-<env>) are deployed').makeOptionMandatory())
    .action(async (flags: { env: string }) => {
      const environment = loadEnvironment(flags.env);
      const { stacks } = await applyEnvironmentStacks(environment.name, { onProgress: progress });
      process.stdout.write(`applied the saved plans of ${stacks.length} stacks of ${environment.name}\n`);
    });
}
