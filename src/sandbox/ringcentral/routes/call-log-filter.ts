/** The call-log filters shared by the list and sync endpoints. */
import type { Account } from '../account.ts';
import { sessionIdOf, telephonySessionIdOf } from '../ids.ts';
import type { CallRecord } from '../model.ts';
import { bool, list, oneOf, single, type Query } from '../params.ts';
import type { CallLogView } from '../views/call-log-json.ts';

interface CallFilter {
  types: Array<'Voice' | 'Fax'>;
  directions: Array<'Inbound' | 'Outbound'>;
  recordingType?: 'Automatic' | 'OnDemand' | 'All';
  withRecording: boolean;
  extensionNumber?: string;
  sessionId?: string;
  telephonySessionId?: string;
  phoneNumber?: string;
  missedOnly: boolean;
}

export function parseView(q: Query): CallLogView {
  return oneOf(q, 'view', ['Simple', 'Detailed'] as const, 'Simple');
}

export function parseCallFilter(q: Query): CallFilter {
  const recordingType = single(q, 'recordingType');
  const filter: CallFilter = {
    types: list(q, 'type', ['Voice', 'Fax'] as const),
    directions: list(q, 'direction', ['Inbound', 'Outbound'] as const),
    withRecording: bool(q, 'withRecording', false),
    missedOnly: list(q, 'statusGroup', ['Missed', 'All'] as const).includes('Missed'),
  };
  if (recordingType !== undefined) {
    filter.recordingType = oneOf(q, 'recordingType', ['Automatic', 'OnDemand', 'All'] as const, 'All');
  }
  const extensionNumber = single(q, 'extensionNumber');
  if (extensionNumber !== undefined) filter.extensionNumber = extensionNumber;
  const sessionId = single(q, 'sessionId');
  if (sessionId !== undefined) filter.sessionId = sessionId;
  const telephonySessionId = single(q, 'telephonySessionId');
  if (telephonySessionId !== undefined) filter.telephonySessionId = telephonySessionId;
  const phoneNumber = single(q, 'phoneNumber');
  if (phoneNumber !== undefined) filter.phoneNumber = phoneNumber.replace(/^\+/, '');
  return filter;
}

/** The effective filter as query pairs, for `uri` and navigation links. */
export function filterQuery(f: CallFilter): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const t of f.types) out.push(['type', t]);
  for (const d of f.directions) out.push(['direction', d]);
  if (f.recordingType) out.push(['recordingType', f.recordingType]);
  else if (f.withRecording) out.push(['withRecording', 'true']);
  if (f.extensionNumber) out.push(['extensionNumber', f.extensionNumber]);
  if (f.sessionId) out.push(['sessionId', f.sessionId]);
  if (f.telephonySessionId) out.push(['telephonySessionId', f.telephonySessionId]);
  if (f.phoneNumber) out.push(['phoneNumber', f.phoneNumber]);
  return out;
}

const MISSED = new Set(['Missed', 'Voicemail', 'No Answer', 'Hang Up']);

export function matchesCall(call: CallRecord, f: CallFilter, account: Account, now: number): boolean {
  if (f.types.length > 0 && !f.types.includes(call.type)) return false;
  if (f.directions.length > 0 && !f.directions.includes(call.direction)) return false;
  if (f.missedOnly && !(call.direction === 'Inbound' && MISSED.has(call.result))) return false;
  // recordingType wins over the deprecated withRecording, as documented.
  const wantsRecording = f.recordingType ?? (f.withRecording ? 'All' : undefined);
  if (wantsRecording) {
    if (!call.recording || !account.recordingVisible(call, now)) return false;
    if (wantsRecording !== 'All' && call.recording.type !== wantsRecording) return false;
  }
  if (f.extensionNumber && account.extById.get(call.extensionId)?.extensionNumber !== f.extensionNumber) {
    return false;
  }
  if (f.sessionId && sessionIdOf(account.ids.base, call.seq) !== f.sessionId) return false;
  if (f.telephonySessionId && telephonySessionIdOf(account.ids.base, call.seq) !== f.telephonySessionId) {
    return false;
  }
  if (f.phoneNumber) {
    const numbers = [call.from.phoneNumber, call.to.phoneNumber].map((n) => n?.replace(/^\+/, ''));
    if (!numbers.includes(f.phoneNumber)) return false;
  }
  return true;
}
