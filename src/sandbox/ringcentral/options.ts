/**
 * Public option types of the RingCentral simulator. Everything the rest of the product (tests,
 * benchmark, demo, `npm run sim`) passes in is declared here so index.ts can re-export it.
 */
import type { WebhookOptions } from './subscriptions/hub.ts';

export type RateGroup = 'Light' | 'Medium' | 'Heavy' | 'Auth';

export const RATE_GROUPS: readonly RateGroup[] = ['Light', 'Medium', 'Heavy', 'Auth'];

/** Extension types the generator knows how to populate. */
export type ExtensionType =
  | 'User'
  | 'Department'
  | 'IvrMenu'
  | 'FaxUser'
  | 'Voicemail'
  | 'ParkLocation'
  | 'DigitalUser'
  | 'Announcement'
  | 'PagingOnly';

export type MessageKind = 'VoiceMail' | 'Fax' | 'SMS' | 'Pager';

export interface RcSimClient {
  clientId: string;
  /** Empty or missing means a public app: it authenticates with `client_id` in the body. */
  clientSecret: string;
  /** Registered redirect URIs, matched exactly (as RingCentral does). */
  redirectUris: string[];
  /**
   * Not a RingCentral feature: also accept any redirect URI that starts with one of these
   * prefixes (e.g. the app's BASE_URL + '/'), for `npm run sim` next to an app whose callback
   * path the simulator does not know.
   */
  redirectUriPrefixes?: string[];
  /** App permissions granted; default ReadAccounts ReadCallLog ReadCallRecording ReadMessages. */
  permissions?: string[];
}

export interface RcAccountSpec {
  seed: number;
  /** Number of extensions, including the admin 101. */
  extensions: number;
  /** Days of history ending at the simulator's now when the account is created. */
  days: number;
  /** Voice calls per User extension per day (other types get a share of it). Default 4. */
  callsPerExtensionPerDay?: number;
  /** Share of connected calls of 30 s or more that are recorded. Default 0.3. */
  recordedShare?: number;
  /** Messages (voicemail, fax, SMS, pager) per mailbox extension per day. Default 3. */
  messagesPerExtensionPerDay?: number;
  /** Relative weights of message kinds for User extensions. Default VoiceMail 3, Fax 1, SMS 5, Pager 1. */
  messageMix?: Partial<Record<MessageKind, number>>;
  /** Share of SMS/Pager messages that carry an MMS image. Default 0.2. */
  mmsShare?: number;
  /** Recording sizes drawn uniformly from [min, max] bytes; default: 16,000 bytes per call second. */
  recordingSizeRange?: [number, number];
  /** Voicemail audio sizes drawn from [min, max] bytes; default 16,000 bytes per voicemail second. */
  voicemailSizeRange?: [number, number];
  /** Extra recorded calls (on extension 101, in the last day) with exactly these content sizes. */
  extraRecordings?: number[];
  /** Share of User extensions other than 101 that are not admins. Default 0.9. */
  nonAdminShare?: number;
  /** Explicit extension types by index (0 = ext 101, always a User admin); overrides the default pattern. */
  extensionTypes?: ExtensionType[];
  /** Share of recorded calls of the last `lateWindowMinutes` whose recording appears late. Default 0.5. */
  lateRecordingShare?: number;
  /** Calls that ended within this many minutes before creation may get late recordings. Default 120. */
  lateWindowMinutes?: number;
  /** Range of the late delay after the call ends, in minutes. Default [5, 30]. */
  lateDelayMinutes?: [number, number];
  /** Recording retention in days (RingCentral: 90). */
  recordingRetentionDays?: number;
  /** Recordings kept per account, newest first (RingCentral: 100,000). */
  recordingCap?: number;
  /** Call log retention in days (RingCentral: 12 months). */
  callLogRetentionDays?: number;
  companyName?: string;
  /** Every extension is an enabled User (RingCentral's archiving guide counts a company in users). */
  allUsers?: boolean;
  /** Recorded calls per User per day, exactly, on top of `callsPerExtensionPerDay`. Default 0. */
  recordedCallsPerUserPerDay?: number;
  /**
   * The account keeps living after its creation: each simulated day's calls and messages are
   * generated when the clock reaches that day and appear as they end, at the same daily rates.
   */
  live?: boolean;
  /**
   * Length of one simulated day in milliseconds (default 86,400,000). Shorter days compress the
   * account's time (the benchmark's): calls of a day are spread over `dayMs` and last that much
   * less, so they appear in order. Retention stays in real days.
   */
  dayMs?: number;
}

export interface RcSimOptions {
  /** Platform listener port; 0 or missing picks a free one. */
  port?: number;
  /** Media listener port; 0 or missing picks a free one. */
  mediaPort?: number;
  /** Bind address, default 127.0.0.1. */
  host?: string;
  /** Host name used in emitted URIs when it differs from the bind address (e.g. behind Docker). */
  publicHost?: string;
  clients: RcSimClient[];
  accounts?: RcAccountSpec[];
  rateLimitWindowSeconds?: number;
  limits?: Partial<Record<RateGroup, number>>;
  accessTokenTtlSeconds?: number;
  refreshTokenTtlSeconds?: number;
  adminCanReadOtherMailboxes?: boolean;
  /** Time an export task takes from Accepted to Completed, on the simulator clock. Default 3000. */
  exportDelayMs?: number;
  /** Largest export ZIP before the attachments are split into another one. Default 1 GiB. */
  exportArchiveMaxBytes?: number;
  /** Active sessions per (user, app); the oldest is ended when a new one would exceed it. Default 5. */
  maxSessionsPerUser?: number;
  /** Base clock; the simulator adds the offset moved by `advanceClock`. Default Date.now. */
  now?: () => number;
  /** WebHook delivery: timeout, retry delays, how long failures last before blacklisting. */
  webhooks?: Partial<WebhookOptions>;
  /** Called with unexpected (non-RingCentral) errors before the 500 answer, e.g. to log them. */
  onInternalError?: (err: unknown) => void;
}

export const DEFAULT_PERMISSIONS = ['ReadAccounts', 'ReadCallLog', 'ReadCallRecording', 'ReadMessages'];

export const DEFAULT_LIMITS: Record<RateGroup, number> = { Light: 50, Medium: 40, Heavy: 10, Auth: 5 };
