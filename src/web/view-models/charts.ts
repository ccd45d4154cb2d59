import { DATA_KINDS, kindLabel } from '../../archive/kinds/registry.ts';
import type { JsonObject, Run, Store } from '../../store/types.ts';

/**
 * The dashboard's pictures, drawn by the server as SVG (no script, nothing but our own markup under
 * the CSP): files archived per day for the last 30 days by kind (from each run's figures), and the
 * backlog against the capacity to work it off over time (each run's capacity figures). This module
 * computes the shapes; views/partials/charts.eta only writes them out.
 */

const DAY_MS = 86_400_000;
export const CHART_DAYS = 30;
/** Runs read for the pictures at most (hourly runs and early runs over 30 days fit well within). */
const MAX_RUNS = 5_000;

const WIDTH = 720;
const HEIGHT = 220;
const PAD = { left: 56, right: 16, top: 12, bottom: 28 };
const PLOT_W = WIDTH - PAD.left - PAD.right;
const PLOT_H = HEIGHT - PAD.top - PAD.bottom;

/** Colours follow the kinds registry's order; the list of kinds itself is the registry's. */
const PALETTE = ['#0b5cad', '#5aa0e6', '#1a7f37', '#9a6700', '#b42318', '#8250df', '#bf3989', '#57606a'];
const colourOf = (kind: string) =>
  PALETTE[
    Math.max(
      0,
      DATA_KINDS.findIndex((k) => k.id === kind),
    ) % PALETTE.length
  ]!;

export interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
  colour: string;
  title: string;
}

export interface Tick {
  at: number;
  label: string;
}

export interface ChartsView {
  width: number;
  height: number;
  plot: { left: number; top: number; width: number; height: number };
  perDay: {
    bars: Bar[];
    yTicks: Tick[];
    xTicks: Tick[];
    legend: Array<{ label: string; colour: string }>;
    total: number;
  };
  backlog: {
    backlog: string;
    capacity: string;
    points: number;
    /** Each run's two values as dots, so a single run shows too. */
    dots: Array<{ x: number; backlog: number; capacity: number; title: string }>;
    yTicks: Tick[];
    xTicks: Tick[];
    last: { backlog: number; capacityPerDay: number } | null;
  };
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const obj = (v: unknown): JsonObject | null =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : null;

/** A round top for an axis that holds `max`: 1, 2 or 5 times a power of ten. */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((m) => m * power).find((m) => m >= max)!;
}

/** Axis labels stay short: 2,500 → "2.5k", 2,000,000 → "2M". */
export function compact(n: number): string {
  const [value, unit] = n >= 1e6 ? [n / 1e6, 'M'] : n >= 1e4 ? [n / 1e3, 'k'] : [n, ''];
  return `${Number(value.toFixed(1)).toLocaleString('en-US')}${unit}`;
}

const yTicks = (top: number): Tick[] =>
  [0, 0.5, 1].map((f) => ({ at: PAD.top + PLOT_H * (1 - f), label: compact(top * f) }));

/** Items archived per UTC day and kind, from the runs' figures (stats.kinds). */
export function archivedPerDay(runs: readonly Run[], now: number): Map<string, Record<string, number>> {
  const first = Math.floor(now / DAY_MS) - (CHART_DAYS - 1);
  const days = new Map<string, Record<string, number>>();
  for (let d = 0; d < CHART_DAYS; d += 1)
    days.set(new Date((first + d) * DAY_MS).toISOString().slice(0, 10), {});
  for (const run of runs) {
    const day = days.get(run.startedAt.toISOString().slice(0, 10));
    const kinds = obj(run.stats.kinds);
    if (!day || !kinds) continue;
    for (const [kind, tally] of Object.entries(kinds)) {
      const items = num(obj(tally)?.items);
      if (items) day[kind] = (day[kind] ?? 0) + items;
    }
  }
  return days;
}

function perDayChart(runs: readonly Run[], now: number): ChartsView['perDay'] {
  const days = [...archivedPerDay(runs, now)];
  const totals = days.map(([, kinds]) => Object.values(kinds).reduce((a, b) => a + b, 0));
  const top = niceMax(Math.max(0, ...totals));
  const slot = PLOT_W / days.length;
  const bars: Bar[] = [];
  const seen = new Set<string>();
  days.forEach(([day, kinds], i) => {
    let stacked = 0;
    for (const kind of DATA_KINDS.map((k) => k.id as string).concat(Object.keys(kinds))) {
      const n = kinds[kind];
      if (!n || seen.has(`${day}\u0000${kind}`)) continue;
      seen.add(`${day}\u0000${kind}`);
      const height = (n / top) * PLOT_H;
      stacked += height;
      bars.push({
        x: PAD.left + i * slot + 1,
        y: PAD.top + PLOT_H - stacked,
        width: Math.max(1, slot - 2),
        height,
        colour: colourOf(kind),
        title: `${day}: ${n.toLocaleString('en-US')} ${kindLabel(kind)}`,
      });
    }
  });
  const kindsShown = new Set(days.flatMap(([, kinds]) => Object.keys(kinds)));
  return {
    bars,
    yTicks: yTicks(top),
    xTicks: [0, Math.floor(days.length / 2), days.length - 1].map((i) => ({
      at: PAD.left + i * slot + slot / 2,
      label: days[i]![0].slice(5),
    })),
    legend: [...kindsShown].map((kind) => ({ label: kindLabel(kind), colour: colourOf(kind) })),
    total: totals.reduce((a, b) => a + b, 0),
  };
}

function backlogChart(runs: readonly Run[], now: number): ChartsView['backlog'] {
  const since = now - CHART_DAYS * DAY_MS;
  const points = runs
    .map((run) => {
      const capacity = obj(run.stats.capacity);
      const backlog = num(capacity?.atRisk);
      const perDay = num(capacity?.capacityPerDay);
      const at = (run.finishedAt ?? run.startedAt).getTime();
      return backlog === null || perDay === null || at < since ? null : { at, backlog, perDay };
    })
    .filter((p): p is { at: number; backlog: number; perDay: number } => p !== null)
    .sort((a, b) => a.at - b.at);
  const top = niceMax(Math.max(0, ...points.flatMap((p) => [p.backlog, p.perDay])));
  const x = (at: number) => PAD.left + ((at - since) / (now - since)) * PLOT_W;
  const y = (v: number) => PAD.top + PLOT_H * (1 - v / top);
  const line = (pick: (p: (typeof points)[number]) => number) =>
    points.map((p) => `${x(p.at).toFixed(1)},${y(pick(p)).toFixed(1)}`).join(' ');
  const last = points[points.length - 1];
  return {
    backlog: line((p) => p.backlog),
    capacity: line((p) => p.perDay),
    points: points.length,
    dots: points.map((p) => ({
      x: x(p.at),
      backlog: y(p.backlog),
      capacity: y(p.perDay),
      title: `${new Date(p.at).toISOString().slice(0, 16).replace('T', ' ')} UTC: backlog ${p.backlog.toLocaleString('en-US')}, capacity ${Math.round(p.perDay).toLocaleString('en-US')} a day`,
    })),
    yTicks: yTicks(top),
    xTicks: [since, since + (now - since) / 2, now].map((at) => ({
      at: x(at),
      label: new Date(at).toISOString().slice(5, 10),
    })),
    last: last ? { backlog: last.backlog, capacityPerDay: last.perDay } : null,
  };
}

/** The runs of the last 30 days, newest first, a page at a time. */
async function recentRuns(store: Store, tenantId: string, now: number): Promise<Run[]> {
  const since = now - CHART_DAYS * DAY_MS;
  const runs: Run[] = [];
  let before: string | null = null;
  do {
    const page = await store.listRuns(tenantId, { limit: 500, before });
    runs.push(...page.items.filter((r) => r.trigger !== 'verify'));
    const oldest = page.items[page.items.length - 1];
    before = oldest && oldest.startedAt.getTime() >= since ? page.next : null;
  } while (before && runs.length < MAX_RUNS);
  return runs;
}

export function chartsView(runs: readonly Run[], now: number): ChartsView {
  return {
    width: WIDTH,
    height: HEIGHT,
    plot: { left: PAD.left, top: PAD.top, width: PLOT_W, height: PLOT_H },
    perDay: perDayChart(runs, now),
    backlog: backlogChart(runs, now),
  };
}

export async function buildCharts(store: Store, tenantId: string, now: number): Promise<ChartsView> {
  return chartsView(await recentRuns(store, tenantId, now), now);
}
