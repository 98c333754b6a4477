import { equals, metricNames, oneOf, series } from '../../../alerts/promql';
import { expandTemplate, humanize, humanizeDuration, humanizePercentage } from '../../promtool/harness';

describe('PromQL helpers', () => {
  it('quotes and escapes label values', () => {
    expect(equals('connector', 'cdc-orders-sink')).toBe('connector="cdc-orders-sink"');
    expect(equals('name', 'say "hi"')).toBe('name="say \\"hi\\""');
  });

  it('matches exactly the listed values, regex characters escaped', () => {
    expect(oneOf('connector', ['a.b', 'c'])).toBe('connector=~"a\\\\.b|c"');
    expect(() => oneOf('connector', [])).toThrow('oneOf(connector): needs at least one value (got none)');
  });

  it('builds selectors, leaving out absent matchers', () => {
    expect(series('up')).toBe('up');
    expect(series('up', equals('job', 'x'), undefined)).toBe('up{job="x"}');
  });

  it.each([
    ['up{job="kafka-connect"} == 0', ['up']],
    ['sum by (connector) (rate(kafka_connect_task_error_total_record_errors{connector="a"}[5m])) > 0', ['kafka_connect_task_error_total_record_errors']],
    ['a / on (x, y) group_left (z) b', ['a', 'b']],
    ['sum(x) by (le) or vector(0)', ['x']],
    ['quantile_over_time(0.95, cdc:pipeline_processing_lag_seconds[1h])', ['cdc:pipeline_processing_lag_seconds']],
    ['clamp_min(max(m{server="cdc"}), 0) / 1000 > 1e3', ['m']],
    ['x == bool 1 unless on (server, task) y{a=~"b|c"} offset 5m', ['x', 'y']],
    ['label_replace(v, "pipeline", "orders", "", "")', ['v']],
  ])('finds the metrics read by %s', (expr, names) => {
    expect(metricNames(expr)).toEqual(names);
  });
});

describe('Go template functions of the promtool harness', () => {
  // Values and strings as Prometheus' template functions print them (promtool confirms them in promtool.test.ts).

  it.each([
    [0, '0'],
    [300, '300'],
    [20000, '20k'],
    [150000, '150k'],
    [4_000_000, '4M'],
    [0.1, '100m'],
    [1.5, '1.5'],
  ])('humanize(%p) = %p', (value, text) => {
    expect(humanize(value)).toBe(text);
  });

  it('humanizes percentages and durations', () => {
    expect(humanizePercentage(0.2)).toBe('20%');
    expect(humanizePercentage(1000 / 8192)).toBe('12.21%');
    expect(humanizeDuration(4000)).toBe('1h 6m 40s');
    expect(humanizeDuration(5_000_000)).toBe('57d 20h 53m 20s');
    expect(humanizeDuration(30)).toBe('30s');
  });

  it('expands labels and refuses a bare $value', () => {
    expect(expandTemplate('{{ $labels.task }} of x: {{ $value | humanize }}', { task: '0' }, 2000)).toBe('0 of x: 2k');
    expect(expandTemplate('{{ $labels.missing }}', {}, undefined)).toBe('<no value>');
    expect(() => expandTemplate('{{ $value }}', {}, 1)).toThrow('pipe it through humanize');
  });
});
