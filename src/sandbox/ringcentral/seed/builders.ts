/**
 * Builders for one call, voicemail, fax or text message. The seeded generator and the
 * `/__sim/activity` route both use them, so history and new activity look the same.
 */
import type { IdAllocator } from '../ids.ts';
import type { Attachment, AudioFormat, CallRecord, Extension, Message, Party } from '../model.ts';
import type { RcAccountSpec } from '../options.ts';
import { AUDIO_BYTES_PER_SECOND, buildSmallBody } from './media.ts';
import { outsideParty, smsText, transcription } from './names.ts';
import type { Rng } from './prng.ts';
import { JPEG_SIZE, PNG_BYTES, PNG_SIZE } from './images.ts';

export interface BuildContext {
  ids: IdAllocator;
  spec: RcAccountSpec;
  extensions: Extension[];
}

const AUDIO_HEADER_BYTES = 44;

const extParties = new WeakMap<Extension, Party>();

const mailboxParties = new WeakMap<Extension, Party>();
const pagerParties = new WeakMap<Extension, Party>();
const smsParties = new WeakMap<Extension, Party>();

function cached(map: WeakMap<Extension, Party>, ext: Extension, make: () => Party): Party {
  let party = map.get(ext);
  if (!party) map.set(ext, (party = make()));
  return party;
}

/**
 * Parties naming an extension are shared, read-only objects: thousands of records point at the
 * same one, which keeps large generated accounts small in memory.
 */
function extParty(ext: Extension): Party {
  return cached(extParties, ext, () => ({
    phoneNumber: ext.phoneNumber,
    extensionNumber: ext.extensionNumber,
    extensionId: String(ext.id),
    name: ext.name,
  }));
}

function mailboxParty(ext: Extension): Party {
  return cached(mailboxParties, ext, () => ({
    name: ext.name,
    phoneNumber: ext.phoneNumber,
    extensionNumber: ext.extensionNumber,
  }));
}

function pagerParty(ext: Extension): Party {
  return cached(pagerParties, ext, () => ({
    extensionNumber: ext.extensionNumber,
    extensionId: String(ext.id),
    name: ext.name,
  }));
}

function smsParty(ext: Extension): Party {
  return cached(smsParties, ext, () => ({ phoneNumber: ext.phoneNumber, name: ext.name }));
}

function audioSize(rng: Rng, seconds: number, range: [number, number] | undefined): number {
  if (range) return rng.int(Math.max(AUDIO_HEADER_BYTES + 1, range[0]), Math.max(range[0], range[1]));
  return AUDIO_HEADER_BYTES + seconds * AUDIO_BYTES_PER_SECOND;
}

export interface VoiceCallOptions {
  /** true: record it (if connected and ≥ 30 s), false: never; undefined: by recordedShare. */
  recorded?: boolean;
  /** Delay between the call's end and its recording appearing. */
  recordingDelayMs?: number;
  /** Exact recording size (extra recordings for memory tests). */
  recordingSize?: number;
  /** Forces a connected call of this many seconds. */
  duration?: number;
}

export function buildVoiceCall(
  ctx: BuildContext,
  rng: Rng,
  ext: Extension,
  start: number,
  opts: VoiceCallOptions = {},
): CallRecord {
  const inboundOnly = ext.type !== 'User' && ext.type !== 'DigitalUser';
  const inbound = inboundOnly || rng.chance(0.6);
  const outside = outsideParty(rng);
  let result: string;
  let reason: string;
  let connected: boolean;
  if (opts.duration !== undefined || opts.recordingSize !== undefined) {
    connected = true;
  } else {
    connected = rng.chance(0.8);
  }
  if (inbound) {
    result = connected ? 'Accepted' : 'Missed';
    reason = connected ? 'Accepted' : 'No Answer';
  } else if (connected) {
    result = 'Call connected';
    reason = 'Accepted';
  } else {
    const busy = rng.chance(0.5);
    result = busy ? 'Busy' : 'No Answer';
    reason = busy ? 'Line Busy' : 'Not Answered';
  }
  const duration =
    opts.duration ??
    (connected ? Math.min(3600, 5 + Math.floor(-Math.log(1 - rng.next()) * 240)) : rng.int(0, 25));
  const ids = ctx.ids.call();
  const end = start + duration * 1000;
  const wantRecording = opts.recorded ?? rng.chance(ctx.spec.recordedShare ?? 0.3);
  const recordable = connected && wantRecording;
  const format: AudioFormat = rng.chance(0.8) ? 'audio/mpeg' : 'audio/wav';
  const call: CallRecord = {
    ...ids,
    extensionId: ext.id,
    startTime: start,
    duration,
    type: 'Voice',
    direction: inbound ? 'Inbound' : 'Outbound',
    action: 'Phone Call',
    result,
    reason,
    internalType: inbound ? 'LocalNumber' : rng.pick(['Local', 'LongDistance', 'Usual']),
    transport: 'PSTN',
    from: inbound ? outside : extParty(ext),
    to: inbound ? extParty(ext) : outside,
    recording: null,
    // RingCentral keeps no recording shorter than 30 s and flags the record instead.
    shortRecording: recordable && duration < 30 && opts.recordingSize === undefined,
    message: null,
    modifiedAt: end,
    costIncluded: inbound ? 0 : Math.round(rng.next() * 20) / 100,
  };
  if (recordable && (duration >= 30 || opts.recordingSize !== undefined)) {
    call.recording = {
      id: ctx.ids.recordingId(),
      type: rng.chance(0.7) ? 'Automatic' : 'OnDemand',
      contentType: format,
      size: opts.recordingSize ?? audioSize(rng, duration, ctx.spec.recordingSizeRange),
      duration,
      availableAt: end + (opts.recordingDelayMs ?? 0),
      deleted: false,
    };
  }
  return call;
}

function messageBase(
  ctx: BuildContext,
  ext: Extension,
  type: Message['type'],
  inbound: boolean,
  time: number,
): Message {
  return {
    id: ctx.ids.messageId(),
    extensionId: ext.id,
    type,
    direction: inbound ? 'Inbound' : 'Outbound',
    creationTime: time,
    lastModifiedTime: time,
    readStatus: 'Unread',
    availability: 'Alive',
    messageStatus: inbound ? 'Received' : type === 'Fax' ? 'Sent' : 'Delivered',
    priority: 'Normal',
    from: {},
    to: [],
    attachments: [],
  };
}

function linkedCall(
  ctx: BuildContext,
  ext: Extension,
  message: Message,
  start: number,
  duration: number,
): CallRecord {
  const inbound = message.direction === 'Inbound';
  const fax = message.type === 'Fax';
  return {
    ...ctx.ids.call(),
    extensionId: ext.id,
    startTime: start,
    duration,
    type: fax ? 'Fax' : 'Voice',
    direction: message.direction,
    action: fax ? (inbound ? 'Incoming Fax' : 'Outgoing Fax') : 'Phone Call',
    result: fax ? (inbound ? 'Received' : 'Sent') : 'Voicemail',
    reason: fax ? undefined : 'Connected',
    internalType: 'LocalNumber',
    transport: 'PSTN',
    from: message.from,
    to: message.to[0] ?? {},
    recording: null,
    shortRecording: false,
    message: { id: message.id, type: fax ? 'Fax' : 'VoiceMail' },
    modifiedAt: start + duration * 1000,
    costIncluded: 0,
  };
}

/** A voicemail and the missed inbound call that left it. */
export function buildVoicemail(
  ctx: BuildContext,
  rng: Rng,
  ext: Extension,
  start: number,
): { message: Message; call: CallRecord } {
  const vmDuration = rng.int(4, 90);
  const callDuration = vmDuration + rng.int(15, 30);
  const created = start + callDuration * 1000;
  const message = messageBase(ctx, ext, 'VoiceMail', true, created);
  message.from = outsideParty(rng);
  message.to = [mailboxParty(ext)];
  message.readStatus = rng.chance(0.5) ? 'Read' : 'Unread';
  message.priority = rng.chance(0.1) ? 'High' : 'Normal';
  const format: AudioFormat = rng.chance(0.8) ? 'audio/mpeg' : 'audio/wav';
  const size = audioSize(rng, vmDuration, ctx.spec.voicemailSizeRange);
  message.attachments.push({
    id: message.id,
    type: 'AudioRecording',
    contentType: format,
    size,
    vmDuration,
    fileName: `voicemail-${message.id}.${format === 'audio/mpeg' ? 'mp3' : 'wav'}`,
    body: { kind: 'audio', format, size },
  });
  const roll = rng.next();
  message.vmTranscriptionStatus =
    roll < 0.6 ? 'Completed' : roll < 0.85 ? 'NotAvailable' : roll < 0.95 ? 'Failed' : 'InProgress';
  if (message.vmTranscriptionStatus === 'Completed') {
    const text = transcription(rng);
    message.attachments.push(
      smallAttachment(ctx, 'AudioTranscription', 'text/plain', { kind: 'text', text }),
    );
  }
  return { message, call: linkedCall(ctx, ext, message, start, callDuration) };
}

function smallAttachment(
  ctx: BuildContext,
  type: Attachment['type'],
  contentType: string,
  body: Exclude<Attachment['body'], { kind: 'audio' }>,
  extra: Partial<Attachment> = {},
): Attachment {
  const size =
    body.kind === 'png'
      ? PNG_BYTES
      : body.kind === 'text'
        ? Buffer.byteLength(body.text, 'utf8')
        : buildSmallBody(body).length;
  return { id: ctx.ids.messageId(), type, contentType, size, body, ...extra };
}

/** A fax (a real PDF) and its Fax call log record. */
export function buildFax(
  ctx: BuildContext,
  rng: Rng,
  ext: Extension,
  start: number,
): { message: Message; call: CallRecord } {
  const inbound = ext.type === 'FaxUser' || rng.chance(0.7);
  const duration = rng.int(20, 120);
  const created = start + duration * 1000;
  const message = messageBase(ctx, ext, 'Fax', inbound, created);
  const outside = outsideParty(rng);
  const me = mailboxParty(ext);
  message.from = inbound ? outside : me;
  message.to = [inbound ? me : outside];
  message.subject = outside.phoneNumber;
  message.readStatus = inbound && rng.chance(0.5) ? 'Unread' : 'Read';
  message.faxResolution = rng.chance(0.5) ? 'High' : 'Low';
  message.faxPageCount = rng.int(1, 3);
  const pdf = {
    kind: 'pdf' as const,
    pages: message.faxPageCount,
    title: `Fax ${message.id}`,
    lines: [
      `From: ${message.from.phoneNumber ?? ''}`,
      `To: ${message.to[0]?.phoneNumber ?? ''}`,
      smsText(rng),
    ],
  };
  message.attachments.push({
    id: message.id,
    type: 'RenderedDocument',
    contentType: 'application/pdf',
    size: buildSmallBody(pdf).length,
    fileName: `fax-${message.id}.pdf`,
    body: pdf,
  });
  return { message, call: linkedCall(ctx, ext, message, start, duration) };
}

/** An SMS (external party) or Pager (another extension) text, optionally with an MMS image. */
export function buildText(
  ctx: BuildContext,
  rng: Rng,
  ext: Extension,
  time: number,
  type: 'SMS' | 'Pager',
  mms: boolean,
): Message {
  const inbound = rng.chance(0.5);
  const message = messageBase(ctx, ext, type, inbound, time);
  const me = type === 'Pager' ? pagerParty(ext) : smsParty(ext);
  let peer: Party;
  if (type === 'Pager') {
    const others = ctx.extensions.filter((e) => e.id !== ext.id && e.type === 'User');
    const other = others.length > 0 ? rng.pick(others) : ext;
    peer = pagerParty(other);
  } else {
    peer = outsideParty(rng);
  }
  message.from = inbound ? peer : me;
  message.to = [inbound ? me : peer];
  message.readStatus = inbound && rng.chance(0.4) ? 'Unread' : 'Read';
  const text = smsText(rng);
  message.subject = text;
  message.conversationId = ctx.ids.conversationId(ext.id, peer.phoneNumber ?? peer.extensionNumber ?? '');
  message.attachments.push({
    id: message.id,
    type: 'Text',
    contentType: 'text/plain',
    size: Buffer.byteLength(text, 'utf8'),
    body: { kind: 'text', text },
  });
  if (mms) {
    const png = rng.chance(0.5);
    const seed = rng.int(0, 0x7fffffff);
    const side = png ? PNG_SIZE : JPEG_SIZE;
    message.attachments.push(
      smallAttachment(
        ctx,
        'MmsAttachment',
        png ? 'image/png' : 'image/jpeg',
        png ? { kind: 'png', seed } : { kind: 'jpeg', seed },
        { width: side, height: side },
      ),
    );
    message.attachments[message.attachments.length - 1]!.fileName =
      `image-${message.id}.${png ? 'png' : 'jpg'}`;
  }
  return message;
}
