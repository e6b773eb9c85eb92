// Renders each dashboard's main panels to docs/img/grafana-<flavour>-<board>.png from the REAL query
// results that test/grafana/dashboard-queries.test.ts saved (CGMETER_GRAFANA_RESULTS=FILE): an SVG
// drawn here, screenshotted by headless Chromium. Grafana itself cannot run on this machine (not in
// Debian, no registry), so these are not Grafana screenshots, and each image says so.
//   CGMETER_GRAFANA_RESULTS=/tmp/r.json npx vitest run test/grafana/dashboard-queries.test.ts
//   npx tsx test/grafana/render-screenshots.ts /tmp/r.json

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Saved { q: { board: string; panel: string; refId: string; flavour: string; description: string }; series: number; data?: any[] }
interface Line { label: string; points: Array<[number, number]> }

const IMG = fileURLToPath(new URL('../../docs/img/', import.meta.url));
const COLORS = ['#73bf69', '#f2cc0c', '#5794f2', '#ff9830', '#f2495c', '#b877d9', '#8ab8ff', '#96d98d'];
const W = 560;
const H = 250;

function label(metric: Record<string, string>, refId: string): string {
  const id = metric.id?.split('/').filter(Boolean).at(-1) ?? '';
  return [refId, metric.name, id || metric.id, metric.instance && !metric.id ? metric.instance : '', metric.kind, metric.reason]
    .filter(Boolean).join(' ').slice(0, 48);
}

/** Prometheus matrices and InfluxDB series to lines of [seconds, value]. */
function lines(saved: Saved): Line[] {
  if (saved.q.flavour === 'prometheus') {
    return (saved.data ?? []).filter((s) => s.values).map((s) => ({
      label: label(s.metric, saved.q.refId), points: s.values.map(([t, v]: [number, string]) => [t, Number(v)]),
    }));
  }
  return (saved.data ?? []).map((s) => ({
    label: `${saved.q.refId} ${String(s.tags?.name ?? s.tags?.host ?? '').split('/').filter(Boolean).at(-1) ?? ''}`,
    points: s.values.filter((v: unknown[]) => v[1] !== null).map((v: [number, number]) => [v[0] / 1000, Number(v[1])]),
  }));
}

function fmt(v: number): string {
  const a = Math.abs(v);
  if (a >= 1024 ** 3) return `${(v / 1024 ** 3).toFixed(1)} GiB`;
  if (a >= 1024 ** 2) return `${(v / 1024 ** 2).toFixed(0)} MiB`;
  if (a >= 1024 * 10) return `${(v / 1024).toFixed(0)} KiB`;
  return a >= 10 ? v.toFixed(0) : v.toPrecision(2);
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function panelSvg(title: string, all: Line[], x0: number, y0: number): string {
  const shown = all.filter((l) => l.points.some(([, v]) => Number.isFinite(v))).slice(0, 6);
  const pts = shown.flatMap((l) => l.points).filter(([, v]) => Number.isFinite(v));
  const [tMin, tMax] = [Math.min(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[0]))];
  const vMax = Math.max(...pts.map((p) => p[1]), 1e-9);
  const px = (t: number) => x0 + 50 + ((t - tMin) / Math.max(tMax - tMin, 1)) * (W - 70);
  const py = (v: number) => y0 + 30 + (1 - v / vMax) * (H - 110);
  const parts = [`<rect x="${x0}" y="${y0}" width="${W}" height="${H}" fill="#181b1f" stroke="#2c3235"/>`,
    `<text x="${x0 + 10}" y="${y0 + 18}" class="t">${esc(title)}</text>`,
    `<text x="${x0 + 4}" y="${py(vMax) + 4}" class="a">${fmt(vMax)}</text>`, `<text x="${x0 + 4}" y="${py(0)}" class="a">0</text>`,
    `<line x1="${x0 + 50}" x2="${x0 + W - 20}" y1="${py(0)}" y2="${py(0)}" stroke="#444"/>`];
  shown.forEach((l, i) => {
    const d = l.points.filter(([, v]) => Number.isFinite(v)).map(([t, v]) => `${px(t).toFixed(1)},${py(v).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${d}" fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="1.5"/>`);
    const last = l.points.at(-1)?.[1] ?? NaN;
    parts.push(`<text x="${x0 + 12 + (i % 2) * 275}" y="${y0 + H - 62 + Math.floor(i / 2) * 16}" class="l" fill="${COLORS[i % COLORS.length]}">■ <tspan fill="#ccc">${esc(l.label)} — ${fmt(last)}</tspan></text>`);
  });
  return parts.join('\n');
}

function render(board: string, panels: Map<string, Line[]>, out: string): void {
  const list = [...panels].filter(([, l]) => l.length > 0).slice(0, 6);
  const height = Math.ceil(list.length / 2) * (H + 10) + 70;
  const body = list.map(([title, l], i) => panelSvg(title, l, 10 + (i % 2) * (W + 10), 40 + Math.floor(i / 2) * (H + 10))).join('\n');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W + 30}" height="${height}">
<style>.t{font:bold 13px sans-serif;fill:#d8d9da}.a{font:10px sans-serif;fill:#8e8e8e}.l{font:11px sans-serif}.h{font:14px sans-serif;fill:#d8d9da}.f{font:11px sans-serif;fill:#8e8e8e}</style>
<rect width="100%" height="100%" fill="#111217"/>
<text x="10" y="25" class="h">${esc(board)} — the dashboard's queries, last 60 s</text>
${body}
<text x="10" y="${height - 24}" class="f">Not a Grafana screenshot: drawn by test/grafana/render-screenshots.ts from the real results of these panels' queries</text>
<text x="10" y="${height - 10}" class="f">(test/grafana/dashboard-queries.test.ts: Prometheus 2.42 / InfluxDB 1.6 fed by cgmeter serve; test cgroups under known loads on a shared, busy 2-core VM).</text>
</svg>`;
  const dir = mkdtempSync(join(tmpdir(), 'cgmeter-shot-'));
  try {
    writeFileSync(join(dir, 'board.svg'), svg);
    execFileSync('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--window-size=${2 * W + 30},${height}`,
      `--screenshot=${out}`, `file://${join(dir, 'board.svg')}`], { stdio: 'ignore', timeout: 120_000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const saved = JSON.parse(readFileSync(process.argv[2] ?? '/tmp/grafana-results.json', 'utf8')) as Saved[];
const boards = new Map<string, Map<string, Line[]>>();
for (const s of saved) {
  const panels = boards.get(s.q.board) ?? new Map<string, Line[]>();
  boards.set(s.q.board, panels);
  panels.set(s.q.panel, [...(panels.get(s.q.panel) ?? []), ...lines(s)]);
}
for (const [board, panels] of boards) {
  const out = join(IMG, `grafana-${board.replace('/', '-').replace('.json', '')}.png`);
  render(board, panels, out);
  console.log(`wrote ${out}`);
}
