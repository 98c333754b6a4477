import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { escapeHtml, niceCeiling, rehearsalCharts, rehearsalGapless, rehearsalHtml, scriptSafeJson, seriesRuns, writeRehearsalReport, writesPerSecond } from '../../../local/rehearsal-html';
import { REALISTIC_STEP_NAMES, realisticRehearsalJson } from '../../support/rehearsal-json';

const json = realisticRehearsalJson();
const html = rehearsalHtml(json);

/** The points of each line of one series in one chart, as [x, y] pairs. */
function lines(page: string, chartId: string, series: string): Array<Array<[number, number]>> {
  const chart = page.slice(page.indexOf(`id="${chartId}"`), page.indexOf('</svg>', page.indexOf(`id="${chartId}"`)));
  return [...chart.matchAll(new RegExp(`<polyline class="series" data-series="${series}"[^>]* points="([^"]*)"`, 'g'))].map((match) =>
    (match[1] as string).split(' ').map((pair) => pair.split(',').map(Number) as [number, number]),
  );
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe('the data of the rehearsal page', () => {
  it('has the shape of a real run: 60 samples, ten steps with a rollback, the trigger disabled twice', () => {
    expect(json.timeline).toHaveLength(60);
    expect(json.steps.map((step) => step.step)).toEqual(REALISTIC_STEP_NAMES);
    expect(json.steps.map((step) => step.step)).toContain('rollback stream → shadow');
    expect(json.timeline.filter((point) => point.trigger_lag_ms === null).length).toBeGreaterThan(20);
  });
});

describe('writes per second', () => {
  it('is the difference of the cumulative writes over the time between samples, none at the first', () => {
    const at = (at_ms: number, writes: number) => ({ ...json.timeline[0]!, at_ms, writes });
    expect(writesPerSecond([at(0, 0), at(1000, 100), at(1500, 160), at(1500, 170), at(2500, 170)])).toEqual([null, 100, 120, null, 0]);
  });

  it('follows the load of the realistic run: about 100 a second while it writes, 0 in the drain', () => {
    const rates = writesPerSecond(json.timeline);
    const writing = rates.slice(1, 48) as number[];
    expect(Math.min(...writing)).toBeGreaterThan(80);
    expect(Math.max(...writing)).toBeLessThan(120);
    expect(rates.slice(49)).toEqual(Array(11).fill(0));
  });
});

describe('lines broken where a value is null', () => {
  it('splits the values into runs of non-null values, keeping each index', () => {
    expect(seriesRuns([1, null, 2, 3, null, null, 4])).toEqual([[{ index: 0, value: 1 }], [{ index: 2, value: 2 }, { index: 3, value: 3 }], [{ index: 6, value: 4 }]]);
    expect(seriesRuns([null, null])).toEqual([]);
  });

  it("draws the trigger's lag as one line per stretch it ran, with no point where it was disabled", () => {
    const trigger = lines(html, 'chart-lag', 'trigger');
    const running = json.timeline.filter((point) => point.trigger_lag_ms !== null);
    // Enabled, disabled by the cut-over, re-enabled by the rollback, disabled by the second cut-over.
    expect(trigger).toHaveLength(2);
    expect(trigger.flat()).toHaveLength(running.length);
    // A null drawn as zero would put a point on the chart's baseline; the lags are all about 2 s.
    const baseline = 12 + 180;
    expect(trigger.flat().every(([, y]) => y < baseline - 50)).toBe(true);
  });

  it("draws the stream's lag while a sink runs, and the writes from the second sample", () => {
    expect(lines(html, 'chart-lag', 'stream').map((line) => line.length)).toEqual([json.timeline.filter((point) => point.stream_lag_ms !== null).length]);
    expect(lines(html, 'chart-writes', 'writes').map((line) => line.length)).toEqual([59]);
  });

  it('shows a lone value between gaps as a dot', () => {
    const lone = { ...json, timeline: json.timeline.map((point, index) => ({ ...point, trigger_lag_ms: index === 30 ? 1_500 : null })) };
    const page = rehearsalHtml(lone);
    expect(lines(page, 'chart-lag', 'trigger')).toHaveLength(1);
    expect(count(page, '<circle class="lone-point"')).toBe(1);
  });

  it('charts the missing, extra and stale counts at every sample', () => {
    expect(rehearsalCharts(json).map((chart) => chart.series.map((series) => series.key))).toEqual([['writes'], ['trigger', 'stream'], ['missing', 'extra', 'stale']]);
    for (const key of ['missing', 'extra', 'stale']) expect(lines(html, 'chart-counts', key).map((line) => line.length)).toEqual([60]);
  });
});

describe('the page', () => {
  it('says it is a rehearsal on the local runtime with stand-ins, not MongoDB or Atlas', () => {
    expect(html).toContain('<title>Cut-over rehearsal on the local runtime — MongoDB stand-in and Atlas trigger EMULATOR (not MongoDB, not Atlas)</title>');
    expect(html).toContain('<h1>Cut-over rehearsal on the local runtime');
  });

  it('names every step in the table and on the time axis, and draws its boundary on each chart', () => {
    const table = html.slice(html.indexOf('<table class="steps">'), html.indexOf('</table>'));
    const strip = html.slice(html.indexOf('<svg class="step-strip"'), html.indexOf('</svg>', html.indexOf('<svg class="step-strip"')));
    json.steps.forEach((step, index) => {
      expect(table).toContain(`<td>${index + 1}</td><td>${step.step}</td><td class="nowrap">${step.from} → ${step.to}</td>`);
      expect(strip).toContain(`>${index + 1}. ${step.step}</text>`);
    });
    expect(count(html, '<line class="step-boundary"')).toBe(json.steps.length * 3);
  });

  it('places the boundaries in time order, at each step start', () => {
    const chart = html.slice(html.indexOf('id="chart-lag"'));
    const xs = [...chart.matchAll(/<line class="step-boundary" data-step="\d+" x1="([\d.]+)"/g)].slice(0, json.steps.length).map((match) => Number(match[1]));
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(new Set(xs).size).toBe(json.steps.length);
    expect(xs[0]).toBe(64);
  });

  it('gives the gapless verdict when no move lost a change and nothing is missing, extra or stale at the end', () => {
    expect(rehearsalGapless(json)).toBe(true);
    expect(html).toContain('<p class="verdict gapless" id="verdict">Gapless — no move lost a change, and at the end the production table equals the collection (1,200 documents, 1,200 rows: 0 missing, 0 extra, 0 stale).</p>');
    expect(html).not.toContain('NOT gapless');
  });

  it('says NOT gapless, with the counts, when anything is left at the end', () => {
    for (const final of [{ missing: 5, extra: 0, stale: 0 }, { missing: 0, extra: 0, stale: 1 }, { missing: 0, extra: 13, stale: 0 }]) {
      const failed = realisticRehearsalJson({ final });
      expect(rehearsalGapless(failed)).toBe(false);
      expect(rehearsalHtml(failed)).toContain(`NOT gapless — a move lost changes, or at the end the production table differs from the collection (1,200 documents, ${(1_200 + final.extra - final.missing).toLocaleString('en-US')} rows: ${final.missing} missing, ${final.extra} extra, ${final.stale} stale).`);
    }
  });

  it('says NOT gapless when a move lost a change, even though the end is equal', () => {
    const lossy = { ...json, steps: json.steps.map((step, index) => (index === 4 ? { ...step, settled: { ...step.settled, lost: 1 } } : step)) };
    expect(rehearsalGapless(lossy)).toBe(false);
    expect(rehearsalHtml(lossy)).toContain('NOT gapless — a move lost changes');
  });

  it('loads nothing from anywhere else', () => {
    expect(html).not.toMatch(/\b(src|href)=/);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toContain('@import');
  });
});

describe('any number of steps', () => {
  it('draws fifteen steps, each named on the time axis and bounded on each chart', () => {
    const fifteen = { ...json, steps: Array.from({ length: 15 }, (_, index) => ({ ...json.steps[index % 10]!, step: `rollback stream → shadow #${index + 1}`, started_ms: index * 4_000, ended_ms: index * 4_000 + 3_000 })) };
    const page = rehearsalHtml(fifteen);
    for (let index = 0; index < 15; index += 1) expect(page).toContain(`>${index + 1}. rollback stream → shadow #${index + 1}</text>`);
    expect(count(page, '<line class="step-boundary"')).toBe(45);
  });

  it('renders a rehearsal with no step and no sample: empty charts, the verdict still given', () => {
    const page = rehearsalHtml({ ...json, steps: [], timeline: [] });
    expect(count(page, '<svg class="chart"')).toBe(3);
    expect(count(page, '<polyline')).toBe(0);
    expect(page).toContain('<p class="verdict gapless" id="verdict">');
  });
});

describe('hostile step names', () => {
  const breakOut = '</script><script>document.title="owned"</script><!--';
  const attribute = '"><img src=x onerror=alert(1)>';
  const hostile = realisticRehearsalJson({ stepNames: { 2: breakOut, 4: attribute } });
  const page = rehearsalHtml(hostile);

  it('are escaped wherever they are shown', () => {
    expect(page).toContain(`<td>${escapeHtml(breakOut)}</td>`);
    expect(page).toContain(escapeHtml(attribute));
    expect(page).not.toContain('<img');
    expect(page).not.toContain('document.title="owned"</script>');
  });

  it('cannot close the data block or open a comment in it: only the page’s own three scripts open and close', () => {
    expect(count(page, '<script')).toBe(3);
    expect(count(page, '</script>')).toBe(3);
    expect(page).not.toContain('<!--');
    const data = page.slice(page.indexOf('<script type="application/json" id="rehearsal-data">') + '<script type="application/json" id="rehearsal-data">'.length, page.lastIndexOf('</script>', page.lastIndexOf('<script>')));
    expect(data).not.toMatch(/[<>&]/);
    expect((JSON.parse(data) as { step: string[] }).step).toContain(breakOut);
  });

  it('round-trip through the script-safe JSON unchanged, line separators included', () => {
    const value = { name: `${breakOut} & \u2028\u2029` };
    const safe = scriptSafeJson(value);
    expect(safe).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(safe)).toEqual(value);
  });
});

describe('niceCeiling', () => {
  it('rounds the top of an axis up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect([0, 0.3, 1, 7, 11, 2_412, 4_999, 25_000].map(niceCeiling)).toEqual([1, 0.5, 1, 10, 20, 2_500, 5_000, 25_000]);
  });
});

describe('writeRehearsalReport', () => {
  it('writes the page and the JSON it shows into a directory it creates, and returns the page', () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rehearsal-report-')), 'nested', 'report');
    try {
      const page = writeRehearsalReport(dir, json);
      expect(page).toBe(path.join(dir, 'index.html'));
      expect(fs.readFileSync(page, 'utf8')).toBe(html);
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'rehearsal.json'), 'utf8'))).toEqual(json);
    } finally {
      fs.rmSync(path.dirname(path.dirname(dir)), { recursive: true, force: true });
    }
  });
});
