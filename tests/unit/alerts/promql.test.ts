import { equals, isRecordingRuleName, metricNames, oneOf, series, SYNTHETIC_METRICS } from '../../../alerts/promql';
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

  it('escapes every regex character of a value, so that it matches only itself', () => {
    const alternatives = oneOf('topic', ['a.b*c+d?e^f$g{h}i(j)k|l[m]n\\o', 'plain']).slice('topic=~'.length);
    expect(JSON.parse(alternatives)).toBe('a\\.b\\*c\\+d\\?e\\^f\\$g\\{h\\}i\\(j\\)k\\|l\\[m\\]n\\\\o|plain');
    expect(new RegExp(`^(?:${JSON.parse(alternatives)})$`).test('a.b*c+d?e^f$g{h}i(j)k|l[m]n\\o')).toBe(true);
    expect(oneOf('connector', ['cdc-orders-sink'])).toBe('connector=~"cdc-orders-sink"');
  });

  it('leaves out empty matchers too, and keeps every present one in order', () => {
    expect(series('up', '')).toBe('up');
    expect(series('up', undefined, 'job="msk-jmx"', '', 'instance="b-1"')).toBe('up{job="msk-jmx",instance="b-1"}');
  });

  it('tell recording rules (with a colon) from exported metrics, and know the series Prometheus makes itself', () => {
    expect(isRecordingRuleName('cdc:pipeline_healthy')).toBe(true);
    expect(isRecordingRuleName('kafka_connect_connector_status')).toBe(false);
    expect([...SYNTHETIC_METRICS].sort()).toEqual(['scrape_duration_seconds', 'scrape_samples_scraped', 'up']);
  });

  it.each([
    ['up{job="kafka-connect"} == 0', ['up']],
    ["label_replace(v, 'dst_metric', 'src_metric', '', '')", ['v']],
    ['label_replace(v, `dst_metric`, "say \\"quoted_metric\\"", "", "")', ['v']],
    ['a and b or c unless d', ['a', 'b', 'c', 'd']],
    ['a AND ON (x) b', ['a', 'b']],
    ['sum BY (le) (x) OFFSET 1d', ['x']],
    ['sum without (instance) (a) / ignoring (job) group_right (env) b', ['a', 'b']],
    ['x > inf or y < NaN', ['x', 'y']],
    ['a atan2 b', ['a', 'b']],
    ['rate (x[5m]) offset 1h', ['x']],
    ['x offset -30m > 2.5e-3', ['x']],
    ['sum_over_time(x[1h:5m]) > 0x1f', ['x']],
    ['sum(rate(x{job="kafka-connect"}[$__rate_interval])) by(connector)', ['x']],
    ['histogram_quantile(0.95, sum by(le) (rate(x_bucket[5m])))', ['x_bucket']],
    ['zeta_total / on (connector) alpha_total', ['alpha_total', 'zeta_total']],
    ['sum by (connector) (rate(kafka_connect_task_error_total_record_errors{connector="a"}[5m])) > 0', ['kafka_connect_task_error_total_record_errors']],
    ['a / on (x, y) group_left (z) b', ['a', 'b']],
    ['sum(x) by (le) or vector(0)', ['x']],
    ['quantile_over_time(0.95, cdc:pipeline_processing_lag_seconds[1h])', ['cdc:pipeline_processing_lag_seconds']],
    ['clamp_min(max(m{server="cdc"}), 0) / 1000 > 1e3', ['m']],
    ['x == bool 1 unless on (server, task) y{a=~"b|c"} offset 5m', ['x', 'y']],
    ['label_replace(v, "pipeline", "orders", "", "")', ['v']],
    // Durations in milliseconds and in several units: none of their letters is a metric.
    ['up{job="msk-jmx"} offset 500ms', ['up']],
    ['x offset 1h30m', ['x']],
    // Written without a space before a keyword, as PromQL allows: the selector still ends the name.
    ['up{job="msk-jmx"}offset 5m', ['up']],
    ['rate(kafka_connect_source_task_source_record_poll_total[5m]offset 1h)', ['kafka_connect_source_task_source_record_poll_total']],
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
