/**
 * `/restapi/oauth/authorize` (Auth group). GET shows the consent page; POST (login + decision)
 * redirects to the registered redirect URI with `code`, `state` and `expires_in=60`, or with
 * `error=access_denied`. The redirect URI must match a registered one exactly (a 400 page
 * otherwise); PKCE `S256` and `plain` are accepted; empty parameters (the SDK sends `brand_id=`
 * and friends) are ignored.
 */
import type { Request, Response, Router } from 'express';
import { setRateHeaders } from '../api-route.ts';
import { rcErrors, sendRcError } from '../errors.ts';
import { renderConsentPage, renderErrorPage } from '../consent-page.ts';
import type { Account } from '../account.ts';
import type { Extension } from '../model.ts';
import type { ClientApp, SimState } from '../state.ts';
import { UNATTRIBUTED } from '../stats.ts';

/** Non-empty string parameters from the query and (for POST) the form; the form wins. */
function authorizeParams(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  const take = (source: unknown): void => {
    if (typeof source !== 'object' || source === null) return;
    for (const [k, v] of Object.entries(source as Record<string, unknown>)) {
      const value: unknown = Array.isArray(v) ? (v as unknown[])[v.length - 1] : v;
      if (typeof value === 'string' && value !== '') out[k] = value;
    }
  };
  take(req.query);
  if (req.method === 'POST') take(req.body);
  return out;
}

type Checked =
  | { ok: true; client: ClientApp; redirectUri: string; method?: 'S256' | 'plain' }
  | { ok: false; status: number; message: string };

function checkRequest(state: SimState, p: Record<string, string>): Checked {
  const client = p.client_id ? state.clients.get(p.client_id) : undefined;
  if (!client) return { ok: false, status: 400, message: 'Unknown or missing client_id.' };
  let redirectUri = p.redirect_uri;
  if (redirectUri === undefined) {
    if (client.redirectUris.length !== 1) {
      return { ok: false, status: 400, message: 'redirect_uri is required: the application has several.' };
    }
    redirectUri = client.redirectUris[0]!;
  } else if (
    !client.redirectUris.includes(redirectUri) &&
    !(client.redirectUriPrefixes ?? []).some((prefix) => redirectUri!.startsWith(prefix))
  ) {
    return {
      ok: false,
      status: 400,
      message: 'Redirect URI does not match any URI registered for this application.',
    };
  }
  const method = p.code_challenge_method;
  if (method !== undefined && method !== 'S256' && method !== 'plain') {
    return { ok: false, status: 400, message: 'code_challenge_method must be S256 or plain.' };
  }
  if (p.code_challenge === undefined) return { ok: true, client, redirectUri };
  // RingCentral's default method is plain.
  return { ok: true, client, redirectUri, method: method === 'S256' ? 'S256' : 'plain' };
}

function redirect(res: Response, base: string, params: Record<string, string | undefined>): void {
  const url = new URL(base);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  res.redirect(302, url.toString());
}

/**
 * `accountId:extensionNumber` names one account. A plain extension number (or an email) picks the
 * oldest account that has it, so with the default single account `101` just works.
 */
function resolveLogin(state: SimState, login: string): { account: Account; ext: Extension } | undefined {
  const trimmed = login.trim();
  const qualified = /^(\d+):(\d+)$/.exec(trimmed);
  if (qualified) {
    const account = state.accounts.get(qualified[1]!);
    const ext = account?.extByNumber.get(qualified[2]!);
    return account && ext ? { account, ext } : undefined;
  }
  for (const account of state.accountList) {
    const ext =
      account.extByNumber.get(trimmed) ??
      account.extensions.find((e) => e.email.toLowerCase() === trimmed.toLowerCase());
    if (ext) return { account, ext };
  }
  return undefined;
}

/** Counts an Auth request; answers 429 itself and returns false when over the limit. */
function authLimit(state: SimState, res: Response, key: string, accountId: string): boolean {
  const decision = state.limiter.hit(key, 'Auth', state.now());
  setRateHeaders(res, decision);
  state.stats.request(accountId, 'Auth', !decision.allowed);
  if (decision.allowed) return true;
  sendRcError(res, rcErrors.rateExceeded(decision.retryAfter ?? decision.windowSeconds));
  return false;
}

export function authorizeRoutes(router: Router, state: SimState): void {
  router.get('/restapi/oauth/authorize', (req, res) => {
    const p = authorizeParams(req);
    const key = `authorize:${p.client_id ?? ''}:${p.state ?? req.ip ?? ''}`;
    if (!authLimit(state, res, key, UNATTRIBUTED)) return;
    const checked = checkRequest(state, p);
    if (!checked.ok) {
      res.status(checked.status).type('html').send(renderErrorPage(checked.message));
      return;
    }
    if (p.response_type !== 'code') {
      redirect(res, checked.redirectUri, { error: 'unsupported_response_type', state: p.state });
      return;
    }
    res
      .type('html')
      .send(renderConsentPage(state, { clientId: checked.client.clientId, params: p, login: p.login_hint }));
  });

  router.post('/restapi/oauth/authorize', (req, res) => {
    const p = authorizeParams(req);
    const found = p.login ? resolveLogin(state, p.login) : undefined;
    const key = found
      ? `${found.account.id}:${found.ext.id}:${p.client_id ?? ''}`
      : `authorize:${p.client_id ?? ''}:${req.ip ?? ''}`;
    if (!authLimit(state, res, key, found?.account.id ?? UNATTRIBUTED)) return;
    const checked = checkRequest(state, p);
    if (!checked.ok) {
      res.status(checked.status).type('html').send(renderErrorPage(checked.message));
      return;
    }
    if (p.response_type !== 'code') {
      redirect(res, checked.redirectUri, { error: 'unsupported_response_type', state: p.state });
      return;
    }
    if (p.decision === 'deny') {
      redirect(res, checked.redirectUri, {
        error: 'access_denied',
        error_description: 'The user denied the authorization request',
        state: p.state ?? '',
      });
      return;
    }
    let problem: string | undefined;
    if (p.decision !== 'allow') problem = 'Choose Allow or Deny.';
    else if (!found) problem = `No user with login "${p.login ?? ''}".`;
    else if (!(found.ext.type === 'User' || found.ext.type === 'DigitalUser')) {
      problem = `Extension ${found.ext.extensionNumber} is a ${found.ext.type} and cannot sign in.`;
    } else if (found.ext.status !== 'Enabled')
      problem = `Extension ${found.ext.extensionNumber} is not enabled.`;
    if (problem || !found) {
      res
        .status(400)
        .type('html')
        .send(
          renderConsentPage(state, {
            clientId: checked.client.clientId,
            params: p,
            error: problem,
            login: p.login,
          }),
        );
      return;
    }
    const code = state.tokens.issueCode(
      {
        clientId: checked.client.clientId,
        redirectUri: checked.redirectUri,
        accountId: found.account.id,
        extensionId: found.ext.id,
        challenge: p.code_challenge,
        challengeMethod: checked.method,
      },
      state.now(),
    );
    redirect(res, checked.redirectUri, { code: code.code, state: p.state, expires_in: '60' });
  });
}
