/**
 * The simulator's sign-in and consent page: the users who can sign in (extension number, name,
 * admin or not), a login field, Allow and Deny. The authorize parameters ride along in hidden
 * fields so the POST can finish the flow. Every value is HTML-escaped.
 */
import type { SimState } from './state.ts';

const MAX_ACCOUNTS_LISTED = 20;
const MAX_USERS_LISTED = 50;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderConsentPage(
  state: SimState,
  opts: { clientId: string; params: Record<string, string>; error?: string; login?: string },
): string {
  const hidden = Object.entries(opts.params)
    .filter(([name]) => name !== 'login' && name !== 'decision')
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n      ');
  const accounts = state.accountList.slice(0, MAX_ACCOUNTS_LISTED).map((account) => {
    const users = account.extensions
      .filter((e) => (e.type === 'User' || e.type === 'DigitalUser') && e.status === 'Enabled')
      .slice(0, MAX_USERS_LISTED)
      .map(
        (e) =>
          `<tr><td><code>${escapeHtml(e.extensionNumber)}</code></td><td>${escapeHtml(e.name)}</td>` +
          `<td>${e.admin ? 'admin' : 'user'}</td></tr>`,
      )
      .join('');
    return (
      `<section><h2>${escapeHtml(account.companyName)} <small>(account ${escapeHtml(account.id)})</small></h2>` +
      `<table><thead><tr><th>Login</th><th>Name</th><th>Role</th></tr></thead><tbody>${users}</tbody></table></section>`
    );
  });
  const more =
    state.accountList.length > MAX_ACCOUNTS_LISTED
      ? `<p>${state.accountList.length - MAX_ACCOUNTS_LISTED} more accounts are not listed; sign in as <code>accountId:extension</code>.</p>`
      : '';
  const error = opts.error ? `<p class="error" role="alert">${escapeHtml(opts.error)}</p>` : '';
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Sign in - RingCentral simulator</title>
  <style>
    body { font-family: system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; }
    table { border-collapse: collapse; } td, th { padding: .2rem .8rem; text-align: left; }
    .error { color: #b00020; font-weight: bold; }
  </style>
</head>
<body>
  <h1>RingCentral simulator</h1>
  <p>The application <strong>${escapeHtml(opts.clientId)}</strong> asks to access your account.</p>
  ${error}
  <form method="post" action="/restapi/oauth/authorize">
      ${hidden}
      <label>Login (extension number, or accountId:extension)
        <input name="login" autocomplete="username" required value="${escapeHtml(opts.login ?? '')}">
      </label>
      <button type="submit" name="decision" value="allow">Allow</button>
      <button type="submit" name="decision" value="deny" formnovalidate>Deny</button>
  </form>
  ${accounts.join('\n')}
  ${more}
</body>
</html>`;
}

export function renderErrorPage(message: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Error - RingCentral simulator</title></head>
<body><h1>Authorization error</h1><p role="alert">${escapeHtml(message)}</p></body></html>`;
}
