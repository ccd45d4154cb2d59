import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ArgReader } from './args.ts';
import { authenticate, requireScope } from './auth.ts';
import { drainBody, readSmallBody } from './bodies.ts';
import type { RouteDef } from './context.ts';
import { ApiFailure, badInput, dataTransportLimit, fail, serverError, type Reply } from './errors.ts';
import { sendReply } from './http-io.ts';
import { HOST_FOR_STYLE, ROUTES, wrongHost } from './routes.ts';
import type { SimState } from './state.ts';

/**
 * The `/2/...` pipeline, in the order Dropbox's front end appears to apply it: route and host,
 * injected latency, authentication, injected 5xx, the per-token rate limit, scope, then the
 * argument and the route itself. Every call is counted for the account it authenticated as.
 */

const MAX_RPC_BODY = 32 * 1024 * 1024;
const JSON_TYPES = /^(application\/json(;\s*charset=utf-8)?|text\/plain;\s*charset=dropbox-cors-hack)$/i;
const OCTET_TYPES = /^(application\/octet-stream|text\/plain;\s*charset=dropbox-cors-hack)$/i;

async function readRpcArg(route: RouteDef, req: IncomingMessage): Promise<unknown> {
  const text = await readSmallBody(req, MAX_RPC_BODY);
  if (text === null) throw fail(badInput(route.name, 'request body: too large'));
  const type = req.headers['content-type'];
  if (text.length > 0 && !JSON_TYPES.test(type ?? '')) {
    throw fail(
      badInput(
        route.name,
        `Bad HTTP "Content-Type" header: "${type ?? ''}".  Expecting one of "application/json", "text/plain; charset=dropbox-cors-hack".`,
      ),
    );
  }
  // Void routes: the SDK sends no body at all; `null` is the same value written out.
  if (route.voidArg && text.trim() === '') return null;
  try {
    const value: unknown = JSON.parse(text);
    if (route.voidArg && value !== null)
      throw fail(badInput(route.name, 'request body: expected null, got value'));
    return value;
  } catch (error) {
    if (error instanceof ApiFailure) throw error;
    throw fail(badInput(route.name, 'request body: could not decode input as JSON'));
  }
}

function readHeaderArg(route: RouteDef, req: IncomingMessage): { value: unknown; where: string } {
  const header = req.headers['dropbox-api-arg'];
  const query = new URL(req.url ?? '/', 'http://sim').searchParams.get('arg');
  const raw = typeof header === 'string' ? header : query;
  const where = typeof header === 'string' ? 'HTTP header "Dropbox-API-Arg"' : 'URL parameter "arg"';
  if (raw === null) {
    throw fail(badInput(route.name, 'Must provide HTTP header "Dropbox-API-Arg" or URL parameter "arg".'));
  }
  if (route.style === 'upload') {
    const type = req.headers['content-type'] ?? '';
    if (!OCTET_TYPES.test(type)) {
      throw fail(
        badInput(
          route.name,
          `Bad HTTP "Content-Type" header: "${type}".  Expecting one of "application/octet-stream", "text/plain; charset=dropbox-cors-hack".`,
        ),
      );
    }
  }
  // Header values reach Node as latin1; anything above ASCII means the client sent raw UTF-8
  // instead of the \uXXXX escapes Dropbox requires (and the SDK always writes).
  // eslint-disable-next-line no-control-regex
  const undecodable = typeof header === 'string' && /[^\x00-\x7f]/.test(raw);
  try {
    if (undecodable) throw new Error('non-ASCII header');
    return { value: JSON.parse(raw) as unknown, where };
  } catch {
    throw fail(badInput(route.name, `${where}: could not decode input as JSON`));
  }
}

async function handleRoute(
  sim: SimState,
  req: IncomingMessage,
  name: string,
): Promise<{ reply: Reply; accountId: string | null; route: RouteDef | undefined }> {
  const route = ROUTES.get(name);
  let accountId: string | null = null;
  try {
    if (!route) throw fail(badInput(name, `Unknown API function: /2/${name}`));
    if (req.method !== 'POST')
      throw fail(badInput(name, `Unsupported method "${req.method ?? ''}"; use POST.`));
    const host = wrongHost(req.headers['x-sim-host'], [HOST_FOR_STYLE[route.style]]);
    if (host) {
      throw fail(
        badInput(name, `This function is served from host ${HOST_FOR_STYLE[route.style]}, not ${host}.`),
      );
    }
    if (sim.faults.latencyMs > 0) await sleep(sim.faults.latencyMs);
    const { account, token } = authenticate(sim, req, name);
    accountId = account.accountId;
    const status = sim.faults.takeError(name);
    if (status !== null) throw fail(serverError(status));
    if (sim.faults.transportCapped(account.email, name)) throw fail(dataTransportLimit());
    const limited = sim.rateLimiter.check(token.grant.appKey, account.accountId);
    if (limited) throw fail(limited);
    requireScope(token, route.scope);
    const { value, where } =
      route.style === 'rpc'
        ? { value: await readRpcArg(route, req), where: 'request body' }
        : readHeaderArg(route, req);
    const reader = new ArgReader({ route: name, where });
    const reply = await route.handle({ sim, route, req, account, token, arg: value, reader });
    return { reply, accountId, route };
  } catch (error) {
    if (error instanceof ApiFailure) return { reply: error.reply, accountId, route };
    // A client that hung up mid-body, or a fault in the simulator itself: Dropbox would answer 500.
    if (!req.destroyed) sim.recordInternalError(error);
    return { reply: serverError(500), accountId, route };
  }
}

export async function handleApi(
  sim: SimState,
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
): Promise<void> {
  const { reply, accountId, route } = await handleRoute(sim, req, name);
  sim.stats.call(accountId, name, route?.commit ?? false);
  await drainBody(req);
  if (route && reply.status < 300 && sim.faults.takeDrop(name)) {
    // The call took effect, but the client never hears back (a connection lost after the commit).
    req.socket.destroy();
    return;
  }
  sim.stats.response(accountId, reply.status);
  await sendReply(res, reply);
}
