import type { RcAccountSpec, RateGroup } from '../../../src/sandbox/ringcentral/index.ts';
import { mulberry32, type Prng } from './prng.ts';

/**
 * What one seed means: a company's compressed day (the account's history plus activity arriving
 * during the run) and a schedule of faults drawn from every class the simulators and the harness
 * can produce. Pure: the same seed gives the same plan, so a failing seed replays its schedule.
 */

export const FAULT_CLASSES = [
  'rc-5xx',
  'rc-429',
  'rc-account-429',
  'rc-slow',
  'rc-cut',
  'rc-delete',
  'rc-revoke',
  'dbx-5xx',
  'dbx-429',
  'dbx-write-ops',
  'dbx-full',
  'dbx-cap',
  'kill-9',
  'sigterm',
  'db-outage',
  'redis-outage',
] as const;
export type FaultClass = (typeof FAULT_CLASSES)[number];

export interface ActivityEvent {
  at: number;
  extensionIndex: number;
  calls: number;
  recordedCalls: number;
  /** Seconds after the call ends that its recording appears (0: at once). */
  lateRecordingDelaySeconds: number;
  voicemails: number;
  faxes: number;
  sms: number;
  mms: number;
}

export interface FaultEvent {
  at: number;
  fault: FaultClass;
  /** How long the fault lasts (0: a one-off: a count of refusals, a kill, a deletion). */
  durationMs: number;
  /** The fault's own figures (see the driver for each class). */
  params: Record<string, number | string>;
}

export interface SeedPlan {
  seed: number;
  account: RcAccountSpec;
  chaosMs: number;
  activity: ActivityEvent[];
  faults: FaultEvent[];
}

export const CHAOS_MS = 40_000;

const GROUPS: RateGroup[] = ['Heavy', 'Medium', 'Light'];

/** Each class at least once, the common ones a few times more. */
const EXTRA: Partial<Record<FaultClass, number>> = {
  'rc-5xx': 6,
  'rc-429': 12,
  'rc-account-429': 4,
  'rc-cut': 8,
  'rc-delete': 6,
  'dbx-5xx': 10,
  'dbx-429': 8,
  'dbx-write-ops': 2,
  'kill-9': 2,
  sigterm: 2,
  'db-outage': 1,
};

function params(fault: FaultClass, rng: Prng): { durationMs: number; params: FaultEvent['params'] } {
  const ms = (min: number, max: number) => rng.int(min, max) * 1000;
  switch (fault) {
    case 'rc-5xx':
      // A window of time (which may find the workers between requests), or a burst of requests.
      return rng.chance(0.5)
        ? { durationMs: ms(2, 6), params: { errorRate: rng.pick([0.3, 0.6, 1]) } }
        : { durationMs: 0, params: { errorNext: rng.int(3, 10) } };
    case 'rc-429':
      return {
        durationMs: 0,
        params: { group: rng.pick(GROUPS), count: rng.int(2, 6), retryAfterSeconds: rng.int(1, 3) },
      };
    case 'rc-account-429':
      return { durationMs: 0, params: { seconds: rng.int(2, 5) } };
    case 'rc-slow':
      return { durationMs: ms(2, 6), params: { latencyMs: rng.int(100, 500) } };
    case 'rc-cut':
      return { durationMs: 0, params: { count: rng.int(2, 5) } };
    case 'rc-delete':
      // Either items a run has listed and not yet downloaded, chosen by the driver, or the next
      // downloads' own items, deleted by the simulator as each download begins.
      return {
        durationMs: 0,
        params: {
          count: rng.int(1, 3),
          pick: rng.int(0, 1_000_000),
          when: rng.pick(['listed', 'at-download']),
        },
      };
    case 'rc-revoke':
      return { durationMs: ms(2, 6), params: {} };
    case 'dbx-5xx':
      return { durationMs: 0, params: { errorNext: rng.int(4, 12), status: rng.pick([500, 503]) } };
    case 'dbx-429':
      return { durationMs: 0, params: { next: rng.int(2, 5), retryAfterSeconds: rng.int(1, 3) } };
    case 'dbx-write-ops':
      return { durationMs: ms(2, 5), params: { rate: rng.pick([0.2, 0.35, 0.5]) } };
    case 'dbx-full':
      return { durationMs: ms(2, 6), params: {} };
    case 'dbx-cap':
      return { durationMs: ms(2, 5), params: {} };
    case 'kill-9':
      return { durationMs: rng.int(500, 3000), params: { worker: rng.int(0, 1) } };
    case 'sigterm':
      return { durationMs: rng.int(500, 2000), params: { worker: rng.int(0, 1) } };
    case 'db-outage':
      return { durationMs: ms(2, 8), params: {} };
    case 'redis-outage':
      return { durationMs: ms(2, 6), params: {} };
  }
}

export function planFor(seed: number, chaosMs = CHAOS_MS): SeedPlan {
  const rng = mulberry32(seed);
  const extensions = rng.int(4, 6);
  const account: RcAccountSpec = {
    seed,
    extensions,
    days: 1,
    callsPerExtensionPerDay: rng.int(4, 8),
    recordedShare: 0.5,
    messagesPerExtensionPerDay: 2,
    mmsShare: 0.3,
    recordingSizeRange: [4_000, 40_000],
    voicemailSizeRange: [2_000, 8_000],
    // Some of the day's last recordings appear only later, once the quiet phase moves the clock.
    lateRecordingShare: 0.3,
  };
  const activity: ActivityEvent[] = Array.from({ length: rng.int(10, 20) }, () => ({
    at: rng.int(0, chaosMs - 5_000),
    extensionIndex: rng.int(0, extensions - 1),
    calls: rng.int(0, 2),
    // Media through the whole schedule, not only the opening backlog: downloads for the cut
    // bodies, the deletions at download and the upload faults to meet.
    recordedCalls: rng.int(1, 3),
    lateRecordingDelaySeconds: rng.chance(0.4) ? rng.int(5, 20) : 0,
    voicemails: rng.int(0, 1),
    faxes: rng.chance(0.3) ? 1 : 0,
    sms: rng.int(0, 2),
    mms: rng.int(0, 2),
  }));
  const faults: FaultEvent[] = [];
  for (const fault of FAULT_CLASSES) {
    const times = 1 + rng.int(0, EXTRA[fault] ?? 0);
    for (let i = 0; i < times; i += 1) {
      const drawn = params(fault, rng);
      const at = rng.int(1_000, Math.max(1_000, chaosMs - drawn.durationMs - 1_000));
      faults.push({ at, fault, ...drawn });
    }
  }
  activity.sort((a, b) => a.at - b.at);
  faults.sort((a, b) => a.at - b.at);
  return { seed, account, chaosMs, activity, faults };
}
