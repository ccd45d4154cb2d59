import pMap from 'p-map';
import { z } from 'zod';
import { stateSlot } from '../store/state-slot.ts';
import { includesExtension } from './settings.ts';
import { mailboxAccess } from './mailbox-access.ts';
import type { OutstandingIndex } from './plan.ts';
import type { RunEnv } from './run-env.ts';
import { planMailboxPolling } from './sources/messages.ts';
import type { Extension, MessageType } from './sources/records.ts';
import { runStream } from './streams/driver.ts';
import { messageExport } from './streams/messages/export-stream.ts';
import { MESSAGE_TOGGLES, MESSAGE_TYPES } from './streams/messages/kinds.ts';
import { mailboxProblems, type MailboxProblemsCell } from './streams/messages/mailbox-problems.ts';
import { directMailbox, mailboxStream } from './streams/messages/mailbox-stream.ts';

/** Where the round robin of direct mailbox reads continues: the last mailbox read. */
const MAILBOX_ROTATION = stateSlot('mailbox-rotation', z.object({ last: z.string().nullable() }), {
  empty: { last: null },
  unreadable: 'empty',
});

/**
 * Voicemail, fax and SMS/MMS of every extension. Mailboxes are read directly where RingCentral
 * lets the admin's token do so and the Light budget allows; the rest (or all, where direct reads
 * are refused) come from the admin message-store export, one task for the whole account. Both are
 * streams (streams/messages/) run by the stream driver.
 */
export async function archiveMessages(
  env: RunEnv,
  outstanding: OutstandingIndex,
): Promise<{ moreWork: boolean }> {
  const types = messageTypes(env);
  if (types.length === 0) return { moreWork: false };
  const only = env.state.ctx.streams;
  const mailboxes = [...env.state.extensions.values()].filter(
    (e) =>
      e.hasMailbox && includesExtension(env.state.settings, e.id) && (!only || mailboxStream(e.id) in only),
  );
  if (mailboxes.length === 0) return { moreWork: false };

  const access = await mailboxAccess(env, mailboxes);
  const problems = mailboxProblems(env.deps.store, env.state.tenant.id);
  // An early run reads its marked mailboxes directly; where only the account-wide export can read
  // them, it leaves them to the hourly run (an export per notification would cost far too much).
  if (only)
    return access === 'direct'
      ? readDirectly(env, mailboxes, types, outstanding, problems)
      : { moreWork: false };
  const rotation = await MAILBOX_ROTATION.read(env.deps.store, env.state.tenant.id);
  const budget = env.deps.limiter.budget('Light');
  const plan =
    access === 'direct'
      ? planMailboxPolling(mailboxes, {
          lightLimit: budget.limit,
          windowsPerRun: Math.max(1, Math.floor(pollingTimeMs(env) / budget.windowMs)),
          cursor: rotation.value.last,
        })
      : { direct: [] as Extension[], viaExport: mailboxes, nextCursor: null, capacity: 0 };
  if (plan.nextCursor && plan.nextCursor !== rotation.value.last)
    if (
      !(await MAILBOX_ROTATION.write(env.deps.store, env.state.tenant.id, rotation, {
        last: plan.nextCursor,
      }))
    )
      throw new Error('The mailbox rotation was moved by someone else during this run.');

  const direct = await readDirectly(env, plan.direct, types, outstanding, problems);
  let moreWork = direct.moreWork;
  const viaExport = [...plan.viaExport, ...direct.refused];
  if (viaExport.length > 0 && !env.state.signal.aborted) {
    const exported = await runStream(env, messageExport(env, viaExport, types, problems), outstanding);
    moreWork = exported === 'more' || moreWork;
  }
  return { moreWork: moreWork || env.state.signal.aborted };
}

/** Reads mailboxes one by one (four at a time); those RingCentral refused come back for the export. */
async function readDirectly(
  env: RunEnv,
  mailboxes: readonly Extension[],
  types: MessageType[],
  outstanding: OutstandingIndex,
  problems: MailboxProblemsCell,
): Promise<{ moreWork: boolean; refused: Extension[] }> {
  let moreWork = false;
  const refused: Extension[] = [];
  await pMap(
    mailboxes,
    async (mailbox) => {
      if (env.state.signal.aborted) return;
      const outcome = await runStream(env, directMailbox(env, mailbox, types, problems), outstanding);
      if (outcome === 'refused') refused.push(mailbox);
      else if (outcome === 'more') moreWork = true;
    },
    { concurrency: 4 },
  );
  return { moreWork: moreWork || env.state.signal.aborted, refused };
}

/**
 * Direct reads get four fifths of the time the run has left: the rest is for what follows them
 * (the export of the other mailboxes, attachments, the report files). Planned on the whole time
 * box, reading mailboxes at the full Light rate would fill it by itself and the run would be cut.
 */
const POLLING_SHARE = 0.8;

function pollingTimeMs(env: RunEnv): number {
  const elapsed = env.deps.clock.now() - env.state.ctx.run.startedAt.getTime();
  return Math.max(0, env.deps.timeBoxMs - elapsed) * POLLING_SHARE;
}

function messageTypes(env: RunEnv): MessageType[] {
  return MESSAGE_TOGGLES.flatMap(({ key }) => (env.state.settings.dataTypes[key] ? MESSAGE_TYPES[key] : []));
}
