import { Testing } from 'cdktf';
import { loadAllEnvironments } from '../../../config';
import { buildStacks } from '../../../stacks/app';
import { KafkaStack } from '../../../stacks/kafka-stack';
import { StackInputError } from '../../../stacks/input-checks';
import { environment } from './fixtures';

const stackNames = (environments: Parameters<typeof buildStacks>[1]) => buildStacks(Testing.app(), environments).map((stack) => stack.node.id);

describe('buildStacks', () => {
  it('builds <stack>-<environment> for each section an environment declares', () => {
    expect(stackNames([environment()])).toEqual(['kafka-test', 'connect-test', 'atlas-test']);
  });

  it('builds no stack for an environment without infrastructure', () => {
    expect(stackNames([environment((input) => delete input.infrastructure)])).toEqual([]);
  });

  it('builds only the kafka stack for the local sandbox, and all four for staging and production', () => {
    expect(stackNames(loadAllEnvironments())).toEqual([
      'kafka-local',
      'kafka-staging',
      'connect-staging',
      'atlas-staging',
      'monitoring-staging',
      'kafka-production',
      'connect-production',
      'atlas-production',
      'monitoring-production',
    ]);
  });

  it('builds nothing when any environment has a problem', () => {
    const app = Testing.app();
    const broken = environment((input) => {
      input.name = 'broken';
      input.kafka.replicationFactor = 4;
    });
    expect(() => buildStacks(app, [environment(), broken])).toThrow(StackInputError);
    expect(app.node.children).toEqual([]);
  });

  it('a stack built for an environment without its section names the missing setting', () => {
    const env = environment((input) => {
      delete input.infrastructure.kafka;
      delete input.infrastructure.connect;
    });
    expect(() => new KafkaStack(Testing.app(), 'kafka-test', { environment: env })).toThrow(
      'environment test: infrastructure.kafka: required by this stack (got undefined)',
    );
  });
});
