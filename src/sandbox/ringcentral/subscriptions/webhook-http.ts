/**
 * What RingCentral sends to a WebHook address. At creation a POST carrying a `Validation-Token`
 * header, which the endpoint must answer within 3,000 ms with 200 OK, the same header, and at most
 * 1,024 bytes of headers and body (guide: notifications/webhooks/creating-webhooks). Each
 * notification is then a JSON POST with the subscription's `Verification-Token` header when one
 * was set (guide: notifications/webhooks/receiving); any answer other than 2xx is a failure.
 */
import { randomUUID } from 'node:crypto';

const USER_AGENT = 'RingCentral-Webhook/8.3';

interface WebhookAnswer {
  ok: boolean;
  status: number | null;
  /** Why it failed, in the words RingCentral's `blacklistedData.reason` uses. */
  reason: string | null;
}

function ioFailure(error: unknown): WebhookAnswer {
  const timedOut = error instanceof Error && error.name === 'TimeoutError';
  const detail = timedOut ? 'Read timed out' : error instanceof Error ? error.message : String(error);
  return { ok: false, status: null, reason: `I/O operation is failed. Details: [${detail}]` };
}

function statusFailure(status: number, statusText: string): WebhookAnswer {
  return { ok: false, status, reason: `Webhook responses with code: [${status}], reason: [${statusText}]` };
}

/** Size of an answer as RingCentral counts it for the handshake: header lines plus the body. */
function answerBytes(res: Response, body: string): number {
  let bytes = Buffer.byteLength(body);
  res.headers.forEach((value, name) => {
    bytes += Buffer.byteLength(`${name}: ${value}\r\n`);
  });
  return bytes;
}

export async function handshake(address: string, timeoutMs: number): Promise<WebhookAnswer> {
  const token = randomUUID();
  try {
    const res = await fetch(address, {
      method: 'POST',
      headers: { 'Validation-Token': token, 'Content-Type': 'application/json', 'User-Agent': USER_AGENT },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await res.text();
    if (res.status !== 200) return statusFailure(res.status, res.statusText);
    if (res.headers.get('validation-token') !== token)
      return { ok: false, status: 200, reason: 'Validation-Token header is missing or wrong' };
    if (answerBytes(res, body) > 1024)
      return { ok: false, status: 200, reason: 'The response is larger than 1024 bytes' };
    return { ok: true, status: 200, reason: null };
  } catch (error) {
    return ioFailure(error);
  }
}

export async function deliver(
  address: string,
  body: string,
  verificationToken: string | null,
  timeoutMs: number,
): Promise<WebhookAnswer> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json; charset=UTF-8',
    'User-Agent': USER_AGENT,
  };
  if (verificationToken !== null) headers['Verification-Token'] = verificationToken;
  try {
    const res = await fetch(address, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, reason: null };
    return statusFailure(res.status, res.statusText);
  } catch (error) {
    return ioFailure(error);
  }
}
