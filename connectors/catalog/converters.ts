import { declaredOptionFindings } from './declared';
import { GENERATED, type PluginType } from './generated';
import type { Finding } from './plugin';

/**
 * A connector's converters (`key.converter`, `value.converter`, `header.converter`): the class must be
 * one the worker has (the pinned plugins and Kafka ship the converters in
 * catalog/generated/converters.ts; Confluent's Avro or JSON Schema converters are not among them), and
 * the `<converter>.<option>` keys are checked against what that class declares. Without a converter
 * in the config the worker's default applies, which this catalog cannot see: its options go unchecked.
 */
export interface ConverterOptions {
  /** Accept converter classes the worker of the pinned plugins does not have. @default false */
  readonly allowUnknownClass?: boolean;
}

const CONVERTER_KEYS: Readonly<Record<string, PluginType>> = {
  'key.converter': 'converter',
  'value.converter': 'converter',
  'header.converter': 'header_converter',
};

/**
 * Options of converters that hand a whole namespace on: Debezium's BinaryDataConverter and
 * ByteArrayConverter configure their delegate from `delegate.converter.type.*`.
 */
const DELEGATE_PREFIX = 'delegate.converter.type.';

/** Set or read by Connect itself: `converter.type` (key, value or header), `plugin.version` (the connector's `key.converter.plugin.version`, Kafka 4.1). */
const CONNECT_CONVERTER_OPTIONS = ['converter.type', 'plugin.version'];

function simpleName(className: string): string {
  return className.slice(className.lastIndexOf('.') + 1);
}

function converterFindings(key: string, pluginType: PluginType, config: Readonly<Record<string, string>>, options: ConverterOptions): Finding[] {
  const converterClass = config[key]?.trim();
  if (!converterClass) return [];
  const definitions = GENERATED.get(converterClass);
  if (!definitions?.types.includes(pluginType)) {
    if (options.allowUnknownClass) return [];
    return [{ field: key, severity: 'error', message: `is not a ${pluginType.replace('_', ' ')} the pinned plugins or Kafka ship, so the worker refuses the config (pass --allow-unknown-class if the worker has it from elsewhere)` }];
  }
  // A converter that declares nothing (Debezium's CloudEventsConverter) reads options it does not declare.
  if (Object.keys(definitions.keys).length === 0) return [];
  const prefix = `${key}.`;
  const converterOptions = Object.fromEntries(
    Object.entries(config)
      .filter(([configKey]) => configKey.startsWith(prefix))
      .map(([configKey, value]) => [configKey.slice(prefix.length), value])
      .filter(([option]) => !(option!.startsWith(DELEGATE_PREFIX) && 'delegate.converter.type' in definitions.keys)),
  );
  return declaredOptionFindings({ prefix, options: converterOptions, definitions, title: simpleName(converterClass), alsoKnown: CONNECT_CONVERTER_OPTIONS });
}

export function converterFindingsOf(config: Readonly<Record<string, string>>, options: ConverterOptions = {}): Finding[] {
  return Object.entries(CONVERTER_KEYS).flatMap(([key, pluginType]) => converterFindings(key, pluginType, config, options));
}
