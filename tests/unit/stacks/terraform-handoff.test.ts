import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, TerraformResource, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { loadAllEnvironments } from '../../../config';
import type { StateBackendSettings } from '../../../config/infrastructure';
import { run, terraformBinary } from '../../../gitops/cdktf';
import { APP_CONTEXT, buildStacks } from '../../../stacks/app';
import { configureTerraform, REQUIRED_TERRAFORM_VERSION } from '../../../stacks/common';
import { REQUIRED_VERSION_HCL_FILE, RequiredTerraformVersion } from '../../../stacks/constructs/required-terraform-version';

/**
 * Terraform after cdktf (HashiCorp archived CDK for Terraform on 2025-12-10; 0.21 is its last
 * release): what the app synthesizes is plain Terraform, planned and applied here by `terraform`
 * itself, with no cdktf in between. The binary is the one cdktf and the GitOps integration test run:
 * `terraform` on PATH, or TERRAFORM_BINARY_NAME (`tofu` for OpenTofu). The stacks here hold only
 * Terraform's built-in `terraform_data`, so nothing is downloaded and no cloud is touched; the S3
 * backend talks to a fake S3 on 127.0.0.1.
 */

jest.setTimeout(120_000);

const MINIMUM = REQUIRED_TERRAFORM_VERSION.replace(/^>=\s*/, '');

/**
 * Runs Terraform in a stack's folder through the GitOps steps' own runner (asynchronous: the fake
 * S3 below answers from this process). No version check, no prompts.
 */
async function terraform(directory: string, ...args: string[]): Promise<{ status: number; output: string }> {
  const result = await run(terraformBinary(), [...args, '-no-color'], { cwd: directory, env: { CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0' } });
  return { status: result.code, output: result.output };
}

/** Fails (never skips) without a Terraform that meets the stacks' constraint, saying what to install. */
function requireTerraform(): void {
  const run = spawnSync(terraformBinary(), ['version', '-json'], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  const version = run.status === 0 ? (JSON.parse(run.stdout) as { terraform_version: string }).terraform_version : undefined;
  const atLeast = (actual: string) => {
    const [a, b, c] = actual.split('.').map(Number) as [number, number, number];
    const [x, y, z] = MINIMUM.split('.').map(Number) as [number, number, number];
    return a !== x ? a > x : b !== y ? b > y : c >= z;
  };
  if (!version || !atLeast(version)) {
    throw new Error(
      `${terraformBinary()} ${version ?? 'is not installed'}: these tests need Terraform ${REQUIRED_TERRAFORM_VERSION} (config/versions.ts pins the one CI uses) ` +
        'on PATH, or TERRAFORM_BINARY_NAME naming it (tofu for OpenTofu). They do not skip.',
    );
  }
}

/** Terraform's built-in `terraform_data`: no provider to download. */
class TerraformData extends TerraformResource {
  constructor(scope: Construct, id: string, input: string) {
    super(scope, id, { terraformResourceType: 'terraform_data', terraformGeneratorMetadata: { providerName: 'terraform' } });
    this.addOverride('input', input);
  }
}

/** A stack as the project's stacks start (configureTerraform), holding one terraform_data. */
function handoffStack(app: App, name: string, backend: StateBackendSettings): TerraformStack {
  const stack = new TerraformStack(app, name);
  configureTerraform(stack, name, backend);
  new TerraformData(stack, 'marker', 'one');
  return stack;
}

/** The temporary folders of this file's synths (state and `.terraform` included), removed at the end. */
const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/**
 * Synthesizes into a new `cdktf.out` and returns it. `hcl` sets SYNTH_HCL_OUTPUT for the run, as
 * `cdktf synth --hcl` does (cdktf 0.21's stacks read their output format from it, not from the App).
 */
function synthesize(hcl: boolean, build: (app: App) => void): string {
  const root = mkdtempSync(path.join(tmpdir(), 'cdc-terraform-handoff-'));
  roots.push(root);
  const outdir = path.join(root, 'cdktf.out');
  const before = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = String(hcl);
  try {
    const app = new App({ outdir, stackTraces: false, context: { ...APP_CONTEXT } });
    build(app);
    app.synth();
  } finally {
    if (before === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = before;
  }
  return outdir;
}

const stackDirectory = (outdir: string, stack: string) => path.join(outdir, 'stacks', stack);
const LOCAL_STATE: StateBackendSettings = { kind: 'local', directory: 'state' };

beforeAll(() => {
  requireTerraform();
});

describe('cdktf synth --hcl writes Terraform that Terraform reads', () => {
  const hcl = synthesize(true, (app) => buildStacks(app, loadAllEnvironments()));
  const json = synthesize(false, (app) => buildStacks(app, loadAllEnvironments()));
  const stacks = readdirSync(path.join(hcl, 'stacks')).sort();

  it('synthesizes every stack of every environment', () => {
    expect(stacks).toEqual(readdirSync(path.join(json, 'stacks')).sort());
    expect(stacks).toContain('monitoring-production');
  });

  it.each(stacks)('%s: no `<index> = "<attribute>"` line in the terraform block (the override cdktf rendered so)', (stack) => {
    const text = readFileSync(path.join(stackDirectory(hcl, stack), 'cdk.tf'), 'utf8');
    // The terraform block: from `terraform {` to the first closing brace at the start of a line.
    const terraformBlock = /^terraform \{\n[\s\S]*?^\}$/m.exec(text)?.[0];
    expect(terraformBlock).toContain('required_providers');
    expect(terraformBlock).not.toMatch(/^\s*\d+ = /m);
    expect(text).not.toContain('required_version');
  });

  it.each(stacks)('%s: the version constraint in required-version.tf beside cdk.tf, in cdk.tf.json for JSON', (stack) => {
    expect(readFileSync(path.join(stackDirectory(hcl, stack), REQUIRED_VERSION_HCL_FILE), 'utf8')).toBe(`terraform {\n  required_version = "${REQUIRED_TERRAFORM_VERSION}"\n}\n`);
    const synthesized = JSON.parse(readFileSync(path.join(stackDirectory(json, stack), 'cdk.tf.json'), 'utf8'));
    expect(synthesized.terraform.required_version).toBe(REQUIRED_TERRAFORM_VERSION);
    expect(synthesized['//'].metadata.overrides?.stack ?? []).not.toContain('terraform');
    expect(existsSync(path.join(stackDirectory(json, stack), REQUIRED_VERSION_HCL_FILE))).toBe(false);
  });

  it('writes the S3 backend with its lock file in HCL too', () => {
    const text = readFileSync(path.join(stackDirectory(hcl, 'kafka-production'), 'cdk.tf'), 'utf8');
    expect(text).toMatch(/backend "s3" \{[^}]*use_lockfile = true[^}]*\}/);
    expect(text).not.toContain('dynamodb_table');
  });
});

describe.each([
  ['JSON (cdk.tf.json, what npm run synth writes)', false],
  ['HCL (cdktf synth --hcl)', true],
])('plain terraform plans and applies a stack synthesized as %s', (_format, hcl) => {
  const outdir = synthesize(hcl, (app) => handoffStack(app, 'handoff-local', LOCAL_STATE));
  const directory = stackDirectory(outdir, 'handoff-local');

  it('init, plan (one to add), apply, and the next plan is empty; state where the local backend says', async () => {
    const init = await terraform(directory, 'init', '-input=false');
    expect({ status: init.status, output: init.output }).toEqual({ status: 0, output: expect.stringContaining('Terraform has been successfully initialized') });
    const plan = await terraform(directory, 'plan', '-input=false', '-detailed-exitcode', '-out=plan.tfplan');
    expect({ status: plan.status, output: plan.output }).toEqual({ status: 2, output: expect.stringContaining('1 to add, 0 to change, 0 to destroy') });
    expect((await terraform(directory, 'apply', '-input=false', 'plan.tfplan')).status).toBe(0);
    expect(existsSync(path.join(outdir, '..', 'state', 'handoff-local.tfstate'))).toBe(true);
    expect((await terraform(directory, 'plan', '-input=false', '-detailed-exitcode')).status).toBe(0);
  });

  it('refuses a version constraint the binary does not meet, before anything else', async () => {
    const refused = synthesize(hcl, (app) => {
      const stack = handoffStack(app, 'handoff-future', LOCAL_STATE);
      new RequiredTerraformVersion(stack, 'future-terraform', '>= 99.0.0');
    });
    const init = await terraform(stackDirectory(refused, 'handoff-future'), 'init', '-input=false');
    expect(init.status).toBe(1);
    expect(init.output).toContain('Unsupported Terraform Core version');
    expect(init.output).toContain('>= 99.0.0');
  });
});

/** Every request a fake S3 received: method, path and the headers that show locking and encryption. */
interface S3Request {
  readonly method: string;
  readonly path: string;
  readonly ifNoneMatch?: string;
  readonly encryption?: string;
  readonly kmsKeyId?: string;
}

/** Just enough of S3 for Terraform's backend: list, head/get, conditional put, delete. */
function startFakeS3(): Promise<{ server: Server; url: string; requests: S3Request[] }> {
  const objects = new Map<string, Buffer>();
  const requests: S3Request[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://s3.local');
      const header = (name: string) => request.headers[name] as string | undefined;
      requests.push({ method: request.method ?? '', path: url.pathname, ifNoneMatch: header('if-none-match'), encryption: header('x-amz-server-side-encryption'), kmsKeyId: header('x-amz-server-side-encryption-aws-kms-key-id') });
      const stored = objects.get(url.pathname);
      if (request.method === 'GET' && url.searchParams.get('list-type') === '2') {
        response.writeHead(200, { 'content-type': 'application/xml' });
        response.end('<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>');
      } else if (request.method === 'PUT') {
        const refused = request.headers['if-none-match'] === '*' && stored !== undefined;
        if (!refused) objects.set(url.pathname, Buffer.concat(chunks));
        response.writeHead(refused ? 412 : 200, { etag: '"fake"' });
        response.end();
      } else if ((request.method === 'GET' || request.method === 'HEAD') && stored) {
        response.writeHead(200, { 'content-length': stored.length, etag: '"fake"' });
        response.end(request.method === 'GET' ? stored : undefined);
      } else if (request.method === 'GET' || request.method === 'HEAD') {
        response.writeHead(404, { 'content-type': 'application/xml' });
        response.end(request.method === 'GET' ? '<Error><Code>NoSuchKey</Code></Error>' : undefined);
      } else {
        objects.delete(url.pathname);
        response.writeHead(204);
        response.end();
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests })));
}

describe('the S3 backend: S3 lock file, state encrypted under the KMS key', () => {
  const backend: StateBackendSettings = { kind: 's3', bucket: 'state-bucket', region: 'eu-west-1', keyPrefix: 'mongo-cdc-platform/test', kmsKeyId: 'alias/terraform-state' };
  const KEY = '/state-bucket/mongo-cdc-platform/test/handoff-s3.tfstate';
  let s3: Awaited<ReturnType<typeof startFakeS3>>;

  beforeAll(async () => {
    s3 = await startFakeS3();
  });
  afterAll(() => new Promise<void>((resolve) => s3.server.close(() => resolve())));

  it('locks with <key>.tflock (a conditional put) and writes the state with SSE-KMS, no DynamoDB', async () => {
    const directory = stackDirectory(synthesize(false, (app) => handoffStack(app, 'handoff-s3', backend)), 'handoff-s3');
    expect(JSON.parse(readFileSync(path.join(directory, 'cdk.tf.json'), 'utf8')).terraform.backend.s3).toEqual({
      bucket: 'state-bucket',
      key: 'mongo-cdc-platform/test/handoff-s3.tfstate',
      region: 'eu-west-1',
      encrypt: true,
      kms_key_id: 'alias/terraform-state',
      use_lockfile: true,
    });
    // Credentials, account lookups and endpoints that keep Terraform on the fake S3; the stack's own settings stay as synthesized.
    const offline = [
      'access_key = "fake"',
      'secret_key = "fake"',
      'skip_credentials_validation = true',
      'skip_requesting_account_id = true',
      'skip_metadata_api_check = true',
      'use_path_style = true',
      `endpoints = { s3 = "${s3.url}" }`,
    ];
    writeFileSync(path.join(directory, 'offline.s3.tfbackend'), `${offline.join('\n')}\n`);
    const init = await terraform(directory, 'init', '-input=false', '-backend-config=offline.s3.tfbackend');
    expect({ status: init.status, output: init.status === 0 ? '' : init.output }).toEqual({ status: 0, output: '' });
    const apply = await terraform(directory, 'apply', '-input=false', '-auto-approve');
    expect({ status: apply.status, output: apply.status === 0 ? '' : apply.output }).toEqual({ status: 0, output: '' });

    const writes = s3.requests.filter((request) => request.method === 'PUT');
    expect(writes).toContainEqual({ method: 'PUT', path: `${KEY}.tflock`, ifNoneMatch: '*', encryption: 'aws:kms', kmsKeyId: 'alias/terraform-state' });
    expect(writes).toContainEqual({ method: 'PUT', path: KEY, ifNoneMatch: undefined, encryption: 'aws:kms', kmsKeyId: 'alias/terraform-state' });
    expect(s3.requests).toContainEqual(expect.objectContaining({ method: 'DELETE', path: `${KEY}.tflock` }));
    expect(s3.requests.every((request) => request.path.startsWith('/state-bucket'))).toBe(true);
  });
});
