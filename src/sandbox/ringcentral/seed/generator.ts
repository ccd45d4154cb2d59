/**
 * The seeded account generator. Each extension draws from its own PRNG stream ("seed:ext:i"), so
 * an account's history depends only on its spec and creation time. Costs are linear in the number
 * of records and small per record, so 1,000 small accounts or 2,000 extensions take seconds.
 */
import type { IdAllocator } from '../ids.ts';
import type { CallRecord, Extension, Message } from '../model.ts';
import type { ExtensionType, MessageKind, RcAccountSpec } from '../options.ts';
import { buildVoiceCall, type BuildContext } from './builders.ts';
import { buildFax, buildText, buildVoicemail } from './message-builders.ts';
import { COMPANY_SUFFIXES, COMPANY_WORDS, DEPARTMENTS, personName } from './names.ts';
import { countAround, createRng, type Rng } from './prng.ts';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** The default type of extension index i (0 is always the admin User 101). */
export function defaultExtensionType(i: number): ExtensionType {
  if (i === 0) return 'User';
  const mod10 = i % 10;
  if (mod10 === 4) return 'Department';
  if (mod10 === 6) return 'FaxUser';
  if (mod10 === 7) return 'IvrMenu';
  if (mod10 === 8) return 'Voicemail';
  if (i % 20 === 9) return 'ParkLocation';
  return 'User';
}

function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, '')
    .toLowerCase();
}

export function generateExtensions(
  ids: IdAllocator,
  spec: RcAccountSpec,
  createdAt: number,
): { companyName: string; mainNumber: string; extensions: Extension[] } {
  const rng = createRng(`${spec.seed}:account`);
  const companyName = spec.companyName ?? `${rng.pick(COMPANY_WORDS)} ${rng.pick(COMPANY_SUFFIXES)}`;
  const domain = `${slug(companyName) || 'company'}.example`;
  const mainNumber = `+1650${String(5_000_000 + (ids.base % 1_000_000)).padStart(7, '0')}`;
  const extensions: Extension[] = [];
  const count = Math.max(1, spec.extensions);
  for (let i = 0; i < count; i++) {
    const type = i === 0 || spec.allUsers ? 'User' : (spec.extensionTypes?.[i] ?? defaultExtensionType(i));
    const extRng = createRng(`${spec.seed}:ext:${i}`);
    const number = String(101 + i);
    let firstName: string;
    let lastName: string;
    if (type === 'User' || type === 'DigitalUser') {
      ({ firstName, lastName } = personName(extRng));
    } else {
      firstName =
        type === 'Department'
          ? extRng.pick(DEPARTMENTS)
          : type === 'IvrMenu'
            ? 'Auto-Receptionist'
            : type === 'FaxUser'
              ? 'Fax Line'
              : type === 'Voicemail'
                ? 'Message Only'
                : type === 'ParkLocation'
                  ? 'Park Location'
                  : type;
      lastName = number;
    }
    const nonAdminShare = spec.nonAdminShare ?? 0.9;
    const admin = i === 0 || (type === 'User' && extRng.next() >= nonAdminShare);
    extensions.push({
      id: ids.extensionId(),
      extensionNumber: number,
      name: `${firstName} ${lastName}`,
      firstName,
      lastName,
      email: `${slug(firstName)}.${slug(lastName)}.${number}@${domain}`,
      type,
      status: i > 0 && i % 25 === 24 && !spec.allUsers ? 'Disabled' : 'Enabled',
      admin,
      phoneNumber: `+1650${String(5_550_000 + (i % 4_000_000)).padStart(7, '0')}`,
      creationTime: createdAt - spec.days * dayLength(spec) - 30 * DAY_MS,
    });
  }
  return { companyName, mainNumber, extensions };
}

function callRate(type: ExtensionType, rate: number): number {
  if (type === 'User' || type === 'DigitalUser') return rate;
  if (type === 'Department') return rate * 0.75;
  if (type === 'IvrMenu') return rate * 0.5;
  return 0;
}

function messageMix(type: ExtensionType, spec: RcAccountSpec): Partial<Record<MessageKind, number>> | null {
  if (type === 'User' || type === 'DigitalUser') {
    return spec.messageMix ?? { VoiceMail: 3, Fax: 1, SMS: 5, Pager: 1 };
  }
  if (type === 'Department' || type === 'Voicemail') return { VoiceMail: 1 };
  if (type === 'FaxUser') return { Fax: 1 };
  return null;
}

export interface Generated {
  calls: CallRecord[];
  messages: Message[];
}

/** The length of one simulated day of this account (shorter than a day in compressed time). */
export function dayLength(spec: RcAccountSpec): number {
  return spec.dayMs ?? DAY_MS;
}

/**
 * Scales a built call (and its message) around its start so its span fits a compressed day:
 * the record keeps its stated duration, but ends, attaches its recording and creates its message
 * `dayMs / day` as long after its start.
 */
function compress(call: CallRecord, message: Message | undefined, k: number): void {
  if (k >= 1) return;
  const start = call.startTime;
  const squeeze = (t: number) => start + Math.round((t - start) * k);
  call.endsAt = squeeze(start + call.duration * 1000);
  call.modifiedAt = squeeze(call.modifiedAt);
  if (call.recording) call.recording.availableAt = squeeze(call.recording.availableAt);
  if (message) {
    message.creationTime = squeeze(message.creationTime);
    message.lastModifiedTime = squeeze(message.lastModifiedTime);
  }
}

/** When a call ends on the simulator clock. */
export function callEnd(call: CallRecord): number {
  return call.endsAt ?? call.startTime + call.duration * 1000;
}

interface DayPlan {
  ctx: BuildContext;
  spec: RcAccountSpec;
  /** The account's "now" at creation: history calls are fitted before it. */
  anchor: number;
  /** Live accounts let calls end after the anchor (they appear when they end). */
  fitToAnchor: boolean;
  /** Late recordings for calls ending after this time. */
  lateFrom: number;
}

/** One extension's calls and messages of the day that starts at `dayStart`. */
function generateDay(plan: DayPlan, rng: Rng, ext: Extension, dayStart: number, out: Generated): void {
  const { ctx, spec } = plan;
  const dayMs = dayLength(spec);
  const k = dayMs / DAY_MS;
  const lateShare = spec.lateRecordingShare ?? 0.5;
  const [lateMin, lateMax] = spec.lateDelayMinutes ?? [5, 30];
  const at = () => dayStart + Math.floor(rng.next() * dayMs);
  const place = (call: CallRecord, message?: Message) => {
    compress(call, message, k);
    if (plan.fitToAnchor) fitBefore(call, plan.anchor, rng, message);
  };
  const voiceCall = (call: CallRecord) => {
    place(call);
    const rec = call.recording;
    const end = callEnd(call);
    if (rec) {
      rec.availableAt = end;
      if (end >= plan.lateFrom && rng.chance(lateShare)) {
        // A late recording: the record first appears without it, then gains it minutes later.
        rec.availableAt = end + Math.round(rng.int(lateMin * MINUTE_MS, lateMax * MINUTE_MS) * k);
      }
    }
    out.calls.push(call);
  };

  const nCalls = countAround(rng, callRate(ext.type, spec.callsPerExtensionPerDay ?? 4));
  for (let c = 0; c < nCalls; c++) voiceCall(buildVoiceCall(ctx, rng, ext, at()));
  const recorded = isUser(ext.type) ? (spec.recordedCallsPerUserPerDay ?? 0) : 0;
  for (let c = 0; c < recorded; c++) {
    voiceCall(buildVoiceCall(ctx, rng, ext, at(), { recorded: true, duration: rng.int(30, 600) }));
  }

  const mix = messageMix(ext.type, spec);
  const nMessages = mix ? countAround(rng, spec.messagesPerExtensionPerDay ?? 3) : 0;
  for (let m = 0; m < nMessages && mix; m++) {
    const kind = rng.weighted(mix);
    const drawn = at();
    const start = plan.fitToAnchor ? Math.min(drawn, plan.anchor - 10 * MINUTE_MS * k) : drawn;
    if (kind === 'VoiceMail' || kind === 'Fax') {
      const built =
        kind === 'VoiceMail' ? buildVoicemail(ctx, rng, ext, start) : buildFax(ctx, rng, ext, start);
      compress(built.call, built.message, k);
      out.messages.push(built.message);
      out.calls.push(built.call);
    } else {
      out.messages.push(buildText(ctx, rng, ext, start, kind, rng.chance(spec.mmsShare ?? 0.2)));
    }
  }
}

function isUser(type: ExtensionType): boolean {
  return type === 'User' || type === 'DigitalUser';
}

/**
 * The account's history: `days` days ending at the anchor (its creation time). An account that is
 * not live draws each extension's days from one PRNG stream; a live account draws each (extension,
 * day) from its own stream, so its history and its later days come from the same rule.
 */
export function generateHistory(
  ids: IdAllocator,
  spec: RcAccountSpec,
  extensions: Extension[],
  anchor: number,
): Generated {
  const ctx: BuildContext = { ids, spec, extensions };
  const out: Generated = { calls: [], messages: [] };
  const dayMs = dayLength(spec);
  const lateFrom = anchor - Math.round((spec.lateWindowMinutes ?? 120) * MINUTE_MS * (dayMs / DAY_MS));
  const plan: DayPlan = { ctx, spec, anchor, fitToAnchor: !spec.live, lateFrom };
  if (spec.live) {
    for (let d = -spec.days; d < 0; d++) generateLiveDay(ctx, spec, extensions, anchor, d, out, lateFrom);
  } else {
    extensions.forEach((ext, i) => {
      const rng = createRng(`${spec.seed}:history:${i}`);
      for (let d = 0; d < spec.days; d++) generateDay(plan, rng, ext, anchor - (spec.days - d) * dayMs, out);
    });
  }

  const admin = extensions[0];
  if (admin) {
    const rng = createRng(`${spec.seed}:extra`);
    for (const size of spec.extraRecordings ?? []) {
      const duration = Math.max(30, Math.min(3600, Math.ceil(size / 16_000)));
      const start = anchor - rng.int(2 * 3600, 20 * 3600) * 1000;
      const call = buildVoiceCall(ctx, rng, admin, start, { recorded: true, recordingSize: size, duration });
      fitBefore(call, anchor, rng);
      out.calls.push(call);
    }
  }
  return out;
}

/**
 * Day `d` of a live account (0 is the day that starts at its creation, negative days are history):
 * every extension's calls and messages of that day, ready to be indexed when the clock reaches it.
 */
export function generateLiveDay(
  ctx: BuildContext,
  spec: RcAccountSpec,
  extensions: Extension[],
  anchor: number,
  d: number,
  out: Generated = { calls: [], messages: [] },
  lateFrom = -Infinity,
): Generated {
  const dayStart = anchor + d * dayLength(spec);
  const plan: DayPlan = { ctx, spec, anchor, fitToAnchor: false, lateFrom };
  extensions.forEach((ext, i) => {
    generateDay(plan, createRng(`${spec.seed}:history:${i}:${d}`), ext, dayStart, out);
  });
  return out;
}

/** Moves a call (and its message) so it ends before the anchor (the account's "now" at creation). */
function fitBefore(
  call: CallRecord,
  anchor: number,
  rng: { int(a: number, b: number): number },
  message?: Message,
): void {
  const end = callEnd(call);
  if (end <= anchor) return;
  const shift = end - anchor + rng.int(1, 600) * 1000;
  call.startTime -= shift;
  call.modifiedAt -= shift;
  if (call.endsAt !== undefined) call.endsAt -= shift;
  if (call.recording) call.recording.availableAt -= shift;
  if (message) {
    message.creationTime -= shift;
    message.lastModifiedTime -= shift;
  }
}
