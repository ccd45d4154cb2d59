/**
 * Query-parameter parsing with RingCentral's conventions: array parameters arrive as repeated keys
 * (`messageType=SMS&messageType=Fax`), `perPage` accepts "max" and is clamped to 1000, and a bad
 * value is a 400 CMN-101 naming the parameter.
 */
import type { Request } from 'express';
import { rcErrors } from './errors.ts';

export type Query = Record<string, unknown>;

export function query(req: Request): Query {
  return req.query;
}

function strings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (typeof value === 'string') return value === '' ? [] : [value];
  return [];
}

/** The last value of a single-valued parameter. */
export function single(q: Query, name: string): string | undefined {
  const all = strings(q[name]);
  return all[all.length - 1];
}

/** Every value of a repeatable free-text parameter. */
export function values(q: Query, name: string): string[] {
  return strings(q[name]);
}

export function list<T extends string>(q: Query, name: string, allowed: readonly T[]): T[] {
  const values = strings(q[name]);
  for (const v of values) {
    if (!allowed.includes(v as T)) throw rcErrors.invalidParameter(name, v);
  }
  return values as T[];
}

export function oneOf<T extends string>(q: Query, name: string, allowed: readonly T[], fallback: T): T {
  const v = single(q, name);
  if (v === undefined) return fallback;
  if (!allowed.includes(v as T)) throw rcErrors.invalidParameter(name, v);
  return v as T;
}

export function int(q: Query, name: string, fallback: number, min: number, max: number): number {
  const v = single(q, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!/^-?\d+$/.test(v) || n < min || n > max) throw rcErrors.invalidParameter(name, v);
  return n;
}

export function bool(q: Query, name: string, fallback: boolean): boolean {
  const v = single(q, name);
  if (v === undefined) return fallback;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw rcErrors.invalidParameter(name, v);
}

export function date(q: Query, name: string): number | undefined {
  const v = single(q, name);
  if (v === undefined) return undefined;
  const ms = Date.parse(v);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}/.test(v)) throw rcErrors.invalidParameter(name, v);
  return ms;
}

/** `perPage`: a positive integer (values over the maximum are clamped) or "max". */
export function perPage(q: Query, fallback: number, max = 1000): number {
  const v = single(q, 'perPage');
  if (v === undefined) return fallback;
  if (v === 'max') return max;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw rcErrors.invalidParameter('perPage', v);
  return Math.min(Number(v), max);
}

export function page(q: Query): number {
  // EnumeratedPagingModel bounds page to 1..1000.
  return int(q, 'page', 1, 1, 1000);
}
