import './stacks/synth-process';
import { App } from 'cdktf';
import { ConfigError, loadAllEnvironments } from './config';
import { APP_CONTEXT, buildStacks } from './stacks/app';
import { StackInputError } from './stacks/input-checks';

/**
 * The cdktf app: every environment's stacks into cdktf.out/stacks/<stack>/cdk.tf.json.
 * `npm run synth` runs this file with node directly (through tsx, no type-check); `cdktf synth`,
 * `cdktf diff` and `cdktf deploy` run it through cdktf.json's "app".
 */
function main(): number {
  // Stack traces in construct metadata cost time and bloat the output; nobody reads them here.
  const app = new App({ stackTraces: false, context: { ...APP_CONTEXT } });
  let stackNames: string[];
  try {
    stackNames = buildStacks(app, loadAllEnvironments()).map((stack) => stack.node.id);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StackInputError) {
      console.error(`cannot synthesize the stacks:\n${error.message}`);
      return 1;
    }
    throw error;
  }
  app.synth();
  console.log(`synthesized ${stackNames.length} stacks into ${app.outdir}/stacks: ${stackNames.join(', ')}`);
  return 0;
}

process.exitCode = main();
