import { WORKER_DELIVERY_PROPERTIES } from '../../../config';

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

  it('reads only committed records wherever sources write transactions', () => {
    expect(WORKER_DELIVERY_PROPERTIES['exactly.once.source.support']).toBe('enabled');
    expect(WORKER_DELIVERY_PROPERTIES['consumer.isolation.level']).toBe('read_committed');
  });
});
