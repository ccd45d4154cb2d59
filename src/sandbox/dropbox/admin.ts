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

type Handler = (req: Request) => Promise<unknown>;

function respond(handler: Handler) {
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
  const body = async <T extends z.ZodType>(req: Request, schema: T) => parse(schema, await readJson(req));

  router.get(
    '/files',
    respond(() => Promise.resolve(filesSnapshot(sim))),
  );
  router.post(
    '/files/put',
    respond(async (req) => {
      const input = await body(req, schemas.put);
      return putFileOp(sim, input.email, input.path, bytesOf(input) ?? new Uint8Array(0));
    }),
  );
  router.post(
    '/files/alter',
    respond(async (req) => {
      const input = await body(req, schemas.alter);
      return alterFileOp(sim, input.email, input.path, bytesOf(input));
    }),
  );
  router.post(
    '/files/delete',
    respond(async (req) => {
      const input = await body(req, schemas.delete);
      return deleteFileOp(sim, input.email, input.path);
    }),
  );
  router.post(
    '/quota',
    respond(async (req) => {
      const input = await body(req, schemas.quota);
      return setQuotaOp(sim, input.email, input.allocatedBytes);
    }),
  );
  router.get(
    '/accounts',
    respond(() => Promise.resolve(accountsOp(sim))),
  );
  router.post(
    '/accounts',
    respond(async (req) => {
      const input = await body(req, schemas.account);
      return createAccountOp(sim, input.email, input.allocatedBytes);
    }),
  );
  router.post(
    '/tokens',
    respond(async (req) => issueTokensOp(sim, await body(req, schemas.tokens))),
  );
  router.post(
    '/tokens/revoke',
    respond(async (req) => revokeTokensOp(sim, (await body(req, schemas.revoke)).email)),
  );
  router.get(
    '/stats',
    respond((req) => {
      const filter = typeof req.query.email === 'string' ? req.query.email : undefined;
      return Promise.resolve(statsOp(sim, filter));
    }),
  );
  router.post(
    '/stats/reset',
    respond(() => {
      sim.stats.reset();
      return Promise.resolve({ reset: true });
    }),
  );
  router.get(
    '/clock',
    respond(() => Promise.resolve(advanceClockOp(sim, 0))),
  );
  router.post(
    '/clock',
    respond(async (req) => advanceClockOp(sim, (await body(req, schemas.clock)).advanceMs)),
  );
  router.get(
    '/faults',
    respond(() => Promise.resolve(sim.faults.current)),
  );
  router.post(
    '/faults',
    respond(async (req) => setFaultsOp(sim, (await readJson(req)) as DropboxSimFaultsInput)),
  );
  return router;
}
