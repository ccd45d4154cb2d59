/**
 * A `fetch` for the `dropbox` SDK's `fetch` option that sends every Dropbox request to the
 * simulator. The SDK always builds `https://api.dropboxapi.com/...`, `https://content.dropboxapi.com/...`
 * and `https://dropbox.com/...` URLs, whatever its `domain` option says, so rewriting here is the
 * only way in. Temporary links (`https://uc….dl.dropboxusercontent.com/...`) are Dropbox's too. The original host travels in `x-sim-host` so the simulator can check that each route
 * went to the host it belongs to. Requests to any other host pass through untouched.
 *
 * `base` is the fetch that actually sends (default: Node's global fetch), e.g. `nodeHttpFetch`.
 */
const DROPBOX_HOST = /(^|\.)dropbox(api|usercontent)?\.com$/i;

/**
 * Where a Dropbox URL is found when every Dropbox host is the simulator: the same path and query on
 * the simulator's address. For URLs a browser follows (temporary links), which no fetch of ours
 * rewrites. Any other URL is returned as it is.
 */
export function simulatorAddress(simulatorUrl: string, url: string): string {
  const original = new URL(url);
  if (!DROPBOX_HOST.test(original.hostname)) return url;
  const sim = new URL(simulatorUrl);
  const prefix = sim.pathname.replace(/\/+$/, '');
  return new URL(`${prefix}${original.pathname}${original.search}`, sim.origin).href;
}

export function simulatorFetch(simulatorUrl: string, base: typeof fetch = fetch): typeof fetch {
  const sim = new URL(simulatorUrl);
  const prefix = sim.pathname.replace(/\/+$/, '');
  return (input, init) => {
    const original = new URL(input instanceof Request ? input.url : String(input));
    if (!DROPBOX_HOST.test(original.hostname)) return base(input, init);
    const target = new URL(`${prefix}${original.pathname}${original.search}`, sim.origin);
    const headers = new Headers(input instanceof Request ? input.headers : undefined);
    new Headers(init?.headers).forEach((value, name) => headers.set(name, value));
    headers.set('x-sim-host', original.host);
    // `init` keeps `duplex: 'half'`, which Node's fetch needs to send a stream body.
    if (input instanceof Request) return base(new Request(target, input), { ...init, headers });
    return base(target, { ...init, headers });
  };
}
