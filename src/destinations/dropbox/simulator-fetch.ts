/**
 * A `fetch` for the `dropbox` SDK's `fetch` option that sends every Dropbox request to the
 * simulator. The SDK always builds `https://api.dropboxapi.com/...`, `https://content.dropboxapi.com/...`
 * and `https://dropbox.com/...` URLs, whatever its `domain` option says, so rewriting here is the
 * only way in. The original host travels in `x-sim-host` so the simulator can check that each route
 * went to the host it belongs to. Requests to any other host pass through untouched.
 *
 * `base` is the fetch that actually sends (default: Node's global fetch), e.g. `nodeHttpFetch`.
 */
const DROPBOX_HOST = /(^|\.)dropbox(api)?\.com$/i;

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
