import { loadEnvironment } from '../../../../config';
import { formatPlanText } from '../../../../connectors/connect/format-plan';
import { diff } from '../../../../connectors/connect/plan';
import { renderEnvironment, type RenderedConnector } from '../../../../connectors/render';
import { generatedSecret } from '../../../support/generated-secret';

const LEAKED = generatedSecret('password');
const desired = renderEnvironment(loadEnvironment('staging'));
const options = { managedPrefix: 'cdc-' };
const noColour = { green: (s: string) => s, yellow: (s: string) => s, red: (s: string) => s, dim: (s: string) => s, bold: (s: string) => s };
const sink = desired.find((connector) => connector.name === 'cdc-orders-sink')!;

/** The indented lines under a connector's heading in the text plan. */
function linesUnder(text: string, connector: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.includes(` ${connector} (`));
  const end = lines.findIndex((line, index) => index > start && !line.startsWith('    '));
  return lines.slice(start + 1, end);
}

describe('the text plan', () => {
  it('shows every attribute of a connector to be created, as terraform shows a create', () => {
    const text = formatPlanText(diff(desired, [], options), noColour);
    for (const connector of desired) {
      const expected = Object.entries(connector.config)
        .filter(([key]) => key !== 'name')
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, value]) => `    + ${key} = ${JSON.stringify(value)}`);
      expect(linesUnder(text, connector.name)).toEqual(expected);
    }
    expect(text).toContain('+ cdc-orders-sink (create)');
  });

  it('masks a literal credential among the created attributes, and keeps a placeholder readable', () => {
    const leaky: RenderedConnector = { ...sink, config: { ...sink.config, 'connection.password': LEAKED, 'connection.url': `jdbc:postgresql://db:5432/dw?user=etl&password=${LEAKED}` } };
    const text = formatPlanText(diff([leaky], [], options), noColour);
    expect(text).not.toContain(LEAKED);
    expect(linesUnder(text, sink.name)).toContain('    + connection.password = "****"');
    expect(linesUnder(text, sink.name).find((line) => line.includes('connection.url'))).toMatch(/password=\*{4}/);
    const placeholder = formatPlanText(diff([sink], [], options), noColour);
    expect(linesUnder(placeholder, sink.name)).toContain(`    + connection.password = ${JSON.stringify(sink.config['connection.password'])}`);
  });

  it('shows a value’s escape sequences instead of obeying them', () => {
    const hostile: RenderedConnector = { ...sink, config: { ...sink.config, 'errors.deadletterqueue.topic.name': 'dlq\u001b[2J' } };
    const text = formatPlanText(diff([hostile], [], options), noColour);
    expect(text).not.toContain('\u001b');
    expect(text).toContain('+ errors.deadletterqueue.topic.name = "dlq\\u001b[2J"');
  });

  it('says a connector is created paused or stopped', () => {
    const text = formatPlanText(diff([{ ...sink, state: 'PAUSED' }], [], options), noColour);
    expect(text).toContain('+ cdc-orders-sink (create, PAUSED)');
  });

  it('keeps an update to the fields that change, and a delete to its name', () => {
    const live = { name: sink.name, config: { ...sink.config, 'batch.size': '10' }, taskCount: 1 };
    expect(linesUnder(formatPlanText(diff([sink], [live], options), noColour), sink.name)).toEqual([`    batch.size: "10" → ${JSON.stringify(sink.config['batch.size'])}`]);
    const deleted = formatPlanText(diff([], [live], { ...options, prune: true }), noColour);
    expect(deleted).toContain('- cdc-orders-sink (delete)');
    expect(deleted).not.toContain('batch.size');
  });
});
