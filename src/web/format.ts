import { kindLabel } from '../archive/kinds/registry.ts';

/** Small formatters the templates use (passed as `it.fmt`). */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

function dateTime(d: Date | string | null | undefined): string {
  if (!d) return '—';
  const date = typeof d === 'string' ? new Date(d) : d;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

export function relative(d: Date | null | undefined, now: number): string {
  if (!d) return '—';
  const diff = d.getTime() - now;
  const abs = Math.abs(diff);
  const text =
    abs < 60_000
      ? 'less than a minute'
      : abs < 3_600_000
        ? `${Math.round(abs / 60_000)} min`
        : `${Math.round(abs / 3_600_000)} h`;
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}

export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : n.toLocaleString('en-US');
}

/** What a run's trigger means to an admin. */
const TRIGGER_LABELS: Record<string, string> = {
  schedule: 'hourly',
  manual: 'Back up now',
  first: 'first run',
  reconnect: 'after reconnecting',
  notification: 'notification',
  verify: 'verification',
};

function trigger(value: string): string {
  return TRIGGER_LABELS[value] ?? value;
}

export const fmt = { bytes, dateTime, duration, relative, count, kind: kindLabel, trigger };
