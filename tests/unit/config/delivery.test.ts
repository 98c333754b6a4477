import { EXACTLY_ONCE_SOURCE_LEVELS, WORKER_DELIVERY_PROPERTIES, parseEnvironment, workerDeliveryProperties } from '../../../config';
import { baseEnvironmentInput } from '../stacks/fixtures';

/** The rules Kafka's producer enforces between these settings (ProducerConfig.postProcessAndValidateIdempotenceConfigs). */
describe('the workers\' delivery settings', () => {
  it('turns idempotence on with what it needs: acks=all and at most 5 batches in flight', () => {
    expect(WORKER_DELIVERY_PROPERTIES['producer.enable.idempotence']).toBe('true');
    expect(WORKER_DELIVERY_PROPERTIES['producer.acks']).toBe('all');
    expect(Number(WORKER_DELIVERY_PROPERTIES['producer.max.in.flight.requests.per.connection'])).toBeLessThanOrEqual(5);
  });

  it('leaves retries at their default and bounds them by the delivery timeout alone', () => {
    expect(WORKER_DELIVERY_PROPERTIES).not.toHaveProperty('producer.retries');
    expect(Number(WORKER_DELIVERY_PROPERTIES['producer.delivery.timeout.ms'])).toBe(2 ** 31 - 1);
  });

  it("aborts a killed source task's open transaction after 10 s, not the producer's default 60 s: until then no read_committed reader gets past it", () => {
    expect(WORKER_DELIVERY_PROPERTIES['producer.transaction.timeout.ms']).toBe('10000');
  });

  it('reads only committed records wherever sources write transactions', () => {
    expect(workerDeliveryProperties('enabled')['exactly.once.source.support']).toBe('enabled');
    expect(WORKER_DELIVERY_PROPERTIES['consumer.isolation.level']).toBe('read_committed');
  });
});

describe("the workers' exactly-once source level (KIP-618's two rolling steps)", () => {
  it.each(EXACTLY_ONCE_SOURCE_LEVELS)('sets exactly.once.source.support=%s beside every fixed delivery setting', (level) => {
    expect(workerDeliveryProperties(level)).toEqual({ ...WORKER_DELIVERY_PROPERTIES, 'exactly.once.source.support': level });
  });

  it("offers only Kafka's two steps towards exactly-once, not its default `disabled`", () => {
    expect(EXACTLY_ONCE_SOURCE_LEVELS).toEqual(['preparing', 'enabled']);
  });

  it("is 'enabled' unless an environment says otherwise (a new cluster takes it at once)", () => {
    expect(parseEnvironment(baseEnvironmentInput()).connect.exactlyOnceSource).toBe('enabled');
    expect(parseEnvironment({ ...baseEnvironmentInput(), connect: { url: 'http://127.0.0.1:8083', exactlyOnceSource: 'preparing' } }).connect.exactlyOnceSource).toBe('preparing');
  });

  it.each(['disabled', 'true', 'Enabled'])('refuses %j, naming the setting', (value) => {
    expect(() => parseEnvironment({ ...baseEnvironmentInput(), connect: { url: 'http://127.0.0.1:8083', exactlyOnceSource: value } })).toThrow(
      /environment test: connect\.exactlyOnceSource: .*"preparing".*"enabled"/,
    );
  });
});
