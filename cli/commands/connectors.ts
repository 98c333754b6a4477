import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { pc, pcErr } from '../colors';
import type { LiveConnector } from '../../connectors/connect/client';
import { deployEnvironment, renderValidated, type DeployResult } from '../../connectors/connect/deploy';
import { clientFor } from '../../connectors/connect/environment-client';
import { formatApplyJson, formatPlanJson, formatPlanMarkdown, formatPlanText, planSummary } from '../../connectors/connect/format-plan';
import { syncGeneratedCatalog } from '../../connectors/connect/generate-catalog';
import { offsetsSnapshotFileName, serializeOffsetsSnapshot, type OffsetsSnapshot } from '../../connectors/connect/offsets-snapshot';
import { diff, hasChanges } from '../../connectors/connect/plan';
import { remoteValidationIssues, sendableToWorker, type CheckedBody, type ConnectorBody } from '../../connectors/connect/remote-validation';
import { parseBoundedJson } from '../../connectors/connect/bounded-json';
import { failures } from '../../connectors/connect/desired-state';
import { pipelines } from '../../connectors/pipelines';
import { contractPlanSection } from '../../warehouse/contract-plan';
import { readSnapshot } from '../../warehouse/schema-files';
import { pendingChanges } from '../../warehouse/schema-migration';
import { renderEnvironment, toConnectJson } from '../../connectors/render';
import { formatIssue, validateConnectorJson, type ValidateOptions, type ValidationIssue } from '../../connectors/validate';
import { shownText } from '../../connectors/secrets';
import { checkOutputFormat, CliError, environmentFromFlags, environmentOptions, EXIT, outputOption, paddedColumns, progress, type EnvironmentFlags } from '../support';
import { registerOffsets } from './connectors-offsets';
import { registerSupervise } from './connectors-supervise';

/** Where `connectors catalog generate` writes, relative to the repository. */
const GENERATED_CATALOG_DIR = path.join(__dirname, '..', '..', 'connectors', 'catalog', 'generated');

export function registerConnectorCommands(program: Command): void {
  const connectors = program.command('connectors').description('render, validate, plan and apply the Kafka Connect connectors');
  registerRender(connectors);
  registerValidate(connectors);
  registerPlan(connectors);
  registerApply(connectors);
  registerStatus(connectors);
  registerLifecycle(connectors);
  registerCatalog(connectors);
  registerOffsets(connectors);
  registerSupervise(connectors);
}

function printWarnings(warnings: readonly ValidationIssue[]): void {
  for (const issue of warnings) process.stderr.write(`${pcErr.yellow('warning')}: ${formatIssue(issue)}\n`);
}

function registerRender(connectors: Command): void {
  environmentOptions(
    connectors
      .command('render')
      .description('write one JSON file per connector, the exact body Kafka Connect takes ({"name", "config"})')
      .requiredOption('--out <dir>', 'output folder'),
  ).action(async (flags: EnvironmentFlags & { out: string }) => {
    const environment = environmentFromFlags(flags);
    const { connectors: rendered, warnings } = renderValidated(environment);
    printWarnings(warnings);
    await mkdir(flags.out, { recursive: true });
    for (const connector of rendered) await writeFile(path.join(flags.out, `${connector.name}.json`), toConnectJson(connector));
    process.stderr.write(`wrote ${rendered.length} connector files for ${environment.name} to ${flags.out}\n`);
  });
}

/** The JSON files of the paths given (a folder's `.json` files, sorted), and the folders that hold none. */
async function collectJsonFiles(paths: readonly string[]): Promise<{ files: string[]; empty: string[] }> {
  const files: string[] = [];
  const empty: string[] = [];
  for (const entry of paths) {
    const info = await stat(entry).catch(() => undefined);
    if (!info) throw new CliError(`${entry}: no such file or folder`);
    if (info.isDirectory()) {
      const names = (await readdir(entry)).filter((name) => name.endsWith('.json')).sort();
      if (names.length === 0) empty.push(entry);
      files.push(...names.map((name) => path.join(entry, name)));
    } else files.push(entry);
  }
  return { files, empty };
}

/** A definition read from a file, or why it could not be (not JSON, nested too deep). */
type ReadBody = ConnectorBody & { readonly unreadable?: string };

async function readDefinitionFile(file: string): Promise<ReadBody> {
  try {
    return { origin: file, json: parseBoundedJson(await readFile(file, 'utf8')) };
  } catch (error) {
    return { origin: file, json: undefined, unreadable: `not valid JSON: ${(error as Error).message}` };
  }
}

/** The definitions to validate (the files and folders given, else the rendered connectors of --env), and the folders without any. */
async function readBodies(paths: readonly string[], flags: Partial<EnvironmentFlags>): Promise<{ bodies: ReadBody[]; empty: string[] }> {
  const bodies: ReadBody[] = [];
  if (paths.length === 0) {
    if (!flags.env) throw new CliError('give JSON files or folders, or --env to validate the rendered connectors');
    for (const connector of renderEnvironment(environmentFromFlags(flags as EnvironmentFlags))) bodies.push({ origin: connector.name, json: JSON.parse(toConnectJson(connector)) });
  }
  const { files, empty } = await collectJsonFiles(paths);
  for (const file of files) bodies.push(await readDefinitionFile(file));
  return { bodies, empty };
}

/** Each definition with what the local check found in it; a file that could not be read is one issue of its own. */
function checkLocally(bodies: readonly ReadBody[], options: ValidateOptions): CheckedBody[] {
  return bodies.map((body) => ({
    ...body,
    issues: body.unreadable ? [{ connector: body.origin, field: '(file)', message: body.unreadable, severity: 'error' as const }] : validateConnectorJson(body.json, options, body.origin),
  }));
}

function printIssues(issues: readonly ValidationIssue[]): void {
  for (const issue of issues) process.stdout.write(`${issue.severity === 'warning' ? 'warning: ' : ''}${formatIssue(issue)}\n`);
}

/** `--output json`: every issue with each part shown as formatIssue shows it (masked, escaped, capped). */
function issuesJson(issues: readonly ValidationIssue[]): string {
  const shown = issues.map((issue) => ({
    connector: shownText(issue.connector),
    field: shownText(issue.field),
    message: shownText(issue.message, 2_000),
    ...(issue.value === undefined ? {} : { value: shownText(issue.value, 500) }),
    severity: issue.severity,
  }));
  return `${JSON.stringify({ valid: !issues.some((issue) => issue.severity === 'error'), issues: shown }, null, 2)}\n`;
}

/** The worker's verdict on the definitions the local check passed; a refused one is never sent (it may hold the literal credential refused). */
async function remoteIssues(checked: readonly CheckedBody[], flags: Partial<EnvironmentFlags>): Promise<ValidationIssue[]> {
  const sendable = sendableToWorker(checked);
  const skipped = checked.length - sendable.length;
  if (skipped) progress(`${skipped} definition${skipped === 1 ? '' : 's'} with local errors not sent to the worker`);
  return sendable.length ? remoteValidationIssues(clientFor(environmentFromFlags(flags as EnvironmentFlags)), sendable) : [];
}

function registerValidate(connectors: Command): void {
  const formats = ['text', 'json'];
  outputOption(
    environmentOptions(
      connectors
        .command('validate')
        .description('check connector JSON files or folders (rendered or hand-written) with the catalog schemas')
        .argument('[paths...]', 'JSON files or folders of them; none: the rendered connectors of --env')
        .option('--allow-unknown-class', 'accept connector, transform, predicate and converter classes the pinned plugins and Kafka do not ship')
        .option('--remote', "also ask the worker's own validation (PUT /connector-plugins/{class}/config/validate) about the definitions the local check passed"),
      false,
    ),
    formats,
  ).action(async (paths: string[], flags: Partial<EnvironmentFlags> & { allowUnknownClass?: boolean; remote?: boolean; output: string }) => {
    checkOutputFormat(flags.output, formats);
    if (flags.remote && !flags.env) throw new CliError('--remote needs --env (or --env with --connect-url) to know which worker to ask');
    const { bodies, empty } = await readBodies(paths, flags);
    // With --env, also what that environment's workers refuse (exactly-once required while they are at `preparing`).
    const workerExactlyOnceSource = flags.env ? environmentFromFlags(flags as EnvironmentFlags).connect.exactlyOnceSource : undefined;
    const checked = checkLocally(bodies, { allowUnknownClass: flags.allowUnknownClass, workerExactlyOnceSource });
    const local = [...empty.map((folder) => ({ connector: folder, field: '(folder)', message: 'holds no connector definition (no .json file)', severity: 'error' as const })), ...checked.flatMap((body) => body.issues)];
    // The local problems first, always: a worker that cannot be reached must not hide them.
    const json = flags.output === 'json';
    if (!json) printIssues(local);
    const remote = flags.remote
      ? await remoteIssues(checked, flags).catch((error: unknown) => {
          if (json) process.stdout.write(issuesJson(local));
          throw error;
        })
      : [];
    if (json) process.stdout.write(issuesJson([...local, ...remote]));
    else printIssues(remote);
    const errors = [...local, ...remote].filter((issue) => issue.severity === 'error');
    if (errors.length) throw new CliError(`${errors.length} problem${errors.length === 1 ? '' : 's'} in ${bodies.length} connector definition${bodies.length === 1 ? '' : 's'}`);
    process.stderr.write(`${bodies.length} connector definition${bodies.length === 1 ? '' : 's'} valid\n`);
  });
}

function registerPlan(connectors: Command): void {
  const formats = ['text', 'json', 'markdown'];
  outputOption(
    environmentOptions(
      connectors
        .command('plan')
        .description('compare the definitions with the live worker; exit 0 no changes, 2 changes, 1 error')
        .option('--prune', 'plan deletes of managed connectors that are no longer defined'),
    ),
    formats,
  ).action(async (flags: EnvironmentFlags & { prune?: boolean; output: string }) => {
    checkOutputFormat(flags.output, formats);
    const environment = environmentFromFlags(flags);
    const { connectors: desired, warnings } = renderValidated(environment);
    printWarnings(warnings);
    const plan = diff(desired, await clientFor(environment).listConnectors(), { managedPrefix: environment.managedConnectorPrefix, prune: flags.prune });
    const exitCode = hasChanges(plan) ? EXIT.changes : EXIT.ok;
    if (flags.output === 'json') process.stdout.write(`${formatPlanJson(plan)}\n`);
    else if (flags.output === 'markdown') process.stdout.write(`${formatPlanMarkdown(plan, `Connectors plan: ${environment.name}`)}\nExit code: ${exitCode}\n`);
    else process.stdout.write(`${formatPlanText(plan, pc)}\n`);
    // The pipelines' contracts against what the warehouse migrations implement: a breaking change without its migration is refused.
    const snapshot = readSnapshot();
    const contract = contractPlanSection(pendingChanges(snapshot, pipelines), snapshot.migration, flags.output === 'markdown' ? 'markdown' : 'text', pc);
    if (flags.output === 'json') process.stderr.write(`${contract.text}\n`);
    else process.stdout.write(`\n${contract.text}\n`);
    process.exitCode = contract.refuse ? EXIT.error : exitCode;
  });
}

async function writeSnapshotFile(dir: string, environment: string, snapshot: OffsetsSnapshot): Promise<void> {
  const file = path.join(dir, offsetsSnapshotFileName(environment, snapshot));
  await mkdir(dir, { recursive: true });
  await writeFile(file, serializeOffsetsSnapshot(snapshot));
  progress(`offsets of ${Object.keys(snapshot.connectors).length} connectors snapshotted to ${file}`);
}

function printApplyText(result: DeployResult): void {
  process.stdout.write(`${formatPlanText(result.plan, pc)}\n`);
  if (result.error) {
    process.stdout.write(`applied: ${result.applied.map((change) => `${change.action} ${change.connector}`).join(', ') || 'nothing'}\n`);
    process.stdout.write(`not applied: ${result.notApplied.map((change) => `${change.action} ${change.connector}`).join(', ') || 'nothing'}\n`);
    return;
  }
  process.stdout.write(`Applied: ${planSummary(result.plan)}${result.restarted.length ? `; restarted ${result.restarted.join(', ')}` : ''}.\n`);
}

function registerApply(connectors: Command): void {
  const formats = ['text', 'json'];
  outputOption(
    environmentOptions(
      connectors
        .command('apply')
        .description('apply only the changes, wait for the desired states; offsets are snapshotted before any update or delete')
        .option('--prune', 'delete managed connectors that are no longer defined')
        .option('--concurrency <n>', "changes in flight at once (default: the environment's connect.concurrency)")
        .option('--restart-failed', 'also restart failed connectors and tasks')
        .option('--offsets-dir <dir>', 'where the offsets snapshot is written', '.local/offsets'),
    ),
    formats,
  ).action(async (flags: EnvironmentFlags & { prune?: boolean; concurrency?: string; restartFailed?: boolean; offsetsDir: string; output: string }) => {
    checkOutputFormat(flags.output, formats);
    const environment = environmentFromFlags(flags);
    const concurrency = flags.concurrency === undefined ? undefined : Number(flags.concurrency);
    if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) throw new CliError(`--concurrency must be a whole number ≥ 1 (got ${flags.concurrency})`);
    const result = await deployEnvironment(environment, {
      client: clientFor(environment),
      prune: flags.prune,
      concurrency,
      restartFailed: flags.restartFailed,
      onProgress: progress,
      onOffsetsSnapshot: (snapshot) => writeSnapshotFile(flags.offsetsDir, environment.name, snapshot),
    });
    printWarnings(result.warnings);
    if (flags.output === 'json') process.stdout.write(`${formatApplyJson({ ...result, error: result.error && shownText(result.error.message, 2_000) })}\n`);
    else printApplyText(result);
    if (result.error) throw result.error;
  });
}

function statusJson(live: readonly LiveConnector[]): string {
  const entries = live.map((connector) => ({
    name: connector.name,
    state: connector.status?.connector.state,
    tasks: connector.status?.tasks.map((task) => ({ id: task.id, state: task.state, ...(task.trace ? { trace: task.trace } : {}) })) ?? [],
  }));
  return `${JSON.stringify(entries, null, 2)}\n`;
}

const STATE_COLOUR: Readonly<Record<string, (text: string) => string>> = { RUNNING: pc.green, FAILED: pc.red };

/**
 * A table with one row per connector, its columns aligned (NAME, STATE, TASKS); under a FAILED one
 * each failed part with its root cause, and the trace's first lines under the one asked for. Names
 * and traces come from the worker: shown as outside text is.
 */
function statusText(live: readonly LiveConnector[], detailed: boolean): string {
  if (live.length === 0) return '';
  const rows = live.map((connector) => [
    shownText(connector.name),
    connector.status?.connector.state ?? 'UNKNOWN',
    connector.status?.tasks.map((task) => `${task.id}:${task.state}`).join(' ') || '-',
  ]);
  const [header, ...cells] = paddedColumns([['NAME', 'STATE', 'TASKS'], ...rows]);
  const lines = [pc.dim(header!.join('  '))];
  live.forEach((connector, index) => {
    const [name, state, tasks] = cells[index]!;
    const paint = STATE_COLOUR[rows[index]![1]!] ?? pc.yellow;
    lines.push(`${name}  ${paint(state!)}  ${tasks}`);
    for (const failure of failures(connector.name, connector.status)) lines.push(`    ${pc.red(shownText(failure, 2_000))}`);
    const trace = connector.status?.connector.trace ?? connector.status?.tasks.find((task) => task.trace)?.trace;
    if (trace && detailed) lines.push(...trace.split('\n').slice(0, 8).map((line) => `    ${pc.dim(shownText(line, 2_000))}`));
  });
  return `${lines.join('\n')}\n`;
}

function registerStatus(connectors: Command): void {
  outputOption(environmentOptions(connectors.command('status').description('state of each managed connector and its tasks').argument('[name]')), ['text', 'json']).action(
    async (name: string | undefined, flags: EnvironmentFlags & { output: string }) => {
      checkOutputFormat(flags.output, ['text', 'json']);
      const environment = environmentFromFlags(flags);
      const live = (await clientFor(environment).listConnectors()).filter((connector) => (name ? connector.name === name : connector.name.startsWith(environment.managedConnectorPrefix)));
      if (name && live.length === 0) throw new CliError(`${name}: no such connector on ${environment.connect.url}`);
      if (live.length === 0) progress(`no managed connector (named ${environment.managedConnectorPrefix}…) on ${environment.connect.url}`);
      process.stdout.write(flags.output === 'json' ? statusJson(live) : statusText(live, Boolean(name)));
    },
  );
}

function registerLifecycle(connectors: Command): void {
  environmentOptions(
    connectors
      .command('restart')
      .description('restart a connector and its tasks')
      .argument('<name>')
      .option('--only-failed', 'restart only the failed connector instance and tasks'),
  ).action(async (name: string, flags: EnvironmentFlags & { onlyFailed?: boolean }) => {
    await clientFor(environmentFromFlags(flags)).restart(name, { includeTasks: true, onlyFailed: Boolean(flags.onlyFailed) });
    process.stdout.write(`restart requested for ${name}${flags.onlyFailed ? ' (failed parts only)' : ''}\n`);
  });
  for (const verb of ['pause', 'resume', 'stop'] as const) {
    environmentOptions(connectors.command(verb).description(`${verb} a connector (the next apply puts back the state the config asks for)`).argument('<name>')).action(
      async (name: string, flags: EnvironmentFlags) => {
        await clientFor(environmentFromFlags(flags))[verb](name);
        process.stdout.write(`${verb} requested for ${name}\n`);
      },
    );
  }
}

function registerCatalog(connectors: Command): void {
  const catalog = connectors.command('catalog').description("the catalog's generated config definitions (connectors/catalog/generated/)");
  environmentOptions(
    catalog
      .command('generate')
      .description('write every plugin the worker runs (connectors, transforms, predicates, converters) with its config definitions (GET /connector-plugins?connectorsOnly=false, GET /connector-plugins/{class}/config)')
      .option('--out <dir>', "output folder (default: this repository's connectors/catalog/generated)")
      .option('--check', 'write nothing; exit 2 when a file differs from what the worker reports'),
    false,
  ).action(async (flags: Partial<EnvironmentFlags> & { out?: string; check?: boolean }) => {
    // The local worker runs the pinned plugins: it is the default source of truth.
    const environment = environmentFromFlags({ env: flags.env ?? 'local', connectUrl: flags.connectUrl });
    process.stderr.write(`asking ${environment.connect.url} for every plugin it runs and the config definitions of each\n`);
    const { files, stale } = await syncGeneratedCatalog(clientFor(environment), flags.out ?? GENERATED_CATALOG_DIR, { check: flags.check });
    const shown = stale.map((file) => path.relative(process.cwd(), file) || file);
    if (flags.check) {
      // Out of date is a finding, not a failure: exit 2, as `connectors plan` with changes and `monitoring render --check`.
      process.stderr.write(
        shown.length
          ? `${shown.length} generated file${shown.length === 1 ? ' differs' : 's differ'} from what the worker reports: ${shown.join(', ')} (run cdcctl connectors catalog generate)\n`
          : `${files.length} generated files match the worker\n`,
      );
      process.exitCode = shown.length ? EXIT.changes : EXIT.ok;
      return;
    }
    process.stderr.write(shown.length ? `wrote ${shown.join(', ')}\n` : `${files.length} generated files already match the worker\n`);
  });
}
