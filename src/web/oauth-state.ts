import type { Request } from 'express';

/**
 * OAuth `state` values live in the user's session, bound to the provider they were issued for,
 * and are usable once: taking one removes it whatever the outcome.
 */

const MAX_AGE_MS = 10 * 60_000;
const MAX_PENDING = 5;

interface PendingAuthorization {
  provider: string;
  /** What the finished authorization is for ('' is the provider's usual purpose). */
  purpose: string;
  state: string;
  verifier: string;
}

export function rememberState(req: Request, attempt: PendingAuthorization, now: number): void {
  const { provider, purpose, state, verifier } = attempt;
  // Keep only the newest few: abandoned attempts must not grow the session forever.
  const recent = Object.entries(req.session.oauth ?? {})
    .filter(([, v]) => now - v.createdAt < MAX_AGE_MS)
    .sort(([, a], [, b]) => b.createdAt - a.createdAt)
    .slice(0, MAX_PENDING - 1);
  req.session.oauth = Object.fromEntries([
    ...recent,
    [state, { provider, purpose, verifier, createdAt: now }],
  ]);
}

type StateCheck = { ok: true; verifier: string; purpose: string } | { ok: false; reason: string };

export function takeState(req: Request, provider: string, state: unknown, now: number): StateCheck {
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
  return { ok: true, verifier: entry.verifier, purpose: entry.purpose ?? '' };
}
