import { createServer } from 'node:http';
import type { Command } from 'commander';
import { Client } from 'pg';
import { pc } from '../colors';
import type { Environment } from '../../config';
import { maskUrlPassword } from '../../config/secrets';
import { isMixed, observeFields, proposalText, proposeColumn } from '../../connectors/contracts/infer';
import { qualifiedTable, shadowTable, sourceTopic } from '../../connectors/naming';
import { pipelines } from '../../connectors/pipelines';
import { documentsFromMongoDb, documentsFromTopic } from '../../local/document-samples';
import { status } from '../../local/runtime';
import { contractMetricsText, readViolationTotals } from '../../warehouse/contract-metrics';
import { checkSchema, formatSchemaCheck, hasDrift } from '../../warehouse/schema-check';
import { readSnapshot, writeNextMigration } from '../../warehouse/schema-files';
import { pendingChanges } from '../../warehouse/schema-migration';
import { checkOutputFormat, CliError, environmentFromFlags, environmentOption, EXIT, outputFormatOption, progress } from '../support';

/**
 * `cdcctl schema …`: the pipelines' document contracts. `migration` writes the next warehouse
 * migration from the contracts, `infer` proposes a contract from sampled documents, `check` compares
 * contract, migrations, live columns and recent documents, `exporter` serves the violation metric.
 */
export function registerSchemaCommands(program: Command): void {
  const schema = program.command('schema').description("the pipelines' document contracts: warehouse migrations, inference, drift, the violation metric");
  registerMigration(schema);
  registerInfer(schema);
  registerCheck(schema);
  registerExporter(schema);
}

function positive(flag: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new CliError(`${flag} must be a whole number ≥ 1 (got ${value})`);
  return parsed;
}

/**
 * The warehouse to read: WAREHOUSE_URL (an environment variable, so its password stays out of the
 * process list), else for the local environments the running local runtime's own.
 */
function warehouseUrl(environment: Environment, stateDir?: string): string {
  if (process.env.WAREHOUSE_URL) return process.env.WAREHOUSE_URL;
  if (environment.name.startsWith('local')) {
    const url = status({ stateDir }).services.warehouse.url;
    if (url) return url;
  }
  throw new CliError(`set WAREHOUSE_URL to the warehouse of ${environment.name} (postgres://…)`);
}

function registerMigration(schema: Command): void {
  schema
    .command('migration')
    .description('write warehouse/migrations/NNN_<name>.sql for the contract changes no migration has yet, and the snapshot of what the migrations implement')
    .requiredOption('--name <name>', 'what the migration does, lower-case with _ (add_coupon_code)')
    .option('--check', 'write nothing; exit 2 when a contract change has no migration')
    .action((flags: { name: string; check?: boolean }) => {
      const changes = pendingChanges(readSnapshot(), pipelines).contract;
      const written = writeNextMigration(pipelines, flags.name, { check: flags.check });
      if (!written) {
        process.stderr.write(`no contract change without a migration (the migrations implement the contracts up to ${readSnapshot().migration})\n`);
        return;
      }
      for (const change of changes) process.stdout.write(`${change.compatibility === 'breaking' ? pc.red('breaking') : pc.green('compatible')}  ${change.pipeline}: ${change.description}\n`);
      if (flags.check) {
        process.stderr.write(`contract changes without a migration: run cdcctl schema migration --name ${flags.name}\n`);
        process.exitCode = EXIT.changes;
        return;
      }
      process.stderr.write(`wrote warehouse/migrations/${written.file} and warehouse/contract-snapshot.json\n`);
    });
}

function registerInfer(schema: Command): void {
  schema
    .command('infer')
    .description("propose a contract from sampled documents: each field's BSON types and how often, mixed types called out")
    .requiredOption('--collection <name>', "a pipeline's name, or <database>.<collection>")
    .option('--from-topic <topic>', "the collection's source topic (Debezium's change events); \"default\" for the pipeline's topic in --env")
    .option('--from-mongodb <uri>', 'a MongoDB (or the stand-in) to sample the collection from')
    .option('--sample <n>', 'documents to sample', '1000')
    .addOption(environmentOption('the environment whose Kafka the topic is in').default('local'))
    .option('--bootstrap <servers>', "Kafka's bootstrap servers (default: the running local runtime's, or --env's)")
    .addOption(outputFormatOption(['text', 'json']))
    .action(async (flags: { collection: string; fromTopic?: string; fromMongodb?: string; sample: string; env: string; bootstrap?: string; output: string }) => {
      checkOutputFormat(flags.output, ['text', 'json']);
      if (Boolean(flags.fromTopic) === Boolean(flags.fromMongodb)) throw new CliError('give one of --from-topic or --from-mongodb');
      const sample = positive('--sample', flags.sample);
      const pipeline = pipelines.find((candidate) => candidate.name === flags.collection);
      const namespace = pipeline ? `${pipeline.database}.${pipeline.collection}` : flags.collection;
      let documents;
      if (flags.fromMongodb) {
        progress(`sampling ${sample} documents of ${namespace} from ${maskUrlPassword(flags.fromMongodb)}`);
        documents = await documentsFromMongoDb(flags.fromMongodb, namespace, sample);
      } else {
        const environment = environmentFromFlags({ env: flags.env });
        const topic = flags.fromTopic === 'default' && pipeline ? sourceTopic(environment, pipeline) : flags.fromTopic!;
        const bootstrap = flags.bootstrap ?? (environment.name.startsWith('local') ? status({}).services.kafka.url : undefined) ?? environment.kafka.bootstrapServers;
        progress(`reading the last ${sample} documents of ${topic} on ${bootstrap}`);
        documents = await documentsFromTopic(bootstrap, topic, sample);
      }
      if (documents.length === 0) throw new CliError(`no document found in ${namespace}`);
      const observations = observeFields(documents);
      if (flags.output === 'json') {
        const fields = observations.map((observation) => ({ ...observation, types: Object.fromEntries(observation.types), mixed: isMixed(observation), proposed: proposeColumn(observation) ?? null }));
        process.stdout.write(`${JSON.stringify({ collection: namespace, sampled: documents.length, fields }, null, 2)}\n`);
      } else process.stdout.write(proposalText(pipeline?.name ?? namespace.split('.').pop()!, observations, documents.length));
    });
}

function registerCheck(schema: Command): void {
  schema
    .command('check')
    .description('compare the contracts, the warehouse migrations, the live columns and recent documents; exit 0 no drift, 2 drift, 1 error')
    .addOption(environmentOption('environment (its warehouse: WAREHOUSE_URL, or the local runtime for local environments)').makeOptionMandatory())
    .option('--since-minutes <n>', 'how far back documents count', '1440')
    .option('--state-dir <dir>', 'the local runtime to read for local environments (default: .local)')
    .addOption(outputFormatOption(['text', 'json']))
    .action(async (flags: { env: string; sinceMinutes: string; stateDir?: string; output: string }) => {
      checkOutputFormat(flags.output, ['text', 'json']);
      const environment = environmentFromFlags({ env: flags.env });
      const since = positive('--since-minutes', flags.sinceMinutes);
      const db = new Client({ connectionString: warehouseUrl(environment, flags.stateDir), connectionTimeoutMillis: 10_000, statement_timeout: 60_000 });
      await db.connect();
      try {
        const report = await checkSchema(db, environment, pipelines, readSnapshot(), since);
        process.stdout.write(flags.output === 'json' ? `${JSON.stringify({ drift: hasDrift(report), sinceMinutes: since, ...report }, null, 2)}\n` : `${formatSchemaCheck(report, since)}\n`);
        process.exitCode = hasDrift(report) ? EXIT.changes : EXIT.ok;
      } finally {
        await db.end();
      }
    });
}

function registerExporter(schema: Command): void {
  schema
    .command('exporter')
    .description(`serve the contract-violation counter of the warehouse (cdc_warehouse_contract_violations_total{table}) for Prometheus, until stopped`)
    .addOption(environmentOption('environment (its warehouse: WAREHOUSE_URL, or the local runtime for local environments)').makeOptionMandatory())
    .requiredOption('--metrics-port <port>', 'port to serve /metrics on')
    .option('--metrics-host <host>', 'address to listen on', '127.0.0.1')
    .option('--state-dir <dir>', 'the local runtime to read for local environments (default: .local)')
    .action(async (flags: { env: string; metricsPort: string; metricsHost: string; stateDir?: string }) => {
      const environment = environmentFromFlags({ env: flags.env });
      const tables = pipelines.flatMap((pipeline) => [pipeline.table, shadowTable(pipeline)].map((table) => qualifiedTable(environment, table))).map((table) => (table.includes('.') ? table : `public.${table}`));
      const db = new Client({ connectionString: warehouseUrl(environment, flags.stateDir), connectionTimeoutMillis: 10_000, statement_timeout: 10_000 });
      await db.connect();
      const server = createServer((request, response) => {
        if (request.url !== '/metrics') return void response.writeHead(404).end();
        readViolationTotals(db)
          .then((totals) => response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(contractMetricsText(totals, tables)))
          .catch((error: Error) => response.writeHead(503).end(`${error.message}\n`));
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', (error) => reject(new CliError(`--metrics-port ${flags.metricsPort}: ${error.message}`)));
        server.listen(positive('--metrics-port', flags.metricsPort), flags.metricsHost, resolve);
      });
      progress(`serving the contract-violation metric of ${environment.name} on ${flags.metricsHost}:${flags.metricsPort}/metrics`);
      await new Promise<void>((resolve) => ['SIGINT', 'SIGTERM'].forEach((signal) => process.once(signal, resolve)));
      server.close();
      await db.end();
    });
}
