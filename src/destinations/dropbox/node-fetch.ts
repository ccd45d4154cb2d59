import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { abortReason } from './errors.ts';

/**
 * A `fetch` for the `dropbox` SDK's `fetch` option, on `node:http(s)`, for upload-heavy work.
 *
 * Why: Node's built-in fetch copies every request body before sending it (the spec's "copy of the
 * bytes", then a tee for redirect handling), and V8 frees those large copies late. Measured on a
 * 300 MB upload in 8 MiB chunks, the built-in fetch grew the process by 100-150 MiB; this transport
 * writes the caller's Buffer straight to the socket and stays near the adapter's own two chunks
 * (see test/integration/destination-dropbox/streaming.test.ts).
 *
 * It covers what the SDK uses: a string URL (or a Request without a body), a method, headers, a
 * string, Buffer, Uint8Array or Readable body, and an AbortSignal (the SDK's per-call `signal` and
 * `timeout`). It answers with a standard `Response`. Redirects are not followed (Dropbox's API never
 * redirects), responses are not decompressed (none is asked for), and failures reject like fetch:
 * with the signal's reason on abort, else `TypeError('fetch failed')` with the socket error as cause.
 */

const agents = {
  'http:': new HttpAgent({ keepAlive: true }),
  'https:': new HttpsAgent({ keepAlive: true }),
};

/** Statuses whose Response must have a null body. */
const NULL_BODY = new Set([101, 204, 205, 304]);

/** HTTP reason phrases as the Response constructor accepts them (else it throws). */
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;

function responseOf(res: IncomingMessage, method: string): Response {
  const status = res.statusCode ?? 502;
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  const empty = NULL_BODY.has(status) || method === 'HEAD';
  if (empty) res.resume();
  const statusText = REASON_PHRASE.test(res.statusMessage ?? '') ? (res.statusMessage ?? '') : '';
  return new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), {
    status,
    statusText,
    headers,
  });
}

export const nodeHttpFetch: typeof fetch = (input, init = {}) =>
  new Promise<Response>((resolve, reject) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const agent = agents[url.protocol as keyof typeof agents];
    if (!agent) return reject(new TypeError(`fetch failed: unsupported protocol ${url.protocol}`));
    const method = (init.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const headers: Record<string, string> = {};
    const collect = (value: string, name: string): void => {
      headers[name] = value;
    };
    if (input instanceof Request) input.headers.forEach(collect);
    new Headers(init.headers).forEach(collect);
    const { signal } = init;
    if (signal?.aborted) return reject(abortReason(signal));

    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method, headers, agent, ...(signal ? { signal } : {}) });
    req.once('response', (res) => resolve(responseOf(res, method)));
    req.once('error', (error) =>
      reject(signal?.aborted ? abortReason(signal) : new TypeError('fetch failed', { cause: error })),
    );

    const body: unknown = init.body;
    if (body === undefined || body === null) req.end();
    else if (typeof body === 'string' || body instanceof Uint8Array) {
      req.setHeader('content-length', Buffer.byteLength(body));
      req.end(body);
    } else if (body instanceof Readable) {
      body.once('error', (error) => req.destroy(error));
      body.pipe(req);
    } else {
      req.destroy();
      reject(new TypeError('nodeHttpFetch sends string, Buffer, Uint8Array or Readable bodies only'));
    }
  });
