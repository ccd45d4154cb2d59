/**
 * The simulator's own control API under `/__sim` (platform listener, no auth): inventory, faults,
 * new activity, the clock, accounts, deletions and stats. Inputs are validated with zod and
 * answered with a plain `{error}` body on mistakes (this is not RingCentral's API).
 */
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { activityInputSchema, addActivity } from './activity.ts';
import { faultsInputSchema } from './faults.ts';
import type { Account } from './account.ts';
import { buildInventory } from './inventory.ts';
import type { SimState } from './state.ts';
import { simSubscriptionsView, simDeliveriesView } from './subscriptions/sim-view.ts';

const range = z.tuple([z.number().min(0), z.number().min(0)]);
const share = z.number().min(0).max(1);

export const accountSpecSchema = z
  .object({
    seed: z.number().int(),
    extensions: z.number().int().min(1).max(100_000),
    days: z.number().int().min(0).max(400),
    callsPerExtensionPerDay: z.number().min(0).optional(),
    recordedShare: share.optional(),
    messagesPerExtensionPerDay: z.number().min(0).optional(),
    messageMix: z
      .object({ VoiceMail: z.number(), Fax: z.number(), SMS: z.number(), Pager: z.number() })
      .partial()
      .optional(),
    mmsShare: share.optional(),
    recordingSizeRange: range.optional(),
    voicemailSizeRange: range.optional(),
    extraRecordings: z.array(z.number().int().min(45)).optional(),
    nonAdminShare: share.optional(),
    extensionTypes: z
      .array(
        z.enum([
          'User',
          'Department',
          'IvrMenu',
          'FaxUser',
          'Voicemail',
          'ParkLocation',
          'DigitalUser',
          'Announcement',
          'PagingOnly',
        ]),
      )
      .optional(),
    lateRecordingShare: share.optional(),
    lateWindowMinutes: z.number().min(0).optional(),
    lateDelayMinutes: range.optional(),
    recordingRetentionDays: z.number().positive().optional(),
    recordingCap: z.number().int().positive().optional(),
    callLogRetentionDays: z.number().positive().optional(),
    companyName: z.string().min(1).max(64).optional(),
    allUsers: z.boolean().optional(),
    recordedCallsPerUserPerDay: z.number().int().min(0).max(1_000).optional(),
    live: z.boolean().optional(),
    dayMs: z.number().int().min(1_000).max(86_400_000).optional(),
  })
  .strict();

const clockSchema = z
  .object({ advanceMs: z.number().min(0).optional(), advanceSeconds: z.number().min(0).optional() })
  .strict();

export const deleteSchema = z
  .object({
    accountId: z.string().optional(),
    kind: z.enum(['recording', 'message']),
    id: z.union([z.string(), z.number()]),
    mode: z.enum(['Deleted', 'Purged']).optional(),
  })
  .strict();

/** Applies a faults body; `revokeTokens` ends every session of the named accounts at once. */
export function applyFaults(
  state: SimState,
  input: z.infer<typeof faultsInputSchema>,
): { faults: ReturnType<SimState['faults']['view']>; revokedSessions: number } {
  state.faults.apply(input, state.now());
  if (input.reset) {
    state.limiter.reset();
    state.requests.clear();
  }
  let revokedSessions = 0;
  if (input.revokeTokens !== undefined) {
    const ids = Array.isArray(input.revokeTokens) ? input.revokeTokens : [input.revokeTokens];
    for (const id of ids) revokedSessions += state.tokens.revokeAccount(id);
  }
  return { faults: state.faults.view(), revokedSessions };
}

type DeleteInput = z.infer<typeof deleteSchema>;

/** Removes a recording or message; false when there was nothing live to delete. */
export function deleteItem(state: SimState, input: DeleteInput): boolean {
  const account = state.account(input.accountId);
  if (!account) return false;
  return input.kind === 'recording'
    ? account.deleteRecording(String(input.id))
    : account.deleteMessage(Number(input.id), input.mode ?? 'Purged', state.now());
}

/** What RingCentral's own deletion rules have removed from the account, oldest first. */
export function droppedRecordings(
  account: Account,
  now: number,
): Array<{ id: string; callId: string; startTime: string; rule: 'retention' | 'cap' }> {
  return account
    .droppedRecordings(now)
    .map((r) => ({ ...r, startTime: new Date(r.startTime).toISOString() }));
}

function parse<T>(schema: z.ZodType<T>, req: Request, res: Response): T | undefined {
  const result = schema.safeParse(req.body ?? {});
  if (result.success) return result.data;
  res.status(400).json({ error: 'invalid request body', issues: result.error.issues });
  return undefined;
}

function queryString(req: Request, name: string): string | undefined {
  const v = req.query[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function adminRoutes(router: Router, state: SimState): void {
  const json = express.json({ limit: '1mb' });
  const accountOr404 = (res: Response, id: string | undefined) => {
    const account = state.account(id);
    if (!account) res.status(404).json({ error: `no account ${id ?? '(none created)'}` });
    return account;
  };

  router.get('/__sim/health', (_req, res) => {
    res.json({ ok: true, accounts: state.accountList.length, now: new Date(state.now()).toISOString() });
  });

  router.get('/__sim/inventory', async (req, res) => {
    const account = accountOr404(res, queryString(req, 'accountId'));
    if (!account) return;
    const withHashes = queryString(req, 'sha256') !== 'false';
    res.json(await buildInventory(account, state.now(), state.digests, withHashes));
  });

  router.get('/__sim/accounts', (_req, res) => {
    res.json({
      accounts: state.accountList.map((a) => ({
        accountId: a.id,
        adminExtensionNumber: a.admin.extensionNumber,
        adminLogin: `${a.id}:${a.admin.extensionNumber}`,
        companyName: a.companyName,
        extensions: a.extensions.length,
      })),
    });
  });

  router.post('/__sim/accounts', json, (req, res) => {
    const spec = parse(accountSpecSchema, req, res);
    if (!spec) return;
    const account = state.createAccount(spec);
    res.status(201).json({
      accountId: account.id,
      adminExtensionNumber: account.admin.extensionNumber,
      adminLogin: `${account.id}:${account.admin.extensionNumber}`,
      companyName: account.companyName,
    });
  });

  router.get('/__sim/faults', (_req, res) => {
    res.json(state.faults.view());
  });

  router.post('/__sim/faults', json, (req, res) => {
    const input = parse(faultsInputSchema, req, res);
    if (!input) return;
    res.json(applyFaults(state, input));
  });

  router.post('/__sim/activity', json, (req, res) => {
    const input = parse(activityInputSchema, req, res);
    if (!input) return;
    const account = accountOr404(res, input.accountId);
    if (!account) return;
    const result = addActivity(account, input, state.now());
    if (!result) {
      res.status(404).json({ error: 'no such extension' });
      return;
    }
    res.status(201).json(result);
  });

  router.get('/__sim/clock', (_req, res) => {
    const now = state.now();
    res.json({ now: new Date(now).toISOString(), nowMs: now });
  });

  router.post('/__sim/clock', json, (req, res) => {
    const input = parse(clockSchema, req, res);
    if (!input) return;
    state.clock.advance((input.advanceMs ?? 0) + (input.advanceSeconds ?? 0) * 1000);
    const now = state.now();
    res.json({ now: new Date(now).toISOString(), nowMs: now });
  });

  router.post('/__sim/delete', json, (req, res) => {
    const input = parse(deleteSchema, req, res);
    if (!input) return;
    if (!accountOr404(res, input.accountId)) return;
    if (!deleteItem(state, input)) {
      res.status(404).json({ error: `no live ${input.kind} ${input.id}` });
      return;
    }
    res.json({ deleted: true, kind: input.kind, id: String(input.id) });
  });

  router.get('/__sim/stats', (req, res) => {
    const accountId = queryString(req, 'accountId');
    res.json(accountId === undefined ? state.stats.snapshot() : state.stats.account(accountId));
  });

  router.get('/__sim/subscriptions', (req, res) => {
    res.json({ subscriptions: simSubscriptionsView(state, queryString(req, 'accountId')) });
  });

  router.get('/__sim/deliveries', (req, res) => {
    const limit = Number(queryString(req, 'limit') ?? 1000);
    res.json({
      deliveries: simDeliveriesView(state, {
        accountId: queryString(req, 'accountId'),
        subscriptionId: queryString(req, 'subscriptionId'),
        limit: Number.isInteger(limit) && limit > 0 ? limit : 1000,
      }),
    });
  });

  router.post('/__sim/stats/reset', (_req, res) => {
    state.stats.reset();
    res.json({ reset: true });
  });

  router.get('/__sim/requests', (req, res) => {
    const account = accountOr404(res, queryString(req, 'accountId'));
    if (!account) return;
    res.json({ accountId: account.id, requests: state.requests.of(account.id) });
  });

  router.get('/__sim/recordings/dropped', (req, res) => {
    const account = accountOr404(res, queryString(req, 'accountId'));
    if (!account) return;
    const now = state.now();
    res.json({
      accountId: account.id,
      held: account.recordingsHeld(now),
      cap: account.spec.recordingCap ?? 100_000,
      dropped: droppedRecordings(account, now),
    });
  });
}
