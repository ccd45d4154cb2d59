/**
 * One measured figure of a scenario, as `bench/results.json` and the table show it. Besides the
 * value, each figure carries the ceiling it is measured against (the rate limit's budget, the hour,
 * the memory limit) and the ratio to it, so a slower or busier machine changes the raw numbers but
 * not the verdict.
 */
export const SCENARIO_NAMES = [
  'ceiling',
  'memory',
  'many-extensions',
  'many-tenants',
  'big-fleet',
  'idle-run',
  'time-to-archive',
  'scale-out',
  'search',
  'seed-example',
] as const;

export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export interface Figure {
  name: ScenarioName;
  metric: string;
  value: number;
  unit: string;
  /** As the issue states it, e.g. ">= 0.95"; "reported" for figures that have no target. */
  target: string;
  /** What the value is compared with (budget, limit, hour), and the ratio value ÷ ceiling. */
  ceiling: { value: number; what: string } | null;
  ratio: number | null;
  /** null: reported only, no target to pass. */
  pass: boolean | null;
  /** How it was measured: scaling, sizes, latency. */
  note: string;
}

export interface FigureInput {
  metric: string;
  value: number;
  unit?: string;
  target?: string;
  ceiling?: { value: number; what: string } | null;
  pass?: boolean | null;
  note?: string;
}

export function figure(name: ScenarioName, input: FigureInput): Figure {
  const ceiling = input.ceiling ?? null;
  return {
    name,
    metric: input.metric,
    value: round(input.value),
    unit: input.unit ?? '',
    target: input.target ?? 'reported',
    ceiling,
    ratio: ceiling && ceiling.value !== 0 ? round(input.value / ceiling.value) : null,
    pass: input.pass ?? null,
    note: input.note ?? '',
  };
}

/** Four significant digits: enough to compare runs, short enough to read. */
export function round(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const digits = Math.max(0, 3 - Math.floor(Math.log10(Math.abs(value))));
  return Number(value.toFixed(Math.min(digits, 6)));
}
