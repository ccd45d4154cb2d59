/**
 * The company of RingCentral's archiving guide: 4,000 users who each make 10 recorded calls a day,
 * 40,000 recordings a day — enough to fill RingCentral's 100,000-recording cap in two and a half
 * days. `scale` shrinks the company and the cap by one factor (the benchmark's), `dayMs` compresses
 * its time; the account is live, so its calls keep coming as the simulator's clock moves.
 */
import type { RcAccountSpec } from '../options.ts';

export const GUIDE_USERS = 4_000;
export const GUIDE_RECORDED_CALLS_PER_USER_PER_DAY = 10;
export const RINGCENTRAL_RECORDING_CAP = 100_000;

interface GuideCompanyOptions {
  seed: number;
  /** Days of history before now (default 1). */
  days?: number;
  /** Company size and recording cap as a share of the guide's (default 1). */
  scale?: number;
  dayMs?: number;
  /** Recording sizes in bytes (default 8–24 KB: the benchmark measures requests, not bytes). */
  recordingSizeRange?: [number, number];
  companyName?: string;
}

export function guideCompany(options: GuideCompanyOptions): RcAccountSpec {
  const scale = options.scale ?? 1;
  return {
    seed: options.seed,
    extensions: Math.max(1, Math.round(GUIDE_USERS * scale)),
    days: options.days ?? 1,
    allUsers: true,
    callsPerExtensionPerDay: 0,
    recordedCallsPerUserPerDay: GUIDE_RECORDED_CALLS_PER_USER_PER_DAY,
    messagesPerExtensionPerDay: 0,
    lateRecordingShare: 0,
    recordingSizeRange: options.recordingSizeRange ?? [8_000, 24_000],
    recordingCap: Math.max(1, Math.round(RINGCENTRAL_RECORDING_CAP * scale)),
    live: true,
    ...(options.dayMs !== undefined ? { dayMs: options.dayMs } : {}),
    companyName: options.companyName ?? 'Guide Example Co',
  };
}
