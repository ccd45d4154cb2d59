import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import {
  accountsOp,
  AdminError,
  advanceClockOp,
  alterFileOp,
  createAccountOp,
  deleteFileOp,
  filesSnapshot,
  issueTokensOp,
  putFileOp,
  revokeTokensOp,
  setFaultsOp,
  setQuotaOp,
  statsOp,
} from './admin-ops.ts';
import { readSmallBody } from './bodies.ts';
import type { JsonValue } from './errors.ts';
import { json } from './errors.ts';
import type { DropboxSimFaultsInput } from './faults.ts';
import { sendReply } from './http-io.ts';
import type { SimState } from './state.ts';

/**
 * `/__sim/...`: the simulator's control routes (JSON in, JSON out). They have no authentication:
 * never expose a simulator beyond the machine or network that runs the tests or the demo.
 */

const MAX_ADMIN_BODY = 64 * 1024 * 1024;

const email = z.string().min(1);
const path = z.string().min(1);
/** File content as base64 (`contentBase64`) or as UTF-8 text (`text`). */
const content = { contentBase64: z.string().optional(), text: z.string().optional() };

const schemas = {
  put: z.object({ email, path, ...content }).strict(),
  alter: z.object({ email, path, ...content }).strict(),
  delete: z.object({ email, path }).strict(),
  quota: z.object({ email, allocatedBytes: z.number().int().min(0) }).strict(),
  account: z.object({ email, allocatedBytes: z.number().int().min(0).optional() }).strict(),
  tokens: z
    .object({
      email,
      appKey: z.string().optional(),
      tokenAccessType: z.enum(['offline', 'online']).optional(),
      scopes: z.array(z.string()).optional(),
    })
    .strict(),
  revoke: z.object({ email }).strict(),
  clock: z.object({ advanceMs: z.number().min(0) }).strict(),
};

function bytesOf(body: {
  contentBase64?: string | undefined;
  text?: string | undefined;
}): Uint8Array | undefined {
  if (body.contentBase64 !== undefined) return Buffer.from(body.contentBase64, 'base64');
  if (body.text !== undefined) return Buffer.from(body.text, 'utf8');
  return undefined;
}

async function readJson(req: Request): Promise<unknown> {
  const text = await readSmallBody(req, MAX_ADMIN_BODY);
  if (text === null) throw new AdminError(413, 'body too large');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AdminError(400, 'body is not JSON');
  }
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new AdminError(
      400,
      result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
    );
  }
  return result.data;
}

/** Answers with the handler's result as JSON, or with `{error}` and the AdminError's status. */
function respond(handler: (req: Request) => unknown) {
  return async (req: Request, res: Response): Promise<void> => {
    try {
      const result = await handler(req);
      await sendReply(res, json((result ?? null) as JsonValue));
    } catch (error) {
      if (!(error instanceof AdminError)) throw error;
      await sendReply(res, json({ error: error.message }, error.status));
    }
  };
}

export function adminRouter(sim: SimState): express.Router {
  const router = express.Router();
  const get = (path: string, run: (req: Request) => unknown) => router.get(path, respond(run));
  /** A POST route whose JSON body is checked against `schema` before `run` sees it. */
  const post = <T extends z.ZodType>(path: string, schema: T, run: (input: z.output<T>) => unknown) =>
    router.post(
      path,
      respond(async (req) => run(parse(schema, await readJson(req)))),
    );

  get('/files', () => filesSnapshot(sim));
  post('/files/put', schemas.put, (input) =>
    putFileOp(sim, input.email, input.path, bytesOf(input) ?? new Uint8Array(0)),
  );
  post('/files/alter', schemas.alter, (input) => alterFileOp(sim, input.email, input.path, bytesOf(input)));
  post('/files/delete', schemas.delete, (input) => deleteFileOp(sim, input.email, input.path));
  post('/quota', schemas.quota, (input) => setQuotaOp(sim, input.email, input.allocatedBytes));
  get('/accounts', () => accountsOp(sim));
  post('/accounts', schemas.account, (input) => createAccountOp(sim, input.email, input.allocatedBytes));
  post('/tokens', schemas.tokens, (input) => issueTokensOp(sim, input));
  post('/tokens/revoke', schemas.revoke, (input) => revokeTokensOp(sim, input.email));
  get('/stats', (req) => statsOp(sim, typeof req.query.email === 'string' ? req.query.email : undefined));
  post('/stats/reset', z.object({}), () => {
    sim.stats.reset();
    return { reset: true };
  });
  get('/clock', () => advanceClockOp(sim, 0));
  post('/clock', schemas.clock, (input) => advanceClockOp(sim, input.advanceMs));
  get('/faults', () => sim.faults.current);
  // Validated by setFaultsOp itself, which the typed helper shares.
  post('/faults', z.unknown(), (input) => setFaultsOp(sim, input as DropboxSimFaultsInput));
  return router;
}
