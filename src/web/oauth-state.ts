import type { Request } from 'express';
import type { Provider } from '../store/types.ts';

/**
 * OAuth `state` values live in the user's session, bound to the provider they were issued for,
 * and are usable once: taking one removes it whatever the outcome.
 */

const MAX_AGE_MS = 10 * 60_000;
const MAX_PENDING = 5;

export function rememberState(
  req: Request,
  provider: Provider,
  state: string,
  verifier: string,
  now: number,
): void {
  const pending = { ...(req.session.oauth ?? {}) };
  // Keep only the newest few: abandoned attempts must not grow the session forever.
  const recent = Object.entries(pending)
    .filter(([, v]) => now - v.createdAt < MAX_AGE_MS)
    .sort(([, a], [, b]) => b.createdAt - a.createdAt)
    .slice(0, MAX_PENDING - 1);
  req.session.oauth = Object.fromEntries([...recent, [state, { provider, verifier, createdAt: now }]]);
}

export type StateCheck = { ok: true; verifier: string } | { ok: false; reason: string };

export function takeState(req: Request, provider: Provider, state: unknown, now: number): StateCheck {
  if (typeof state !== 'string' || !state) return { ok: false, reason: 'The sign-in response had no state.' };
  const pending = req.session.oauth ?? {};
  const entry = pending[state];
  if (entry) {
    const rest = { ...pending };
    delete rest[state];
    req.session.oauth = rest;
  }
  if (!entry)
    return { ok: false, reason: 'This sign-in link is unknown, already used, or from another browser.' };
  if (entry.provider !== provider)
    return { ok: false, reason: 'This sign-in response belongs to a different service.' };
  if (now - entry.createdAt > MAX_AGE_MS)
    return { ok: false, reason: 'This sign-in took too long and expired.' };
  return { ok: true, verifier: entry.verifier };
}
