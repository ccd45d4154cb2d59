/** Builders for voicemail (with its call), faxes (with their call) and SMS/MMS/pager messages. */
import type { Attachment, AudioFormat, CallRecord, Extension, Message, Party } from '../model.ts';
import { audioSize, type BuildContext } from './builders.ts';
import { JPEG_SIZE, PNG_BYTES, PNG_SIZE } from './images.ts';
import { buildSmallBody } from './media.ts';
import { outsideParty, smsText, transcription } from './names.ts';
import { mailboxParty, pagerParty, smsParty } from './parties.ts';
import type { Rng } from './prng.ts';

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
