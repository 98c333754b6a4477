import { loadEnvironment, type Environment } from '../../../../config';
import { InvalidConnectorDefinitions, renderValidated } from '../../../../connectors/connect/deploy';
import { definePipeline } from '../../../../connectors/pipelines';
import { renderEnvironment } from '../../../../connectors/render';
import { generatedSecret } from '../../../support/generated-secret';

const LEAKED = generatedSecret('password');

describe('renderValidated', () => {
  it("renders the environment's connectors when every definition is valid", () => {
    const environment = loadEnvironment('staging');
    expect(renderValidated(environment).connectors).toEqual(renderEnvironment(environment));
  });

  it('refuses every invalid field at once, naming connector and field, and renders nothing', () => {
    const environment = loadEnvironment('staging');
    const broken = { ...environment, sink: { ...environment.sink, batchSize: 0 }, warehouse: { ...environment.warehouse, password: LEAKED } };
    const error = (() => {
      try {
        renderValidated(broken);
      } catch (caught) {
        return caught;
      }
    })() as InvalidConnectorDefinitions;
    expect(error).toBeInstanceOf(InvalidConnectorDefinitions);
    expect(error.message).toMatch(/^\d+ invalid fields: nothing was sent to Kafka Connect\n/);
    expect(error.issues.map((issue) => `${issue.connector}: ${issue.field}`)).toEqual(expect.arrayContaining(['cdc-orders-sink: connection.password', 'cdc-customers-sink: connection.password']));
    expect(error.message).not.toContain(LEAKED);
  });

  it('renders only the pipelines it is given', () => {
    const only = definePipeline({ name: 'payments', description: 'd', database: 'pay_db', collection: 'payments', table: 'payments', owner: 'bi' });
    expect(renderValidated(loadEnvironment('staging'), [only]).connectors.map((connector) => connector.name)).toEqual(['cdc-pay-db-source', 'cdc-payments-sink']);
  });

  describe("with the workers at KIP-618's 'preparing' step", () => {
    const preparing = (): Environment => {
      const environment = loadEnvironment('staging');
      return { ...environment, connect: { ...environment.connect, exactlyOnceSource: 'preparing' } };
    };

    it('plans the sources without requiring exactly-once, so the first rolling step changes nothing the workers refuse', () => {
      const sources = renderValidated(preparing()).connectors.filter((connector) => connector.role === 'source');
      expect(sources.length).toBeGreaterThan(0);
      for (const source of sources) expect(source.config['exactly.once.support']).toBeUndefined();
    });
  });
});

