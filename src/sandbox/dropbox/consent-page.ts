/**
 * The HTML of the simulator's Dropbox consent page (and its error pages). Every value is escaped:
 * the page echoes query parameters chosen by whoever built the authorize URL.
 */

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const layout = (title: string, body: string): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} - Dropbox (simulator)</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; color: #1e1919; }
h1 { font-size: 1.4rem; }
.note { color: #637282; font-size: 0.9rem; }
.error { color: #b00020; }
label, input, button { display: block; font-size: 1rem; }
input[type=email] { width: 100%; padding: 0.5rem; margin: 0.3rem 0 1rem; box-sizing: border-box; }
.actions { display: flex; gap: 0.75rem; }
button { padding: 0.5rem 1.25rem; }
code { word-break: break-all; }
</style>
</head>
<body>
${body}
<p class="note">This page is served by the Dropbox simulator bundled with the archiver; no real Dropbox account is involved.</p>
</body>
</html>
`;

interface ConsentView {
  appKey: string;
  scopes: string[];
  /** The original authorize parameters, carried through the form as hidden fields. */
  params: Array<[string, string]>;
  knownEmails: string[];
  account?: string;
  error?: string;
}

export function consentPage(view: ConsentView): string {
  const hidden = view.params
    .filter(([name]) => name !== 'account' && name !== 'decision')
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  const options = view.knownEmails.map((email) => `<option value="${escapeHtml(email)}">`).join('');
  const scopes = view.scopes.map((scope) => `<li><code>${escapeHtml(scope)}</code></li>`).join('');
  return layout(
    'API Request Authorization',
    `<h1>App <code>${escapeHtml(view.appKey)}</code> wants to access your Dropbox</h1>
<p>It asks for:</p>
<ul>${scopes}</ul>
${view.error ? `<p class="error" role="alert">${escapeHtml(view.error)}</p>` : ''}
<form method="post" action="/oauth2/authorize">
${hidden}
<label for="account">Dropbox account (email; a new one is created on first use)</label>
<input type="email" id="account" name="account" list="known-accounts" autocomplete="email" value="${escapeHtml(view.account ?? '')}">
<datalist id="known-accounts">${options}</datalist>
<div class="actions">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</div>
</form>`,
  );
}

export function errorPage(message: string): string {
  return layout('Error', `<h1>Something went wrong</h1>\n<p class="error">${escapeHtml(message)}</p>`);
}

/** Shown when the app gave no redirect_uri: Dropbox then displays the code for the user to copy. */
export function codePage(code: string): string {
  return layout(
    'Authorization code',
    `<h1>Enter this code into the app</h1>\n<p><code id="code">${escapeHtml(code)}</code></p>`,
  );
}
