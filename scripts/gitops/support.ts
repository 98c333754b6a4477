import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { loadEnvironment, type Environment } from '../../config';
import { CliError, reportError } from '../cli-support';

/**
 * What every GitOps script shares. Each script is a thin entry point a workflow step calls through
 * `npm run gitops:…`, so that the same step runs on a laptop; the work is done by exported
 * functions the tests call directly.
 */

/** True when `filename` is the file `node bin/run-ts` (or node itself) was asked to run. */
export function isEntryPoint(filename: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && path.resolve(entry) === filename;
}

/** Parses argv with `program`, runs it, and turns any error into one line and exit code 1. */
export function runScript(program: Command): void {
  program.exitOverride().showHelpAfterError();
  program.parseAsync(process.argv).then(
    () => undefined,
    (error: unknown) => {
      const code = (error as { code?: string }).code;
      process.exitCode = code?.startsWith('commander.') ? (error as { exitCode: number }).exitCode : reportError(error);
    },
  );
}

export function loadEnvironmentFlag(name: string, connectUrl?: string): Environment {
  try {
    return loadEnvironment(name, { connectUrl });
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

/** GitHub Actions shows Markdown appended to this file on the run's summary page. */
export async function appendStepSummary(markdown: string, environment: NodeJS.ProcessEnv = process.env): Promise<void> {
  const file = environment.GITHUB_STEP_SUMMARY;
  if (file) await appendFile(file, `${markdown}\n`);
}

export async function writeOutputFile(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
}

/** Where the scripts write what later steps (comment, artifacts) pick up; git-ignored with the rest of `.local/`. */
export const GITOPS_OUTPUT_DIR = '.local/gitops';
