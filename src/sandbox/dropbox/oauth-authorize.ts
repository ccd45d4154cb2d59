import type { Request, Response } from 'express';
import { isEmail } from './accounts.ts';
import { codePage, consentPage, errorPage } from './consent-page.ts';
import type { SimApp, SimState } from './state.ts';

/**
 * `/oauth2/authorize`: GET shows the consent page, POST (form fields `account` and `decision`)
 * answers it with a 302 to the redirect URI carrying `code` and `state`, or `error=access_denied`.
 * The authorize parameters ride along in hidden fields and are checked again on POST.
 */

interface AuthorizeRequest {
  app: SimApp;
  redirectUri: string | null;
  state: string | null;
  scopes: string[];
  offline: boolean;
  challenge: string | null;
  challengeMethod: 'S256' | 'plain';
}

type Checked = { request: AuthorizeRequest } | { page: string } | { redirect: string };

/** RFC 7636: 43 to 128 characters of the unreserved set. */
const CODE_CHALLENGE = /^[A-Za-z0-9._~-]{43,128}$/;

function errorRedirect(
  redirectUri: string,
  error: string,
  description: string,
  state: string | null,
): string {
  const url = new URL(redirectUri);
  url.searchParams.set('error', error);
  url.searchParams.set('error_description', description);
  if (state !== null) url.searchParams.set('state', state);
  return url.toString();
}

function check(sim: SimState, params: URLSearchParams): Checked {
  const app = sim.apps.get(params.get('client_id') ?? '');
  if (!app) return { page: 'Invalid client_id: no app is registered with this app key.' };
  const redirectUri = params.get('redirect_uri');
  if (redirectUri !== null && !app.redirectUris.includes(redirectUri)) {
    return {
      page: "Invalid redirect_uri. It must exactly match one of the redirect URIs you've pre-configured for your app (including the path).",
    };
  }
  const state = params.get('state');
  const refuse = (error: string, description: string): Checked =>
    redirectUri === null
      ? { page: description }
      : { redirect: errorRedirect(redirectUri, error, description, state) };

  if (params.get('response_type') !== 'code') {
    return refuse('unsupported_response_type', 'The simulator supports only response_type=code.');
  }
  const requested = (params.get('scope') ?? '').split(/\s+/).filter(Boolean);
  const unknown = requested.filter((scope) => !app.scopes.includes(scope));
  if (unknown.length > 0)
    return refuse('invalid_scope', `Unknown or unavailable scope: ${unknown.join(' ')}`);
  const accessType = params.get('token_access_type') ?? 'online';
  if (!['offline', 'online', 'legacy'].includes(accessType)) {
    return refuse('invalid_request', `Invalid token_access_type: ${accessType}`);
  }
  const challenge = params.get('code_challenge');
  const method = params.get('code_challenge_method') ?? (challenge ? 'plain' : 'S256');
  if (method !== 'S256' && method !== 'plain') {
    return refuse('invalid_request', `Invalid code_challenge_method: ${method}`);
  }
  if (challenge !== null && !CODE_CHALLENGE.test(challenge)) {
    return refuse('invalid_request', 'code_challenge must be 43 to 128 characters of [A-Za-z0-9-._~]');
  }
  if (challenge === null && params.has('code_challenge_method')) {
    return refuse('invalid_request', 'code_challenge_method given without code_challenge');
  }
  return {
    request: {
      app,
      redirectUri,
      state,
      scopes: requested.length > 0 ? requested : app.scopes,
      // Only `offline` yields a refresh token; `legacy` long-lived tokens are no longer issued.
      offline: accessType === 'offline',
      challenge,
      challengeMethod: method,
    },
  };
}

function html(res: Response, status: number, body: string): void {
  res.status(status).type('text/html; charset=utf-8').send(body);
}

function renderConsent(
  sim: SimState,
  res: Response,
  request: AuthorizeRequest,
  params: URLSearchParams,
  error?: string,
) {
  html(
    res,
    error ? 400 : 200,
    consentPage({
      appKey: request.app.appKey,
      scopes: request.scopes,
      params: [...params],
      knownEmails: sim.accounts.all().map((a) => a.email),
      account: params.get('account') ?? '',
      ...(error ? { error } : {}),
    }),
  );
}

function respondChecked(res: Response, checked: Checked): checked is { request: AuthorizeRequest } {
  if ('page' in checked) html(res, 400, errorPage(checked.page));
  else if ('redirect' in checked) res.redirect(302, checked.redirect);
  return 'request' in checked;
}

/** The query string as given: the SDK does not encode values, and `+` or `%20` both mean a space. */
const queryOf = (req: Request): URLSearchParams =>
  new URLSearchParams((req.originalUrl.split('?')[1] ?? '').replace(/#.*$/, ''));

export function authorizeGet(sim: SimState, req: Request, res: Response): void {
  const params = queryOf(req);
  const checked = check(sim, params);
  if (respondChecked(res, checked)) renderConsent(sim, res, checked.request, params);
}

export function authorizePost(sim: SimState, req: Request, res: Response): void {
  // The consent form carries the authorize parameters as hidden fields; a client that posts to the
  // authorize URL itself (query string kept) works too. Form fields win.
  const params = queryOf(req);
  const body = (req.body ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(body)) if (typeof value === 'string') params.set(name, value);
  const checked = check(sim, params);
  if (!respondChecked(res, checked)) return;
  const { request } = checked;
  const decision = params.get('decision');
  if (decision === 'deny') {
    const description = 'The user chose not to give your app access to their Dropbox account.';
    if (request.redirectUri === null) return html(res, 200, errorPage(description));
    return res.redirect(302, errorRedirect(request.redirectUri, 'access_denied', description, request.state));
  }
  if (decision !== 'allow') return renderConsent(sim, res, request, params, 'Choose Allow or Deny.');
  const email = (params.get('account') ?? '').trim();
  if (!isEmail(email))
    return renderConsent(sim, res, request, params, 'Enter the email address of a Dropbox account.');

  const account = sim.accounts.ensure(email);
  const code = sim.tokens.issueCode({
    appKey: request.app.appKey,
    accountId: account.accountId,
    redirectUri: request.redirectUri,
    scopes: request.scopes,
    offline: request.offline,
    challenge: request.challenge,
    challengeMethod: request.challengeMethod,
  });
  if (request.redirectUri === null) return html(res, 200, codePage(code));
  const url = new URL(request.redirectUri);
  url.searchParams.set('code', code);
  if (request.state !== null) url.searchParams.set('state', request.state);
  res.redirect(302, url.toString());
}
