/**
 * A call log record as RingCentral's CallLogRecord, in the Simple or Detailed view, as it looks at
 * the simulator's `now` (late recordings, retention and deletions decide whether `recording` is
 * there and what `lastModifiedTime` says).
 */
import type { Account } from '../account.ts';
import { sessionIdOf, telephonySessionIdOf } from '../ids.ts';
import type { CallRecord, Party } from '../model.ts';
import type { Urls } from '../urls.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

export type CallLogView = 'Simple' | 'Detailed';

function party(p: Party): Record<string, string> {
  const out: Record<string, string> = {};
  if (p.phoneNumber) out.phoneNumber = p.phoneNumber;
  if (p.extensionNumber) out.extensionNumber = p.extensionNumber;
  if (p.extensionId) out.extensionId = p.extensionId;
  if (p.name) out.name = p.name;
  if (p.location) out.location = p.location;
  return out;
}

interface CallJsonContext {
  account: Account;
  urls: Urls;
  now: number;
  view: CallLogView;
  /** Extension-level lists give records extension-level URIs. */
  extensionScoped: boolean;
}

export function callJson(call: CallRecord, ctx: CallJsonContext): Record<string, unknown> {
  const { account, urls, now, view } = ctx;
  const base = ctx.extensionScoped ? urls.extension(account.id, call.extensionId) : urls.account(account.id);
  const extension = { uri: urls.extension(account.id, call.extensionId), id: call.extensionId };
  const common: Record<string, unknown> = {
    startTime: iso(call.startTime),
    duration: call.duration,
    durationMs: call.duration * 1000,
    type: call.type,
    internalType: call.internalType,
    direction: call.direction,
    action: call.action,
    result: call.result,
  };
  if (call.reason) common.reason = call.reason;
  common.to = party(call.to);
  common.from = party(call.from);
  common.extension = extension;
  common.transport = call.transport;

  const out: Record<string, unknown> = {
    uri: `${base}/call-log/${call.id}?view=${view}`,
    id: call.id,
    sessionId: sessionIdOf(account.ids.base, call.seq),
    telephonySessionId: telephonySessionIdOf(account.ids.base, call.seq),
    ...common,
  };
  let recording: Record<string, unknown> | undefined;
  if (call.recording && account.recordingVisible(call, now)) {
    recording = {
      uri: urls.recording(account.id, call.recording.id),
      id: call.recording.id,
      type: call.recording.type,
      contentUri: urls.recordingContent(account.id, call.recording.id),
    };
    out.recording = recording;
  }
  if (call.shortRecording) out.shortRecording = true;
  if (call.message) {
    out.message = {
      id: String(call.message.id),
      type: call.message.type,
      uri: urls.message(account.id, call.extensionId, call.message.id),
    };
  }
  out.lastModifiedTime = iso(account.lastModified(call, now));
  if (view === 'Detailed') {
    out.billing = { costIncluded: call.costIncluded, costPurchased: 0 };
    const master: Record<string, unknown> = {
      ...common,
      legType: call.direction === 'Inbound' ? 'PstnToSip' : 'SipToPstnMetered',
      master: true,
    };
    if (recording) master.recording = recording;
    const legs = [master];
    if (call.direction === 'Inbound' && call.type === 'Voice') {
      legs.push({ ...common, legType: 'Accept', to: party(call.to) });
    }
    out.legs = legs;
  }
  return out;
}
