import { pipelines } from '../../../connectors/pipelines';
import { StackInputError, assertStackInputs, stackInputProblems } from '../../../stacks/input-checks';
import { environment, type InputDraft } from './fixtures';

const problemsWith = (change: (input: InputDraft) => void) => stackInputProblems(environment(change), pipelines);

describe('stack inputs: checks across the environment', () => {
  it('accepts the test environment', () => {
    expect(stackInputProblems(environment(), pipelines)).toEqual([]);
  });

  it('refuses DLQ topics replicated beyond the broker count', () => {
    expect(problemsWith((input) => (input.kafka.replicationFactor = 4))).toEqual([
      'environment test: kafka.replicationFactor: must not exceed infrastructure.kafka.brokerCount 3 (got 4)',
    ]);
  });

  it('refuses an Atlas stack for an environment without MongoDB', () => {
    expect(
      problemsWith((input) => {
        input.mongodb = { kind: 'replay' };
        delete input.infrastructure.connect;
      }),
    ).toEqual(['environment test: infrastructure.atlas: needs mongodb.kind "atlas": this environment has no MongoDB to give a CDC user (got mongodb.kind "replay")']);
  });

  it('refuses a trigger for a pipeline that does not exist', () => {
    expect(problemsWith((input) => (input.infrastructure.atlas.triggers[0].pipeline = 'invoices'))).toEqual([
      'environment test: infrastructure.atlas.triggers.0.pipeline: must name a pipeline (orders, customers) (got "invoices")',
    ]);
  });

  it('refuses a configured secret under a file name the stacks provide', () => {
    expect(problemsWith((input) => input.infrastructure.connect.secrets.push({ file: 'mongodb-uri', secretName: 'mine' }))).toEqual([
      'environment test: infrastructure.connect.secrets.1.file: is provided by the stacks themselves; choose another name (got "mongodb-uri")',
    ]);
  });

  it('refuses a reference to a secret file nothing mounts', () => {
    expect(problemsWith((input) => (input.infrastructure.connect.secrets = []))).toEqual([
      'environment test: warehouse.password: no mounted secret provides the file "warehouse-password": add it to infrastructure.connect.secrets (mounted: mongodb-uri) (got ${dir:/etc/connect-secrets:warehouse-password})',
    ]);
  });

  it('refuses a dir reference outside the mounted directory', () => {
    expect(problemsWith((input) => (input.warehouse.password = '${dir:/run/secrets:warehouse-password}'))).toEqual([
      'environment test: warehouse.password: the workers mount secrets under /etc/connect-secrets only (got ${dir:/run/secrets:warehouse-password})',
    ]);
  });

  it('refuses a provider the workers do not have', () => {
    expect(problemsWith((input) => (input.warehouse.password = '${secretsmanager:cdc/warehouse:password}'))).toEqual([
      'environment test: warehouse.password: the Connect workers have no "secretsmanager" config provider (dir, env and file are built in) (got ${secretsmanager:cdc/warehouse:password})',
    ]);
  });

  it('refuses a connect.auth the supervisor cannot log in to the workers with (they check Basic credentials)', () => {
    expect(problemsWith((input) => (input.connect.auth = { kind: 'none' }))).toEqual([
      `environment test: connect.auth: the supervisor logs in to the deployed workers with Basic credentials, so it must be { kind: 'basic', … } (got "none")`,
    ]);
  });

  it('refuses an in-cluster Connect URL that is not the stack\'s Service', () => {
    expect(problemsWith((input) => (input.infrastructure.connect.namespace = 'elsewhere'))).toEqual([
      'environment test: connect.url: an in-cluster URL must address the stack\'s Service kafka-connect.elsewhere.svc.cluster.local:8083 (got https://kafka-connect.cdc-platform.svc.cluster.local:8083)',
    ]);
  });

  it('accepts a Connect URL outside the cluster (an ingress, say)', () => {
    expect(problemsWith((input) => (input.connect.url = 'https://connect.example.internal'))).toEqual([]);
  });

  it('reports every problem of every environment in one error', () => {
    const first = environment((input) => (input.kafka.replicationFactor = 4));
    const second = environment((input) => {
      input.name = 'other';
      input.infrastructure.atlas.triggers[0].pipeline = 'invoices';
    });
    let error: unknown;
    try {
      assertStackInputs([first, second], pipelines);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StackInputError);
    expect((error as StackInputError).problems).toEqual([
      expect.stringMatching(/^environment test: kafka\.replicationFactor: /),
      expect.stringMatching(/^environment other: infrastructure\.atlas\.triggers\.0\.pipeline: /),
    ]);
  });
});
