import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { maskCredentials } from '../config/secrets';

/**
 * What the GitOps steps share: where they leave files for later steps, and the run's summary page.
 * Each step is a `cdcctl gitops …` command (cli/commands/gitops.ts) that a workflow calls through
 * `npm run gitops:…`, so that the same step runs on a laptop.
 *
 * Everything written here leaves the runner: the summary page, the pull-request comment built from
 * the sections, the artifacts. Each writer masks what it shows; this is the last pass, masking every
 * credential form (maskCredentials) in whatever text a step hands over.
 */

/** GitHub Actions shows Markdown appended to this file on the run's summary page. */
export async function appendStepSummary(markdown: string, environment: NodeJS.ProcessEnv = process.env): Promise<void> {
  const file = environment.GITHUB_STEP_SUMMARY;
  if (file) await appendFile(file, `${maskCredentials(markdown)}\n`);
}

export async function writeOutputFile(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, maskCredentials(content));
}

/** Where the steps write what later steps (comment, artifacts) pick up; git-ignored with the rest of `.local/`. */
export const GITOPS_OUTPUT_DIR = '.local/gitops';
