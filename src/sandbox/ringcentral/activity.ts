/**
 * New activity "now" (`POST /__sim/activity`): calls, recorded calls (optionally with a recording
 * that attaches later), voicemails, faxes, SMS, MMS and pager messages on one extension. Each call
 * ends at the simulator's now and each message is created at now, so the next sync sees them.
 */
import { z } from 'zod';
import type { Account } from './account.ts';
import type { CallRecord, Extension, Message } from './model.ts';
import { buildVoiceCall, type BuildContext } from './seed/builders.ts';
import { callEnd } from './seed/generator.ts';
import { buildFax, buildText, buildVoicemail } from './seed/message-builders.ts';
import { createRng } from './seed/prng.ts';

const count = z.number().int().min(0).max(10_000).optional();

export const activityInputSchema = z
  .object({
    accountId: z.string().optional(),
    extensionNumber: z.string().optional(),
    extensionId: z.union([z.number(), z.string()]).optional(),
    calls: count,
    recordedCalls: count,
    lateRecordingDelaySeconds: z.number().min(0).optional(),
    recordingSize: z.number().int().min(45).optional(),
    voicemails: count,
    faxes: count,
    sms: count,
    mms: count,
    pager: count,
  })
  .strict();

export type ActivityInput = z.infer<typeof activityInputSchema>;

export interface ActivityResult {
  accountId: string;
  extensionId: string;
  calls: Array<{ id: string; recordingId: string | null; recordingAvailableAt: string | null }>;
  messages: Array<{ id: string; type: string }>;
}

function pickExtension(account: Account, input: ActivityInput): Extension | undefined {
  if (input.extensionId !== undefined) return account.extById.get(Number(input.extensionId));
  if (input.extensionNumber !== undefined) return account.extByNumber.get(input.extensionNumber);
  return account.admin;
}

/** Moves a built call (and its message) so that it ends exactly at `now`. */
function endAt(now: number, call: CallRecord, message?: Message): void {
  const shift = now - (message ? message.creationTime : callEnd(call));
  call.startTime += shift;
  call.modifiedAt += shift;
  if (call.recording) call.recording.availableAt += shift;
  if (message) {
    message.creationTime += shift;
    message.lastModifiedTime += shift;
  }
}

export function addActivity(account: Account, input: ActivityInput, now: number): ActivityResult | undefined {
  const ext = pickExtension(account, input);
  if (!ext) return undefined;
  const rng = createRng(`${account.spec.seed}:activity:${account.id}:${++account.activityCount}`);
  const ctx: BuildContext = { ids: account.ids, spec: account.spec, extensions: account.extensions };
  const calls: CallRecord[] = [];
  const messages: Message[] = [];
  for (let i = 0; i < (input.calls ?? 0); i++) {
    const call = buildVoiceCall(ctx, rng, ext, now, { recorded: false });
    endAt(now, call);
    calls.push(call);
  }
  for (let i = 0; i < (input.recordedCalls ?? 0); i++) {
    const call = buildVoiceCall(ctx, rng, ext, now, {
      recorded: true,
      duration: rng.int(30, 600),
      recordingSize: input.recordingSize,
      recordingDelayMs: (input.lateRecordingDelaySeconds ?? 0) * 1000,
    });
    endAt(now, call);
    calls.push(call);
  }
  const withCall = (built: { message: Message; call: CallRecord }): void => {
    endAt(now, built.call, built.message);
    calls.push(built.call);
    messages.push(built.message);
  };
  for (let i = 0; i < (input.voicemails ?? 0); i++) withCall(buildVoicemail(ctx, rng, ext, now));
  for (let i = 0; i < (input.faxes ?? 0); i++) withCall(buildFax(ctx, rng, ext, now));
  for (let i = 0; i < (input.sms ?? 0); i++) messages.push(buildText(ctx, rng, ext, now, 'SMS', false));
  for (let i = 0; i < (input.mms ?? 0); i++) messages.push(buildText(ctx, rng, ext, now, 'SMS', true));
  for (let i = 0; i < (input.pager ?? 0); i++) messages.push(buildText(ctx, rng, ext, now, 'Pager', false));
  account.add(calls, messages, now);
  return {
    accountId: account.id,
    extensionId: String(ext.id),
    calls: calls.map((c) => ({
      id: c.id,
      recordingId: c.recording?.id ?? null,
      recordingAvailableAt: c.recording ? new Date(c.recording.availableAt).toISOString() : null,
    })),
    messages: messages.map((m) => ({ id: String(m.id), type: m.type })),
  };
}
