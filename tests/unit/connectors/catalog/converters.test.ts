import { converterFindingsOf } from '../../../../connectors/catalog/converters';

const JSON_CONVERTER = 'org.apache.kafka.connect.json.JsonConverter';
const CLOUD_EVENTS = 'io.debezium.converters.CloudEventsConverter';
const BINARY_DATA = 'io.debezium.converters.BinaryDataConverter';
const REFUSED = 'the pinned plugins or Kafka ship, so the worker refuses the config (pass --allow-unknown-class if the worker has it from elsewhere)';

describe('converters: the class', () => {
  it('refuses a value converter the worker does not have, saying which flag accepts it', () => {
    expect(converterFindingsOf({ 'value.converter': 'io.confluent.connect.avro.AvroConverter' })).toEqual([{ field: 'value.converter', severity: 'error', message: `is not a converter ${REFUSED}` }]);
  });

  it('refuses a converter set as header converter when it is not one, naming the kind in words', () => {
    expect(converterFindingsOf({ 'header.converter': CLOUD_EVENTS })).toEqual([{ field: 'header.converter', severity: 'error', message: `is not a header converter ${REFUSED}` }]);
  });

  it('accepts the unknown class with allowUnknownClass', () => {
    expect(converterFindingsOf({ 'value.converter': 'io.confluent.connect.avro.AvroConverter' }, { allowUnknownClass: true })).toEqual([]);
  });

  it('reads the class name without the spaces around it, as the worker does', () => {
    expect(converterFindingsOf({ 'key.converter': `  ${JSON_CONVERTER} `, 'key.converter.schemas.enable': 'true' })).toEqual([]);
  });
});

describe('converters: their options', () => {
  it('names the converter by its simple class name in a misspelt option, with the option it meant', () => {
    expect(converterFindingsOf({ 'value.converter': JSON_CONVERTER, 'value.converter.schema.enable': 'true' })).toEqual([
      { field: 'value.converter.schema.enable', severity: 'warning', message: 'is not an option of JsonConverter: did you mean "schemas.enable"? (JsonConverter ignores options it does not declare)' },
    ]);
  });

  it('leaves unchecked the options of a converter that declares none (CloudEventsConverter reads undeclared ones)', () => {
    expect(converterFindingsOf({ 'value.converter': CLOUD_EVENTS, 'value.converter.serializer.type': 'json', 'value.converter.data.serializer.type': 'avro' })).toEqual([]);
  });

  it("hands the delegate's options on for a converter that declares a delegate", () => {
    expect(
      converterFindingsOf({ 'value.converter': BINARY_DATA, 'value.converter.delegate.converter.type': JSON_CONVERTER, 'value.converter.delegate.converter.type.schemas.enable': 'false' }),
    ).toEqual([]);
  });

  it('warns of delegate options on a converter without a delegate', () => {
    expect(converterFindingsOf({ 'value.converter': JSON_CONVERTER, 'value.converter.delegate.converter.type.schemas.enable': 'false' })).toEqual([
      { field: 'value.converter.delegate.converter.type.schemas.enable', severity: 'warning', message: 'is not an option of JsonConverter, which ignores it' },
    ]);
  });
});
