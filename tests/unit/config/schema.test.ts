import { environmentSchema, messageSizeSettings, parseEnvironment, type EnvironmentInput } from '../../../config';
import { baseEnvironmentInput } from '../stacks/fixtures';

const MiB = 1024 * 1024;

function withSource(source: { readonly maxBatchSize: number; readonly maxQueueSize: number }): EnvironmentInput {
  return { ...baseEnvironmentInput(), source };
}

describe("the Debezium source queue: max.queue.size must exceed max.batch.size (Debezium's own rule)", () => {
  it('accepts a queue one event larger than the batch', () => {
    expect(parseEnvironment(withSource({ maxBatchSize: 4096, maxQueueSize: 4097 })).source).toMatchObject({ maxBatchSize: 4096, maxQueueSize: 4097 });
  });

  it('refuses a queue exactly as large as the batch, naming both values', () => {
    expect(() => parseEnvironment(withSource({ maxBatchSize: 4096, maxQueueSize: 4096 }))).toThrow(
      'environment test: source.maxQueueSize: must be larger than source.maxBatchSize (4096) (got 4096)',
    );
  });

  it('reports the rule to readers of the schema itself as a custom issue at source.maxQueueSize, the only one', () => {
    const result = environmentSchema.safeParse(withSource({ maxBatchSize: 4096, maxQueueSize: 1024 }));
    expect(result.error?.issues).toEqual([
      { code: 'custom', path: ['source', 'maxQueueSize'], message: 'must be larger than source.maxBatchSize (4096) (got 1024)' },
    ]);
  });

  it('accepts the defaults, a queue of 8192 for batches of 2048', () => {
    expect(parseEnvironment(baseEnvironmentInput()).source).toMatchObject({ maxBatchSize: 2048, maxQueueSize: 8192 });
  });
});

describe('message sizes, all from kafka.maxMessageBytes', () => {
  it('lets a 64 MiB record through every limit by default: the producer buffers two, Debezium queues four, zstd compresses', () => {
    expect(messageSizeSettings(parseEnvironment(baseEnvironmentInput()).kafka)).toEqual({
      topicMaxMessageBytes: 64 * MiB,
      producerMaxRequestSize: 64 * MiB,
      producerBufferMemory: 128 * MiB,
      producerCompressionType: 'zstd',
      debeziumQueueBytes: 256 * MiB,
    });
  });

  it("scales with an environment's own limit, such as MSK Serverless' 8 MiB", () => {
    expect(messageSizeSettings({ maxMessageBytes: 8 * MiB })).toMatchObject({ topicMaxMessageBytes: 8 * MiB, producerBufferMemory: 16 * MiB, debeziumQueueBytes: 32 * MiB });
  });

  it('accepts a limit of exactly 1 MiB, and refuses one byte less', () => {
    const kafka = baseEnvironmentInput().kafka;
    expect(parseEnvironment({ ...baseEnvironmentInput(), kafka: { ...kafka, maxMessageBytes: MiB } }).kafka.maxMessageBytes).toBe(MiB);
    expect(() => parseEnvironment({ ...baseEnvironmentInput(), kafka: { ...kafka, maxMessageBytes: MiB - 1 } })).toThrow(/environment test: kafka\.maxMessageBytes: /);
  });
});
