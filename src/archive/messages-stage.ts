import { mkdir } from 'node:fs/promises';
import pMap from 'p-map';
import { z } from 'zod';
import { StateCell, stateSlot } from '../store/state-slot.ts';
import type { ReportRow } from '../store/types.ts';
import { includesExtension } from './settings.ts';
import { backfillStart, cursorKind } from './cursors.ts';
import type { ArchiveItem } from './items.ts';
import { mailboxAccess } from './mailbox-access.ts';
import { messageItems, type AttachmentOpener, type MessagePlan } from './message-items.ts';
import { oldestFirst, planItems, type OutstandingIndex } from './plan.ts';
import { saveRowsIfChanged } from './reports.ts';
import type { RunEnv } from './run-env.ts';
import { readMessageExportBatches } from './sources/message-export.ts';
import {
  openAttachment,
  planMailboxPolling,
  readMailbox,
  type ExportedAttachment,
} from './sources/messages.ts';
import type { Extension, MessageRecord, MessageType } from './sources/records.ts';
import { SourceError } from './sources/source-error.ts';
import { MESSAGE_TOGGLES, MESSAGE_TYPES } from './streams/messages/kinds.ts';
import { itemKey, transferItems } from './transfer.ts';
import { DAY_MS, HOUR_MS, readFrom } from './windows.ts';

export const mailboxStream = (extensionId: string) => `mailbox:${extensionId}`;
/** A mailbox's position is its `until` alone. */
const MAILBOX_CURSOR = cursorKind({});

/** Where the round robin of direct mailbox reads continues: the last mailbox read. */
const MAILBOX_ROTATION = stateSlot('mailbox-rotation', z.object({ last: z.string().nullable() }), {
  empty: { last: null },
  unreadable: 'empty',
});

const mailboxProblemsSchema = z.object({
  mailboxes: z.record(
    z.string(),
    z.object({
      status: z.enum(['refused', 'unreadable']),
      errorCode: z.string(),
      error: z.string(),
      at: z.iso.datetime(),
    }),
  ),
});
type MailboxProblems = z.output<typeof mailboxProblemsSchema>;
type MailboxProblem = MailboxProblems['mailboxes'][string];

/**
 * Mailboxes the last attempt could not read: 'refused' directly (then tried through the export),
 * or 'unreadable' either way. Shown on the dashboard; a mailbox read again leaves the list.
 */
export const MAILBOX_PROBLEMS = stateSlot('mailbox-problems', mailboxProblemsSchema, {
  empty: { mailboxes: {} },
  unreadable: 'empty',
});

/** Records what happened to these mailboxes: a problem, or null for "read". Writes only changes. */
function noteMailboxes(
  problems: StateCell<MailboxProblems>,
  ids: readonly string[],
  problem: MailboxProblem | null,
): Promise<void> {
  return problems.update(({ mailboxes }) => {
    const next = { ...mailboxes };
    for (const id of ids) {
      if (problem) next[id] = problem;
      else delete next[id];
    }
    const same = ids.every((id) => JSON.stringify(next[id]) === JSON.stringify(mailboxes[id]));
    return same ? null : { mailboxes: next };
  });
}
const EXPORT_BATCH = 200;
const MAX_EXPORT_SPAN_MS = 31 * DAY_MS;

/**
 * Voicemail, fax and SMS/MMS of every extension. Mailboxes are read directly where RingCentral
 * lets the admin's token do so and the Light budget allows; the rest (or all, where direct reads
 * are refused) come from the admin message-store export, one task for the whole account.
 */
export async function archiveMessages(
  env: RunEnv,
  outstanding: OutstandingIndex,
): Promise<{ moreWork: boolean }> {
  const types = messageTypes(env);
  if (types.length === 0) return { moreWork: false };
  const only = env.ctx.streams;
  const mailboxes = [...env.extensions.values()].filter(
    (e) => e.hasMailbox && includesExtension(env.settings, e.id) && (!only || mailboxStream(e.id) in only),
  );
  if (mailboxes.length === 0) return { moreWork: false };

  const access = await mailboxAccess(env, mailboxes);
  const problems = new StateCell(MAILBOX_PROBLEMS, env.store, env.tenant.id);
  // An early run reads its marked mailboxes directly; where only the account-wide export can read
  // them, it leaves them to the hourly run (an export per notification would cost far too much).
  if (only)
    return access === 'direct'
      ? readDirectly(env, mailboxes, types, outstanding, problems)
      : { moreWork: false };
  const rotation = await MAILBOX_ROTATION.read(env.store, env.tenant.id);
  const budget = env.limiter.budget('Light');
  const plan =
    access === 'direct'
      ? planMailboxPolling(mailboxes, {
          lightLimit: budget.limit,
          windowsPerRun: Math.max(1, Math.floor(pollingTimeMs(env) / budget.windowMs)),
          cursor: rotation.value.last,
        })
      : { direct: [] as Extension[], viaExport: mailboxes, nextCursor: null, capacity: 0 };
  if (plan.nextCursor && plan.nextCursor !== rotation.value.last)
    if (!(await MAILBOX_ROTATION.write(env.store, env.tenant.id, rotation, { last: plan.nextCursor })))
      throw new Error('The mailbox rotation was moved by someone else during this run.');

  const direct = await readDirectly(env, plan.direct, types, outstanding, problems);
  let moreWork = direct.moreWork;
  const viaExport = [...plan.viaExport, ...direct.refused];
  if (viaExport.length > 0 && !env.signal.aborted)
    moreWork = (await archiveFromExport(env, viaExport, types, outstanding, problems)) || moreWork;
  return { moreWork: moreWork || env.signal.aborted };
}

/** Reads mailboxes one by one (four at a time); those RingCentral refused come back for the export. */
async function readDirectly(
  env: RunEnv,
  mailboxes: readonly Extension[],
  types: MessageType[],
  outstanding: OutstandingIndex,
  problems: StateCell<MailboxProblems>,
): Promise<{ moreWork: boolean; refused: Extension[] }> {
  let moreWork = false;
  const refused: Extension[] = [];
  await pMap(
    mailboxes,
    async (mailbox) => {
      if (env.signal.aborted) return;
      const result = await archiveMailbox(env, mailbox, types, outstanding, problems);
      if (result === 'refused') refused.push(mailbox);
      else if (result === 'more') moreWork = true;
    },
    { concurrency: 4 },
  );
  return { moreWork: moreWork || env.signal.aborted, refused };
}

/**
 * Direct reads get four fifths of the time the run has left: the rest is for what follows them
 * (the export of the other mailboxes, attachments, the report files). Planned on the whole time
 * box, reading mailboxes at the full Light rate would fill it by itself and the run would be cut.
 */
const POLLING_SHARE = 0.8;

function pollingTimeMs(env: RunEnv): number {
  const elapsed = env.clock.now() - env.ctx.run.startedAt.getTime();
  return Math.max(0, env.timeBoxMs - elapsed) * POLLING_SHARE;
}

function messageTypes(env: RunEnv): MessageType[] {
  return MESSAGE_TOGGLES.flatMap(({ key }) => (env.settings.dataTypes[key] ? MESSAGE_TYPES[key] : []));
}

const direct =
  (env: RunEnv): AttachmentOpener =>
  async (attachment, signal) => {
    const download = await openAttachment(env.api, attachment, { signal });
    return { body: download.body, size: download.size };
  };

/** Reads one mailbox from its cursor to now. 'refused': RingCentral would not let us read it. */
async function archiveMailbox(
  env: RunEnv,
  mailbox: Extension,
  types: MessageType[],
  outstanding: OutstandingIndex,
  problems: StateCell<MailboxProblems>,
): Promise<'done' | 'more' | 'refused'> {
  const cursor = await MAILBOX_CURSOR.read(env.store, env.tenant.id, mailboxStream(mailbox.id));
  const from = readFrom(cursor.until, backfillStart(env), env.settings.lookbackHours * HOUR_MS);
  const to = env.clock.now();
  const plans: MessagePlan[] = [];
  try {
    for await (const page of readMailbox(env.api, mailbox.id, {
      dateFrom: new Date(from),
      dateTo: new Date(to),
      types,
      signal: env.signal,
    }))
      for (const record of page) {
        const planned = messageItems(env, record, mailbox.id, direct(env));
        if (planned) plans.push(planned);
      }
  } catch (error) {
    if (error instanceof SourceError && error.kind === 'forbidden') {
      await noteMailboxes(problems, [mailbox.id], {
        status: 'refused',
        errorCode: error.errorCode ?? String(error.status ?? ''),
        error: error.message.slice(0, 300),
        at: new Date(env.clock.now()).toISOString(),
      });
      return 'refused';
    }
    throw error;
  }
  const done = await archivePlans(env, plans, outstanding);
  if (!done) return 'more';
  await MAILBOX_CURSOR.move(env.store, env.tenant.id, cursor, { until: to });
  await noteMailboxes(problems, [mailbox.id], null);
  return 'done';
}

/**
 * The export for the mailboxes not read directly: one account-wide task per run, covering from the
 * oldest of those mailboxes' cursors (minus the lookback), at most a month at a time. Each mailbox
 * keeps its own cursor, so a mailbox can move between direct reads and the export without a gap.
 */
async function archiveFromExport(
  env: RunEnv,
  mailboxes: Extension[],
  types: MessageType[],
  outstanding: OutstandingIndex,
  problems: StateCell<MailboxProblems>,
): Promise<boolean> {
  const wanted = new Set(mailboxes.map((m) => m.id));
  const cursors = await Promise.all(
    mailboxes.map((m) => MAILBOX_CURSOR.read(env.store, env.tenant.id, mailboxStream(m.id))),
  );
  const start = backfillStart(env);
  const lookbackMs = env.settings.lookbackHours * HOUR_MS;
  const from = Math.min(...cursors.map((c) => readFrom(c.until, start, lookbackMs)));
  const now = env.clock.now();
  const to = Math.min(now, from + MAX_EXPORT_SPAN_MS);
  let complete = true;
  await mkdir(env.workDir, { recursive: true });
  try {
    const batches = readMessageExportBatches(env.api, {
      dateFrom: new Date(from),
      dateTo: new Date(to),
      workDir: env.workDir,
      types,
      signal: env.signal,
      batchSize: EXPORT_BATCH,
    });
    // Each batch is archived (its attachments read from the ZIPs) before the next is asked for.
    for await (const messages of batches) {
      const plans = messages
        .filter((m) => wanted.has(m.extensionId))
        .map((m) => messageItems(env, m.record, m.extensionId, fromExport(m.attachments)))
        .filter((p): p is MessagePlan => p !== null);
      complete = (await archivePlans(env, plans, outstanding)) && complete;
    }
  } catch (error) {
    if (error instanceof SourceError && error.kind === 'forbidden') {
      // Neither way works for these mailboxes: say which, what RingCentral answered, what to do.
      await noteMailboxes(problems, [...wanted], {
        status: 'unreadable',
        errorCode: error.errorCode ?? '',
        error: error.message.slice(0, 300),
        at: new Date(env.clock.now()).toISOString(),
      });
      env.ctx.fail({
        kind: 'messages',
        reason: `The message-store export was refused (${error.errorCode ?? error.status}): ${error.message}`,
      });
      return false;
    }
    throw error;
  }
  if (!complete || env.signal.aborted) return true;
  for (const cursor of cursors) await MAILBOX_CURSOR.move(env.store, env.tenant.id, cursor, { until: to });
  await noteMailboxes(problems, [...wanted], null);
  return to < now;
}

function fromExport(attachments: readonly ExportedAttachment[]): AttachmentOpener {
  return async (attachment) => {
    const exported = attachments.find((a) => a.id === attachment.id);
    if (!exported)
      throw new SourceError({ kind: 'gone', message: `Attachment ${attachment.id} is not in the export` });
    return { body: await exported.open(), size: exported.size ?? attachment.size ?? null };
  };
}

/** Saves the messages' report rows, archives their items; true when every item was handled. */
async function archivePlans(
  env: RunEnv,
  plans: MessagePlan[],
  outstanding: OutstandingIndex,
): Promise<boolean> {
  if (plans.length === 0) return true;
  const rowsByDay = new Map<string, ReportRow[]>();
  for (const p of plans)
    if (p.smsRow) {
      rowsByDay.set(p.day, [...(rowsByDay.get(p.day) ?? []), p.smsRow]);
    }
  for (const [day, rows] of rowsByDay) await saveRowsIfChanged(env, day, 'sms', rows);
  const candidates: ArchiveItem[] = plans.flatMap((p) => p.items);
  const todo = oldestFirst(await planItems(env, candidates, outstanding));
  const handled = await transferItems(env, todo);
  return todo.every((item) => handled.has(itemKey(item)));
}

export type { MessageRecord };
