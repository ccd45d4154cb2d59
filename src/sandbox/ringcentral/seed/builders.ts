/**
 * Builders for one call, voicemail, fax or text message. The seeded generator and the
 * `/__sim/activity` route both use them, so history and new activity look the same. This file
 * holds the shared context and voice calls; messages are in message-builders.ts.
 */
import type { IdAllocator } from '../ids.ts';
import type { AudioFormat, CallRecord, Extension } from '../model.ts';
import type { RcAccountSpec } from '../options.ts';
import { AUDIO_BYTES_PER_SECOND } from './media.ts';
import { outsideParty } from './names.ts';
import { extParty } from './parties.ts';
import type { Rng } from './prng.ts';

export interface BuildContext {
  ids: IdAllocator;
  spec: RcAccountSpec;
  extensions: Extension[];
}

const AUDIO_HEADER_BYTES = 44;

export function audioSize(rng: Rng, seconds: number, range: [number, number] | undefined): number {
  if (range) return rng.int(Math.max(AUDIO_HEADER_BYTES + 1, range[0]), Math.max(range[0], range[1]));
  return AUDIO_HEADER_BYTES + seconds * AUDIO_BYTES_PER_SECOND;
}

interface VoiceCallOptions {
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
