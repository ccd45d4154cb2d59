import type { Provider } from '../store/types.ts';

/**
 * The alerts a tenant's admins get by e-mail, and the figures each one carries. Figures only: an
 * alert never holds a token, a code or a secret, so nothing secret can reach a message built
 * from it.
 */

export const ALERT_KINDS = [
  'reconnect',
  'failing',
  'storage',
  'risk',
  'throttled',
  'capped',
  'users',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Runs that must fail in a row before "backups are failing" is sent (one bad hour is noise). */
export const FAILED_RUNS_THRESHOLD = 3;
/** Dropbox counts as nearly full below this much free space, or below FREE_SPACE_SHARE of it. */
const FREE_SPACE_FLOOR_BYTES = 500 * 1024 * 1024;
const FREE_SPACE_SHARE = 0.05;
/** Unarchived recordings this old are close to RingCentral's 90-day deletion. */
export const RISK_AGE_DAYS = 60;
/** Account-level 429 storms that make "RingCentral is limiting the whole account" news (one is noise). */
export const THROTTLED_STORMS = 2;
/** An alert that stays open is repeated at most this often. */
export const REMINDER_INTERVAL_MS = 24 * 60 * 60 * 1000;

export type AlertDetails =
  | { kind: 'reconnect'; provider: Provider }
  | { kind: 'failing'; failedRuns: number; problem: string | null }
  | { kind: 'storage'; used: number; allocated: number; free: number; thresholdBytes: number }
  | {
      kind: 'risk';
      atRisk: number;
      oldestAgeDays: number | null;
      projectedLoss: number;
      /** When RingCentral deletes the first of them (ms), and what would prevent it. */
      firstLossAt?: number | null;
      inflowPerDay?: number;
      capacityPerDay?: number;
      users?: number;
      usersNeeded?: number | null;
      heavyLimitNeeded?: number | null;
      windowSeconds?: number;
    }
  | { kind: 'throttled'; storms: number; runs: number; pausedMs: number }
  /** The destination refuses uploads until its period ends (Dropbox Business's monthly cap). */
  | { kind: 'capped'; problem: string | null }
  /** Further connected RingCentral users set aside (grant lost, role gone); the others carry on. */
  | { kind: 'users'; users: Array<{ label: string; reason: string }> };

/** What the latest facts say about one alert. `unknown`: no evidence either way, keep it as it is. */
export type Assessment =
  { state: 'active'; details: AlertDetails } | { state: 'clear' } | { state: 'unknown' };

export type Assessments = Record<AlertKind, Assessment>;

/** An alert the admins were told about (or are about to be), kept until it recovers. */
interface OpenAlert {
  openedAt: number;
  /** When the last e-mail about it went out; null when it still has to be sent. */
  lastSentAt: number | null;
  /** Whether the opening e-mail went out: without it, a recovery is not worth a message. */
  notified: boolean;
  details: AlertDetails;
}

export type OpenAlerts = Partial<Record<AlertKind, OpenAlert>>;

export type NotificationType = 'opened' | 'reminder' | 'recovered';

/** One e-mail to send. */
export interface NotificationEvent {
  type: NotificationType;
  kind: AlertKind;
  details: AlertDetails;
  openedAt: number;
}

/** Free space below which Dropbox counts as nearly full: max(500 MB, 5 % of the allocation). */
export function freeSpaceThreshold(allocated: number): number {
  return Math.max(FREE_SPACE_FLOOR_BYTES, Math.round(allocated * FREE_SPACE_SHARE));
}
