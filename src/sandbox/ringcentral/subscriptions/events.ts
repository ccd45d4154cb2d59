/**
 * Notification bodies, shaped after the spec's `MessageEvent` (message-store filter) and
 * `AccountTelephonySessionsEvent` (account telephony-sessions filter) and the guide's examples
 * (notifications/event-filters/message, account-telephony-sessions). The simulator's calls come
 * into being already ended, so a call yields one `Disconnected` notification, with the call's
 * recording (same id as in the call log) in `parties[].recordings` when it is recorded.
 */
import type { Account } from '../account.ts';
import { sessionIdOf, telephonySessionIdOf } from '../ids.ts';
import type { CallRecord, Message, Party } from '../model.ts';
import type { CallChange } from './filters.ts';

export interface Envelope {
  uuid: string;
  event: string;
  timestamp: string;
  subscriptionId: string;
  ownerId: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Messages of one mailbox that were created or changed together. */
export interface MailboxChange {
  extensionId: number;
  created: Message[];
  updated: Message[];
}

/** The body for the messages a filter lets through (its own type/direction narrowing applied). */
export function messageEventBody(
  account: Account,
  change: MailboxChange,
  accepts: (m: Message) => boolean,
  now: number,
): Record<string, unknown> | null {
  const created = change.created.filter(accepts);
  const updated = change.updated.filter(accepts);
  if (created.length + updated.length === 0) return null;
  const types = [...new Set([...created, ...updated].map((m) => m.type))];
  return {
    accountId: account.id,
    extensionId: String(change.extensionId),
    lastUpdated: iso(Math.max(now, ...[...created, ...updated].map((m) => m.lastModifiedTime))),
    changes: types.map((type) => {
      const fresh = created.filter((m) => m.type === type);
      const changed = updated.filter((m) => m.type === type).length;
      return {
        type,
        ...(fresh.length > 0 ? { newCount: fresh.length, newMessageIds: fresh.map((m) => m.id) } : {}),
        ...(changed > 0 ? { updatedCount: changed } : {}),
      };
    }),
  };
}

function shortParty(p: Party): Record<string, string> {
  const out: Record<string, string> = {};
  if (p.phoneNumber) out.phoneNumber = p.phoneNumber;
  if (p.name) out.name = p.name;
  if (p.extensionId) out.extensionId = p.extensionId;
  return out;
}

export function callChange(call: CallRecord): CallChange {
  return {
    direction: call.direction,
    statusCode: 'Disconnected',
    missedCall: call.result === 'Missed',
    hasRecordings: call.recording !== null,
    phoneNumbers: [call.from.phoneNumber, call.to.phoneNumber].filter((p): p is string => !!p),
  };
}

export function telephonyEventBody(account: Account, call: CallRecord): Record<string, unknown> {
  const telephonySessionId = telephonySessionIdOf(account.ids.base, call.seq);
  return {
    sequence: 1,
    sessionId: sessionIdOf(account.ids.base, call.seq),
    telephonySessionId,
    serverId: 'sim.ringcentral.local',
    // The spec: "The call start date/time".
    eventTime: iso(call.startTime),
    origin: { type: 'Call' },
    parties: [
      {
        accountId: account.id,
        extensionId: String(call.extensionId),
        id: `p-${telephonySessionId}-1`,
        direction: call.direction,
        to: shortParty(call.to),
        from: shortParty(call.from),
        status: { code: 'Disconnected' },
        missedCall: call.result === 'Missed',
        standAlone: false,
        muted: false,
        ...(call.recording ? { recordings: [{ id: call.recording.id, active: false }] } : {}),
      },
    ],
  };
}

export function envelope(
  base: Omit<Envelope, 'timestamp'>,
  now: number,
  body: Record<string, unknown>,
): Record<string, unknown> {
  return { ...base, timestamp: iso(now), body };
}
