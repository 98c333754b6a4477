/**
 * The rehearsal report's page (`cdcctl migrate rehearse --report DIR`) in a real browser: headless
 * Chromium from Debian's package opens the written `index.html` from disk, once to dump the DOM after
 * the page's script ran and once to take a screenshot. It uses none of the test runtime's servers.
 *
 * Chromium is fetched here, in beforeAll, not in the global set-up: this test alone needs a browser,
 * so a run of the other integration tests does not download one. As with Prometheus in the set-up:
 * on PATH, it is used as it is; missing, it is installed from Debian's package when this runs as root
 * (logged), and the test fails naming the package to install otherwise. It is never skipped.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureDebianCommand } from '../../local/debian-package';
import { rehearsalCharts, seriesRuns, SERIES_COLOURS, writeRehearsalReport } from '../../local/rehearsal-html';
import { decodePng, pixelsNear, type DecodedPng } from '../support/png';
import { realisticRehearsalJson } from '../support/rehearsal-json';

// An install from Debian's mirrors takes a few minutes on a slow line.
jest.setTimeout(600_000);

const CHROMIUM = { command: 'chromium', packageName: 'chromium', neededFor: 'the browser test of the rehearsal report (tests/integration/rehearsal-report-browser.test.ts)' };
const WINDOW = { width: 1100, height: 2000 };
/** A step name that would run a script of its own if it escaped the page's escaping. */
const INJECTED = '</script><script>document.documentElement.setAttribute("data-injected", "yes")</script><!--';

const json = realisticRehearsalJson({ stepNames: { 3: INJECTED } });
let dom: string;
let screenshot: DecodedPng;
let workDir: string;

function runChromium(chromium: string, args: readonly string[]): string {
  const profile = fs.mkdtempSync(path.join(workDir, 'profile-'));
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--hide-scrollbars', `--user-data-dir=${profile}`, `--window-size=${WINDOW.width},${WINDOW.height}`];
  const result = spawnSync(chromium, [...flags, ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${chromium} ${args.join(' ')} failed (exit ${result.status}, ${result.signal ?? 'no signal'}): ${result.error?.message ?? result.stderr.slice(-2000)}`);
  return result.stdout;
}

beforeAll(() => {
  const chromium = ensureDebianCommand(CHROMIUM, { onProgress: (message) => process.stderr.write(`[browser test] ${message}\n`) });
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rehearsal-report-browser-'));
  const page = pathToFileURL(writeRehearsalReport(path.join(workDir, 'report'), json)).href;
  const started = Date.now();
  dom = runChromium(chromium, ['--dump-dom', page]);
  const png = path.join(workDir, 'screenshot.png');
  runChromium(chromium, [`--screenshot=${png}`, page]);
  screenshot = decodePng(fs.readFileSync(png));
  process.stderr.write(`[browser test] ${chromium}: DOM and screenshot in ${Date.now() - started} ms\n`);
});

afterAll(() => {
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

function attribute(name: string): string | undefined {
  return new RegExp(`<html[^>]* ${name}="([^"]*)"`).exec(dom)?.[1];
}

describe('the rehearsal report in headless Chromium', () => {
  it("ran the page's script to the end without an error", () => {
    expect(attribute('data-report')).toBe('rendered');
    expect(attribute('data-charts')).toBe('3');
  });

  it('laid out every line of every chart: one per stretch without a gap, a lag line broken where its writer stopped', () => {
    const expected = rehearsalCharts(json).flatMap((chart) => chart.series.map((series) => seriesRuns(series.values).length));
    // writes 1; the trigger's lag 2 (disabled by each cut-over), the stream's 1; missing, extra, stale 1 each.
    expect(expected).toEqual([1, 2, 1, 1, 1, 1]);
    expect(attribute('data-series-lines')).toBe('7');
    expect(dom.match(/<polyline class="series" data-series="trigger"/g)).toHaveLength(2);
    expect(dom.match(/<line class="step-boundary"/g)).toHaveLength(json.steps.length * 3);
  });

  it('shows the latest second in the readout and moved the cursor onto it', () => {
    const readout = /<p id="readout">([^<]*)<\/p>/.exec(dom)?.[1];
    expect(readout).toMatch(/^59\.0 s · final comparison \(stream\) · writes 0 writes\/s · trigger lag \(emulated trigger\) — · /);
    expect(dom).not.toContain('class="cursor" x1="-10"');
  });

  it('ran no script from the data: a step name with </script> in it is text', () => {
    expect(attribute('data-injected')).toBeUndefined();
    expect(dom.match(/<script/g)).toHaveLength(3);
    expect(dom).toContain('4. &lt;/script&gt;&lt;script&gt;document.documentElement.setAttribute("data-injected", "yes")&lt;/script&gt;&lt;!--</text>');
  });

  it('painted a screenshot of the window that is not blank, with every series in its colour', () => {
    expect([screenshot.width, screenshot.height]).toEqual([WINDOW.width, WINDOW.height]);
    const [white] = pixelsNear(screenshot, ['#ffffff'], 6);
    expect(white / (screenshot.width * screenshot.height)).toBeLessThan(0.97);
    // A legend swatch is 48 pixels: the lines themselves must account for the rest.
    const series = pixelsNear(screenshot, Object.values(SERIES_COLOURS));
    expect(Object.fromEntries(Object.keys(SERIES_COLOURS).map((key, index) => [key, series[index] as number > 300]))).toEqual({ writes: true, trigger: true, stream: true, missing: true, extra: true, stale: true });
  });
});
