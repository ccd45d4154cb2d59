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
import { countAround, createRng } from './prng.ts';

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
    const type = i === 0 ? 'User' : (spec.extensionTypes?.[i] ?? defaultExtensionType(i));
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
      status: i > 0 && i % 25 === 24 ? 'Disabled' : 'Enabled',
      admin,
      phoneNumber: `+1650${String(5_550_000 + (i % 4_000_000)).padStart(7, '0')}`,
      creationTime: createdAt - (spec.days + 30) * DAY_MS,
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

export function generateHistory(
  ids: IdAllocator,
  spec: RcAccountSpec,
  extensions: Extension[],
  anchor: number,
): { calls: CallRecord[]; messages: Message[] } {
  const ctx: BuildContext = { ids, spec, extensions };
  const calls: CallRecord[] = [];
  const messages: Message[] = [];
  const lateWindow = (spec.lateWindowMinutes ?? 120) * MINUTE_MS;
  const [lateMin, lateMax] = spec.lateDelayMinutes ?? [5, 30];
  const lateShare = spec.lateRecordingShare ?? 0.5;

  extensions.forEach((ext, i) => {
    const rng = createRng(`${spec.seed}:history:${i}`);
    const callsPerDay = callRate(ext.type, spec.callsPerExtensionPerDay ?? 4);
    const mix = messageMix(ext.type, spec);
    const messagesPerDay = mix ? (spec.messagesPerExtensionPerDay ?? 3) : 0;
    for (let d = 0; d < spec.days; d++) {
      const dayStart = anchor - (spec.days - d) * DAY_MS;
      const nCalls = countAround(rng, callsPerDay);
      for (let c = 0; c < nCalls; c++) {
        const start = dayStart + Math.floor(rng.next() * DAY_MS);
        const call = buildVoiceCall(ctx, rng, ext, start);
        fitBefore(call, anchor, rng);
        const rec = call.recording;
        const end = call.startTime + call.duration * 1000;
        if (rec) {
          rec.availableAt = end;
          if (end >= anchor - lateWindow && rng.chance(lateShare)) {
            // A late recording: the record first appears without it, then gains it minutes later.
            rec.availableAt = end + rng.int(lateMin * MINUTE_MS, lateMax * MINUTE_MS);
          }
        }
        calls.push(call);
      }
      const nMessages = mix ? countAround(rng, messagesPerDay) : 0;
      for (let m = 0; m < nMessages && mix; m++) {
        const kind = rng.weighted(mix);
        const start = Math.min(dayStart + Math.floor(rng.next() * DAY_MS), anchor - 10 * MINUTE_MS);
        if (kind === 'VoiceMail' || kind === 'Fax') {
          const built =
            kind === 'VoiceMail' ? buildVoicemail(ctx, rng, ext, start) : buildFax(ctx, rng, ext, start);
          messages.push(built.message);
          calls.push(built.call);
        } else {
          messages.push(buildText(ctx, rng, ext, start, kind, rng.chance(spec.mmsShare ?? 0.2)));
        }
      }
    }
  });

  const admin = extensions[0];
  if (admin) {
    const rng = createRng(`${spec.seed}:extra`);
    for (const size of spec.extraRecordings ?? []) {
      const duration = Math.max(30, Math.min(3600, Math.ceil(size / 16_000)));
      const start = anchor - rng.int(2 * 3600, 20 * 3600) * 1000;
      const call = buildVoiceCall(ctx, rng, admin, start, { recorded: true, recordingSize: size, duration });
      fitBefore(call, anchor, rng);
      calls.push(call);
    }
  }
  return { calls, messages };
}

/** Moves a call so it ends before the anchor (the account's "now" at creation). */
function fitBefore(call: CallRecord, anchor: number, rng: { int(a: number, b: number): number }): void {
  const end = call.startTime + call.duration * 1000;
  if (end <= anchor) return;
  const shift = end - anchor + rng.int(1, 600) * 1000;
  call.startTime -= shift;
  call.modifiedAt -= shift;
  if (call.recording) call.recording.availableAt -= shift;
}
