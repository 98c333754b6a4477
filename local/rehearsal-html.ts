import * as fs from 'node:fs';
import * as path from 'node:path';
import { rehearsalJsonPassed, type RehearsalJson, type RehearsalTimelinePoint } from './rehearsal-report';

/**
 * The cut-over rehearsal as one HTML page (`cdcctl migrate rehearse --report DIR`): the steps table,
 * the verdict, and a timeline — writes per second, each writer's lag, the missing, extra and stale
 * counts — with the step boundaries drawn across every chart. The charts are SVG rendered here, so
 * the page needs nothing from the network and reads the same with scripts off; the one inline script
 * only adds the readout of a second under the pointer, and marks the page rendered (or failed) for
 * the browser test. Pure but for `writeRehearsalReport`.
 */

/** One line of a chart: a value per timeline point, null where there is none (drawn as a gap). */
export interface ChartSeries {
  readonly key: string;
  readonly label: string;
  readonly colour: string;
  readonly values: readonly (number | null)[];
}

export interface Chart {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  readonly series: readonly ChartSeries[];
}

/** Pixels of each chart's SVG; the step strip above the charts shares its width and margins. */
const GEOMETRY = { width: 960, height: 220, left: 64, right: 24, top: 12, bottom: 28, stripHeight: 210 } as const;
const PLOT_WIDTH = GEOMETRY.width - GEOMETRY.left - GEOMETRY.right;
const PLOT_HEIGHT = GEOMETRY.height - GEOMETRY.top - GEOMETRY.bottom;

/** Distinct on white and for the common colour-vision deficiencies (Okabe-Ito); the browser test looks for them in the screenshot. */
export const SERIES_COLOURS = { writes: '#0072b2', trigger: '#d55e00', stream: '#009e73', missing: '#cc79a7', extra: '#e69f00', stale: '#56b4e9' } as const;

/** Text for HTML content and attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * JSON to place inside a `<script>` element: no `<`, `>` or `&` left, so no string in the data can
 * close the element (`</script>`) or open a comment (`<!--`); the line separators JavaScript once
 * refused in strings are escaped as well. JSON.parse reads it back unchanged.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Gapless: after the drain, nothing missing, extra or stale (what `rehearsalPassed` says of the report). */
/** The verdict `cdcctl migrate rehearse` gives (its exit code), from the JSON report. */
export function rehearsalGapless(json: RehearsalJson): boolean {
  return rehearsalJsonPassed(json);
}

/** Writes per second at each point: the cumulative count's difference over the previous point; none at the first. */
export function writesPerSecond(timeline: readonly RehearsalTimelinePoint[]): (number | null)[] {
  return timeline.map((point, index) => {
    const previous = timeline[index - 1];
    if (!previous || point.at_ms <= previous.at_ms) return null;
    return ((point.writes - previous.writes) * 1000) / (point.at_ms - previous.at_ms);
  });
}

/** The runs of consecutive values that are not null: each is drawn as one line, so a null is a gap, never a zero. */
export function seriesRuns(values: readonly (number | null)[]): Array<Array<{ readonly index: number; readonly value: number }>> {
  const runs: Array<Array<{ index: number; value: number }>> = [];
  let current: Array<{ index: number; value: number }> | undefined;
  values.forEach((value, index) => {
    if (value === null || !Number.isFinite(value)) {
      current = undefined;
      return;
    }
    if (!current) runs.push((current = []));
    current.push({ index, value });
  });
  return runs;
}

/** The three charts of the timeline, in the order they are drawn. */
export function rehearsalCharts(json: RehearsalJson): Chart[] {
  const of = (key: 'missing' | 'extra' | 'stale') => json.timeline.map((point) => point[key]);
  return [
    { id: 'chart-writes', title: 'Writes per second to the collection', unit: 'writes/s', series: [{ key: 'writes', label: 'writes', colour: SERIES_COLOURS.writes, values: writesPerSecond(json.timeline) }] },
    {
      id: 'chart-lag',
      title: "Each writer's lag (a gap: the writer is not running)",
      unit: 'ms',
      series: [
        { key: 'trigger', label: 'trigger lag (emulated trigger)', colour: SERIES_COLOURS.trigger, values: json.timeline.map((point) => point.trigger_lag_ms) },
        { key: 'stream', label: 'stream lag (source → sink)', colour: SERIES_COLOURS.stream, values: json.timeline.map((point) => point.stream_lag_ms) },
      ],
    },
    {
      id: 'chart-counts',
      title: 'The production table against the collection',
      unit: 'documents',
      series: [
        { key: 'missing', label: 'missing', colour: SERIES_COLOURS.missing, values: of('missing') },
        { key: 'extra', label: 'extra', colour: SERIES_COLOURS.extra, values: of('extra') },
        { key: 'stale', label: 'stale', colour: SERIES_COLOURS.stale, values: of('stale') },
      ],
    },
  ];
}

/** From the earliest to the latest moment of the timeline and the steps, ms; never empty. */
function timeDomain(json: RehearsalJson): readonly [number, number] {
  const moments = [...json.timeline.map((point) => point.at_ms), ...json.steps.flatMap((step) => [step.started_ms, step.ended_ms])];
  const first = moments.length > 0 ? Math.min(...moments) : 0;
  const last = moments.length > 0 ? Math.max(...moments) : 0;
  return [first, last > first ? last : first + 1000];
}

/** The smallest of 1, 2, 2.5, 5 × 10^k at or above the value: the top of a y axis. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const factor = [1, 2, 2.5, 5, 10].find((candidate) => candidate * magnitude >= value) as number;
  return factor * magnitude;
}

const SECOND_TICKS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];

interface Scale {
  readonly t0: number;
  readonly t1: number;
  readonly x: (ms: number) => number;
}

function timeScale(json: RehearsalJson): Scale {
  const [t0, t1] = timeDomain(json);
  return { t0, t1, x: (ms) => GEOMETRY.left + ((ms - t0) / (t1 - t0)) * PLOT_WIDTH };
}

const coordinate = (value: number) => value.toFixed(1);

function formatNumber(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function xAxis(scale: Scale): string {
  const seconds = (scale.t1 - scale.t0) / 1000;
  const every = SECOND_TICKS.find((candidate) => seconds / candidate <= 12) ?? 3600;
  const ticks: string[] = [];
  for (let second = Math.ceil(scale.t0 / 1000 / every) * every; second * 1000 <= scale.t1; second += every) {
    const x = coordinate(scale.x(second * 1000));
    ticks.push(`<line class="tick" x1="${x}" x2="${x}" y1="${GEOMETRY.top + PLOT_HEIGHT}" y2="${GEOMETRY.top + PLOT_HEIGHT + 4}"/><text class="tick-label" x="${x}" y="${GEOMETRY.height - 8}" text-anchor="middle">${second} s</text>`);
  }
  return ticks.join('');
}

function yAxis(top: number): string {
  return [0, 0.5, 1]
    .map((share) => {
      const y = coordinate(GEOMETRY.top + PLOT_HEIGHT - share * PLOT_HEIGHT);
      return `<line class="grid" x1="${GEOMETRY.left}" x2="${GEOMETRY.left + PLOT_WIDTH}" y1="${y}" y2="${y}"/><text class="tick-label" x="${GEOMETRY.left - 6}" y="${y}" dy="0.32em" text-anchor="end">${formatNumber(share * top)}</text>`;
    })
    .join('');
}

function stepBoundaries(json: RehearsalJson, scale: Scale): string {
  return json.steps
    .map((step, index) => {
      const x = coordinate(scale.x(step.started_ms));
      return `<line class="step-boundary" data-step="${index + 1}" x1="${x}" x2="${x}" y1="${GEOMETRY.top}" y2="${GEOMETRY.top + PLOT_HEIGHT}"><title>${index + 1}. ${escapeHtml(step.step)} (from ${(step.started_ms / 1000).toFixed(1)} s)</title></line>`;
    })
    .join('');
}

function seriesLines(series: ChartSeries, json: RehearsalJson, scale: Scale, top: number): string {
  const y = (value: number) => GEOMETRY.top + PLOT_HEIGHT - (Math.max(0, value) / top) * PLOT_HEIGHT;
  return seriesRuns(series.values)
    .map((run) => {
      const points = run.map(({ index, value }) => [coordinate(scale.x((json.timeline[index] as RehearsalTimelinePoint).at_ms)), coordinate(y(value))] as const);
      const [first] = points;
      // A lone value between gaps is a line of no length: a dot shows it.
      const dot = run.length === 1 && first ? `<circle class="lone-point" cx="${first[0]}" cy="${first[1]}" r="2.5" fill="${series.colour}"/>` : '';
      return `<polyline class="series" data-series="${series.key}" fill="none" stroke="${series.colour}" stroke-width="2" points="${points.map((point) => point.join(',')).join(' ')}"/>${dot}`;
    })
    .join('');
}

function legend(chart: Chart): string {
  return chart.series.map((series) => `<span class="legend-item"><span class="swatch" style="background:${series.colour}"></span>${escapeHtml(series.label)}</span>`).join('');
}

/** One chart: axes, the step boundaries, each series as lines broken where it is null, and the pointer's cursor. */
function chartSvg(chart: Chart, json: RehearsalJson): string {
  const scale = timeScale(json);
  const top = niceCeiling(Math.max(0, ...chart.series.flatMap((series) => series.values.filter((value): value is number => value !== null && Number.isFinite(value)))));
  const plot = `data-plot-left="${GEOMETRY.left}" data-plot-right="${GEOMETRY.left + PLOT_WIDTH}" data-t0="${scale.t0}" data-t1="${scale.t1}"`;
  return [
    `<figure><figcaption>${escapeHtml(chart.title)} <span class="unit">(${escapeHtml(chart.unit)})</span> ${legend(chart)}</figcaption>`,
    `<svg class="chart" id="${chart.id}" ${plot} viewBox="0 0 ${GEOMETRY.width} ${GEOMETRY.height}" width="${GEOMETRY.width}" height="${GEOMETRY.height}" role="img" aria-label="${escapeHtml(chart.title)}">`,
    yAxis(top),
    xAxis(scale),
    stepBoundaries(json, scale),
    ...chart.series.map((series) => seriesLines(series, json, scale, top)),
    `<line class="cursor" x1="-10" x2="-10" y1="${GEOMETRY.top}" y2="${GEOMETRY.top + PLOT_HEIGHT}"/>`,
    '</svg></figure>',
  ].join('\n');
}

/** Above the charts, on their time axis: a band per step, its number and name beside its boundary. */
function stepStrip(json: RehearsalJson): string {
  const scale = timeScale(json);
  const bottom = GEOMETRY.stripHeight - 4;
  const bands = json.steps.map((step, index) => {
    const x = scale.x(step.started_ms);
    const width = Math.max(1, scale.x(step.ended_ms) - x);
    const label = `${index + 1}. ${escapeHtml(step.step)}`;
    return `<g class="step"><rect class="step-band${index % 2 === 1 ? ' odd' : ''}" x="${coordinate(x)}" y="0" width="${coordinate(width)}" height="${GEOMETRY.stripHeight}"><title>${label}</title></rect><text class="step-name" x="${coordinate(x + 12)}" y="${bottom}" transform="rotate(-90 ${coordinate(x + 12)} ${bottom})">${label}</text></g>`;
  });
  return `<svg class="step-strip" viewBox="0 0 ${GEOMETRY.width} ${GEOMETRY.stripHeight}" width="${GEOMETRY.width}" height="${GEOMETRY.stripHeight}" role="img" aria-label="the steps on the time axis">${bands.join('')}</svg>`;
}

function stepsTable(json: RehearsalJson): string {
  const accuracy = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(2)} %`);
  const rows = json.steps.map(
    (step, index) =>
      `<tr><td>${index + 1}</td><td>${escapeHtml(step.step)}</td><td class="nowrap">${escapeHtml(step.from)} → ${escapeHtml(step.to)}</td><td class="nowrap">${(step.started_ms / 1000).toFixed(1)}–${(step.ended_ms / 1000).toFixed(1)} s</td>` +
      `<td class="number">${formatNumber(step.missing)}</td><td class="number">${formatNumber(step.extra)}</td><td class="number">${formatNumber(step.stale)}</td><td class="number">${formatNumber(step.max_staleness_ms)} ms</td><td class="number">${accuracy(step.validate_accuracy)}</td></tr>`,
  );
  const head = '<tr><th>#</th><th>step</th><th>from → to</th><th>during</th><th>missing</th><th>extra</th><th>stale</th><th>max staleness</th><th>validate accuracy</th></tr>';
  return `<table class="steps"><caption>The worst counts of the production table against the collection during each step</caption><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

function verdict(json: RehearsalJson): string {
  const { final } = json;
  const counts = `${formatNumber(final.documents)} documents, ${formatNumber(final.rows)} rows: ${formatNumber(final.missing)} missing, ${formatNumber(final.extra)} extra, ${formatNumber(final.stale)} stale`;
  return rehearsalGapless(json)
    ? `<p class="verdict gapless" id="verdict">Gapless — no move lost a change, and at the end the production table equals the collection (${counts}).</p>`
    : `<p class="verdict not-gapless" id="verdict">NOT gapless — a move lost changes, or at the end the production table differs from the collection (${counts}).</p>`;
}

function figures(json: RehearsalJson): string {
  const { writes, trigger } = json;
  const items = [
    ['writes', `${formatNumber(writes.total)} (${formatNumber(writes.insert)} inserts, ${formatNumber(writes.update)} updates, ${formatNumber(writes.replace)} replaces, ${formatNumber(writes.delete)} deletes)`],
    ['trigger', `${formatNumber(trigger.applied)} applied, ${formatNumber(trigger.failed)} failed, ${formatNumber(trigger.skipped)} skipped; lag up to ${formatNumber(trigger.maxLagMs)} ms`],
    ['cut-over', json.cutover_ms === null ? 'none in this walk' : `${formatNumber(json.cutover_ms)} ms (the sink's switch and replay, then the trigger's disable)`],
    ['lost by the moves', formatNumber(json.steps.reduce((sum, step) => sum + step.settled.lost, 0))],
    ['drain', `${formatNumber(json.drain_ms)} ms`],
  ];
  return `<dl class="figures">${items.map(([term, detail]) => `<dt>${term}</dt><dd>${escapeHtml(detail as string)}</dd>`).join('')}</dl>`;
}

/** What the readout shows of each second: the charts' values, the step and the phase. */
function readoutData(json: RehearsalJson, charts: readonly Chart[]): unknown {
  return {
    at_ms: json.timeline.map((point) => point.at_ms),
    step: json.timeline.map((point) => point.step),
    phase: json.timeline.map((point) => point.phase),
    series: charts.flatMap((chart) => chart.series.map((series) => ({ label: series.label, unit: chart.unit, values: series.values }))),
  };
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; color: #1a1a1a; margin: 24px; max-width: 1000px; }
h1 { font-size: 20px; margin: 0 0 4px; }
.subtitle { color: #555; margin: 0 0 16px; }
.verdict { font-weight: 600; padding: 8px 12px; border-radius: 4px; }
.verdict.gapless { background: #e3f4ea; color: #0b5d2a; }
.verdict.not-gapless { background: #fbe4e4; color: #8a1111; }
.figures { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; }
.figures dt { color: #555; }
.figures dd { margin: 0; }
table.steps { border-collapse: collapse; margin: 16px 0; }
table.steps caption { text-align: left; color: #555; padding-bottom: 4px; }
table.steps th, table.steps td { border-bottom: 1px solid #ddd; padding: 3px 8px; text-align: left; }
table.steps td.number { text-align: right; font-variant-numeric: tabular-nums; }
table.steps td.nowrap { white-space: nowrap; }
figure { margin: 8px 0 16px; }
figcaption { font-weight: 600; margin-bottom: 4px; }
.unit { color: #555; font-weight: normal; }
.legend-item { font-weight: normal; margin-left: 12px; white-space: nowrap; }
.swatch { display: inline-block; width: 12px; height: 4px; margin-right: 4px; vertical-align: middle; }
svg text { font: 11px system-ui, sans-serif; fill: #333; }
.grid { stroke: #e5e5e5; }
.tick { stroke: #999; }
.step-boundary { stroke: #555; stroke-dasharray: 4 3; }
.step-band { fill: #f4f4f4; }
.step-band.odd { fill: #e8e8e8; }
.cursor { stroke: #000; stroke-opacity: 0.4; }
#readout { font-variant-numeric: tabular-nums; min-height: 1.4em; color: #333; }
`;

/** The failure marker is set by a script of its own, before the main one, so an error anywhere in the latter is caught. */
const ERROR_SCRIPT = `window.onerror = function (message) { document.documentElement.setAttribute('data-report', 'error: ' + message); };`;

/**
 * The readout of the second under the pointer (the latest at first), and the marker the browser test
 * reads: `data-report="rendered"` once every chart is laid out with lines of a size.
 */
const MAIN_SCRIPT = `(function () {
  var root = document.documentElement;
  var data = JSON.parse(document.getElementById('rehearsal-data').textContent);
  var charts = Array.prototype.slice.call(document.querySelectorAll('svg.chart'));
  var readout = document.getElementById('readout');
  function text(value, unit) { return value === null ? '—' : Math.round(value).toLocaleString('en-US') + ' ' + unit; }
  function show(index) {
    if (index < 0 || index >= data.at_ms.length) return;
    var parts = [(data.at_ms[index] / 1000).toFixed(1) + ' s', data.step[index] + ' (' + data.phase[index] + ')'];
    data.series.forEach(function (series) { parts.push(series.label + ' ' + text(series.values[index], series.unit)); });
    readout.textContent = parts.join(' · ');
    charts.forEach(function (svg) {
      var left = Number(svg.dataset.plotLeft), right = Number(svg.dataset.plotRight), t0 = Number(svg.dataset.t0), t1 = Number(svg.dataset.t1);
      var x = left + ((data.at_ms[index] - t0) / (t1 - t0)) * (right - left);
      var cursor = svg.querySelector('.cursor');
      cursor.setAttribute('x1', x); cursor.setAttribute('x2', x);
    });
  }
  function nearest(svg, event) {
    var point = new DOMPoint(event.clientX, event.clientY).matrixTransform(svg.getScreenCTM().inverse());
    var left = Number(svg.dataset.plotLeft), right = Number(svg.dataset.plotRight), t0 = Number(svg.dataset.t0), t1 = Number(svg.dataset.t1);
    var at = t0 + ((point.x - left) / (right - left)) * (t1 - t0), best = 0;
    data.at_ms.forEach(function (ms, index) { if (Math.abs(ms - at) < Math.abs(data.at_ms[best] - at)) best = index; });
    return best;
  }
  var lines = 0;
  charts.forEach(function (svg) {
    svg.querySelectorAll('polyline.series').forEach(function (line) {
      var box = line.getBBox();
      if (line.points.length > 1 && !(box.width > 0 || box.height > 0)) throw new Error('a line of ' + svg.id + ' was drawn without a size');
      lines += 1;
    });
    svg.addEventListener('mousemove', function (event) { show(nearest(svg, event)); });
  });
  show(data.at_ms.length - 1);
  root.setAttribute('data-charts', String(charts.length));
  root.setAttribute('data-series-lines', String(lines));
  if (root.getAttribute('data-report') === 'pending') root.setAttribute('data-report', 'rendered');
})();`;

const TITLE = 'Cut-over rehearsal on the local runtime — MongoDB stand-in and Atlas trigger EMULATOR (not MongoDB, not Atlas)';

/** The whole page, self-contained: no script, font or image from anywhere else. */
export function rehearsalHtml(json: RehearsalJson): string {
  const charts = rehearsalCharts(json);
  return [
    '<!DOCTYPE html>',
    '<html lang="en" data-report="pending">',
    `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(TITLE)}</title>`,
    `<style>${STYLE}</style>`,
    `<script>${ERROR_SCRIPT}</script></head>`,
    '<body>',
    `<h1>${escapeHtml(TITLE)}</h1>`,
    '<p class="subtitle">A rehearsal of the migration off Atlas Triggers on stand-ins: the figures say how the procedure behaves, not how Atlas or MongoDB would.</p>',
    verdict(json),
    figures(json),
    stepsTable(json),
    '<h2>Timeline</h2>',
    '<p id="readout"></p>',
    stepStrip(json),
    ...charts.map((chart) => chartSvg(chart, json)),
    `<script type="application/json" id="rehearsal-data">${scriptSafeJson(readoutData(json, charts))}</script>`,
    `<script>${MAIN_SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}

/** Writes `index.html` (the page) and `rehearsal.json` (the data it shows) into `dir`, created if missing; returns the page's path. */
export function writeRehearsalReport(dir: string, json: RehearsalJson): string {
  fs.mkdirSync(dir, { recursive: true });
  const page = path.join(dir, 'index.html');
  fs.writeFileSync(path.join(dir, 'rehearsal.json'), `${JSON.stringify(json, null, 2)}\n`);
  fs.writeFileSync(page, rehearsalHtml(json));
  return page;
}
