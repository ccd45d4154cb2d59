/**
 * The Store port: everything the product keeps, independent of the database behind it.
 * Two adapters implement it (store/postgres, store/mongo) and one contract suite holds both to the
 * same behaviour. Records are plain data; the meaning of settings and cursor positions belongs to
 * the modules that own them (tenants/, archive/), so the store keeps them as JSON.
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export type TenantStatus = 'active' | 'paused' | 'needs_reconnect' | 'uninstalled';
/** A registered provider's id ('ringcentral', 'dropbox' ...; see connections/registry.ts). */
export type Provider = string;

export interface Installer {
  extensionId: string;
  name: string;
  email?: string;
}

export interface Tenant {
  /** The RingCentral account id: one tenant per RingCentral account. */
  id: string;
  companyName: string;
  installedBy: Installer;
  status: TenantStatus;
  /** Why the status is what it is, in words for the admin ("RingCentral access was revoked"). */
  statusReason: string | null;
  settings: JsonObject;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewTenant {
  id: string;
  companyName: string;
  installedBy: Installer;
  settings: JsonObject;
}

export interface Connection {
  tenantId: string;
  provider: Provider;
  /** The provider's own id for the connected account (RingCentral account id, Dropbox account id). */
  accountId: string;
  /** What the admin recognises: a Dropbox e-mail, a RingCentral user name. */
  accountLabel: string;
  /** Sealed token bundle (see connections/vault): never plaintext. */
  tokenCiphertext: string;
  keyId: string;
  accessExpiresAt: Date | null;
  refreshExpiresAt: Date | null;
  /** Bumped by every write; writers pass the version they read (compare-and-swap). */
  version: number;
  /** While set in the future, one process is refreshing this connection; others wait. */
  refreshLeaseUntil: Date | null;
  lastRefreshError: string | null;
  lastRefreshedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

type NewConnection = Pick<
  Connection,
  | 'tenantId'
  | 'provider'
  | 'accountId'
  | 'accountLabel'
  | 'tokenCiphertext'
  | 'keyId'
  | 'accessExpiresAt'
  | 'refreshExpiresAt'
>;

export type ConnectionPatch = Partial<
  Pick<
    Connection,
    | 'tokenCiphertext'
    | 'keyId'
    | 'accessExpiresAt'
    | 'refreshExpiresAt'
    | 'refreshLeaseUntil'
    | 'lastRefreshError'
    | 'lastRefreshedAt'
    | 'accountLabel'
  >
>;

/**
 * A position in one of a tenant's streams ("calllog", "mailbox:<extensionId>"): it only moves
 * forward, by compare-and-swap. What a position holds is the stream's own schema (archive/cursors).
 */
export interface Cursor {
  tenantId: string;
  stream: string;
  position: JsonObject;
  version: number;
  updatedAt: Date;
}

/**
 * Per-tenant state that is not a position in a stream: decisions and bookkeeping such as the weekly
 * mailbox-access check, the days whose report files are owed, or the open alerts. Written by
 * compare-and-swap on its version like a cursor; each key's schema belongs to the module owning it
 * (see store/state-slot.ts).
 */
export interface StateRecord {
  tenantId: string;
  key: string;
  value: JsonObject;
  version: number;
  updatedAt: Date;
}

/**
 * A file's hash as its destination knows it: the algorithm ('dropbox-content-hash', 'sha256') and
 * the lowercase hex value. Kept so a listing of the destination can be compared with the ledger.
 */
export interface RemoteHash {
  algorithm: string;
  value: string;
}

/** One archived object in the tenant's destination: the archive manifest. */
export interface LedgerEntry {
  tenantId: string;
  /** One of the kinds registry's ids (archive/kinds/registry.ts): call, recording, sms, report ... */
  kind: string;
  sourceId: string;
  /** '' for the record itself (its JSON), else the attachment or recording id. */
  attachmentId: string;
  path: string;
  size: number;
  sha256: string;
  remoteHash: RemoteHash;
  /** The source's lastModifiedTime when archived: a newer one means the metadata changed. */
  sourceModifiedAt: Date | null;
  archivedAt: Date;
  /** The local day (YYYY-MM-DD, tenant's timezone) whose manifest lists this file; null for none. */
  day: string | null;
}

export type LedgerKey = Pick<LedgerEntry, 'kind' | 'sourceId' | 'attachmentId'>;

/**
 * What search and the item page know of one archived call or message, kept apart from the archive
 * so a search never reads Dropbox. Written with the record's ledger row (recordArchived), or by
 * the one-off backfill for archives made before search existed.
 */
export interface SearchEntry {
  tenantId: string;
  /** A kind whose source is a record: call, voicemail, fax, sms, mms. */
  kind: string;
  sourceId: string;
  /** Start of the call, creation of the message. */
  at: Date;
  /** 'Inbound', 'Outbound' or '' when RingCentral did not say. */
  direction: string;
  /** The parties as shown: "+15551230000 (Jane Doe)"; several recipients joined with "; ". */
  from: string;
  to: string;
  /** Every phone number of the parties, digits only, and the extension numbers involved. */
  numbers: string[];
  /** Names of the parties and of the extension, as words are searched (any case). */
  names: string[];
  extension: { id: string | null; number: string | null; name: string | null } | null;
  /** A call with a recording, or a voicemail (its audio). */
  hasRecording: boolean;
  durationSeconds: number | null;
  /** Call result ("Accepted", "Missed"...) or message status. */
  result: string;
  /** SMS text, fax page count... one line for the result list. */
  summary: string;
  /** The record's JSON in the archive. */
  path: string;
  /** Ledger keys of everything archived for it, the record's JSON first. */
  files: LedgerKey[];
}

type SearchKey = Pick<SearchEntry, 'kind' | 'sourceId'>;

export interface SearchQuery {
  /** Words and numbers as typed: "+1 (650) 555-0000", "555-0000", "101", "jane". */
  text?: string;
  kinds?: string[];
  direction?: 'Inbound' | 'Outbound';
  /** [from, to) on `at`. */
  from?: Date;
  to?: Date;
  hasRecording?: boolean;
  limit?: number;
  /** The `next` of the previous page. */
  after?: string | null;
}

export interface SearchResults {
  /** Newest first. */
  items: SearchEntry[];
  next: string | null;
  /** Matches per kind, counted up to `countLimit` matches in all. */
  counts: Record<string, number>;
  /** The counts stopped at the limit: there are more matches than they say. */
  countsCapped: boolean;
}

/** A folder of the archive with what it holds, sub-folders included. */
export interface FolderSummary {
  /** '/Company/2026'; '' is the root. */
  path: string;
  name: string;
  files: number;
  bytes: number;
}

export type ReportName = 'calls' | 'sms';

/** One row of a daily report file, kept so the day's file can be rewritten whole. */
export interface ReportRow {
  key: string;
  row: JsonObject;
}

export type ItemStatus = 'pending' | 'failed' | 'skipped';

/** An item that is not (yet) in the ledger because an attempt failed or it was skipped. */
export interface OutstandingItem extends LedgerKey {
  tenantId: string;
  status: ItemStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date | null;
  /** What the pipeline needs to try again without listing the source again. */
  descriptor: JsonObject;
  firstSeenAt: Date;
  updatedAt: Date;
}

export type RunStatus = 'running' | 'succeeded' | 'partial' | 'failed' | 'interrupted';

export interface Run {
  id: string;
  tenantId: string;
  trigger: string;
  status: RunStatus;
  startedAt: Date;
  finishedAt: Date | null;
  /** Counts, bytes per kind, API calls per rate group, 429s, backfill progress ... */
  stats: JsonObject;
  errors: JsonObject[];
  timeBoxed: boolean;
}

export interface AuditEntry {
  tenantId: string;
  seq: number;
  at: Date;
  actor: string;
  action: string;
  details: JsonObject;
  prevHash: string;
  hash: string;
}

/** A RingCentral WebHook subscription the product keeps for a tenant (see src/push/). */
export interface PushSubscription {
  /** RingCentral's id of the subscription. */
  id: string;
  tenantId: string;
  /** SHA-256 (hex) of its Verification-Token: the token itself is never stored. */
  verificationHash: string;
  eventFilters: string[];
  /** Filters RingCentral kept out (e.g. telephony sessions without the CallControl permission). */
  disabledFilters: string[];
  /** As RingCentral last reported it: Active or Blacklisted. */
  status: string;
  expiresAt: Date;
  createdAt: Date;
  checkedAt: Date;
  lastEventAt: Date | null;
}

/** A stream a notification said has changed, waiting for an early run to read it (src/push/). */
export interface DirtyStream {
  tenantId: string;
  /** A cursor's stream name: "calllog", "mailbox:<extensionId>". */
  stream: string;
  /** When the latest notification for it arrived. */
  changedAt: Date;
  /** When an early run should read it. */
  dueAt: Date;
  /** Read it from no later than this (a call's start: the call log lists calls by start time). */
  since: Date | null;
  /** Early runs that read it while something announced was still missing. */
  attempts: number;
  /** Ids announced by notifications that the archive does not hold yet (call recordings). */
  awaiting: string[];
  /** Bumped by every write: settling a mark is a compare-and-swap against it. */
  version: number;
}

export interface Page<T> {
  items: T[];
  /** Pass back to get the next page; null at the end. */
  next: string | null;
}

export interface RunLease {
  /** Increases with every acquisition: a stale holder's token is always smaller. */
  token: number;
  until: Date;
}

/** The run a write belongs to: the company and the fencing token of the lease it took. */
export interface RunFence {
  tenantId: string;
  token: number;
}

/**
 * The writes of a run (ledger, search entries, outstanding items, cursors, state, report rows, the
 * run row): through a fenced store (Store.fenced) each is refused with LeaseLostError once the
 * company's lease token is no longer the run's, checked by the database in the write's own
 * transaction (store/fence.ts).
 */
export const FENCED_WRITES = [
  'startRun',
  'recordArchived',
  'deleteLedgerEntry',
  'saveSearchEntries',
  'saveReportRows',
  'saveOutstanding',
  'deleteOutstanding',
  'saveCursor',
  'saveState',
  'updateRun',
] as const satisfies ReadonlyArray<keyof Store>;

export type FencedWrite = (typeof FENCED_WRITES)[number];

export interface Store {
  readonly kind: 'postgres' | 'mongo';
  /** Creates or upgrades the schema; safe to call from many processes at once. */
  migrate(): Promise<void>;
  /** Throws when the database is unreachable (readiness probe). */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Queries issued so far by this process (the benchmark reports queries per tenant-run). */
  queryCount(): number;

  createTenant(tenant: NewTenant): Promise<Tenant>;
  getTenant(id: string): Promise<Tenant | null>;
  /** Every tenant, or those of the given statuses, ordered by id (small sets; see pageTenants). */
  listTenants(filter?: { status?: TenantStatus[] }): Promise<Tenant[]>;
  /**
   * The same, a page at a time, ordered by id: for work over the whole deployment (the daily
   * verification's fan-out), which must not hold every tenant at once.
   */
  pageTenants(options?: {
    status?: TenantStatus[];
    limit?: number;
    after?: string | null;
  }): Promise<Page<Tenant>>;
  updateTenant(
    id: string,
    patch: Partial<Pick<Tenant, 'companyName' | 'installedBy' | 'status' | 'statusReason' | 'settings'>>,
  ): Promise<Tenant | null>;
  /** Removes the tenant and everything that hangs off it except the audit log. */
  deleteTenant(id: string): Promise<void>;

  /** Takes the tenant's run lease when free or expired; null when another holder has it. */
  acquireRunLease(tenantId: string, owner: string, ttlMs: number): Promise<RunLease | null>;
  renewRunLease(tenantId: string, token: number, ttlMs: number): Promise<boolean>;
  releaseRunLease(tenantId: string, token: number): Promise<void>;
  /**
   * This store with the run's writes (FENCED_WRITES) fenced by its lease: each is refused with
   * LeaseLostError unless `fence.token` is still the company's current, unreleased lease token.
   */
  fenced(fence: RunFence): Store;
  /**
   * Throws, saying what to do, when this database cannot fence a run's writes (a standalone
   * MongoDB has no transactions: store/mongo/fence.ts). A process that runs archives calls it at
   * start, so it refuses to start rather than fail every run.
   */
  checkRunFencing(): Promise<void>;

  getConnection(tenantId: string, provider: Provider): Promise<Connection | null>;
  /** One tenant's connections, or every connection of one provider (small sets; see pageConnections). */
  listConnections(filter?: { provider?: Provider; tenantId?: string }): Promise<Connection[]>;
  /**
   * Every connection, a page at a time, ordered by tenant and provider; with refreshedBefore only
   * those whose tokens were last refreshed (or, never refreshed, stored) before that moment.
   */
  pageConnections(options?: {
    refreshedBefore?: Date;
    limit?: number;
    after?: string | null;
  }): Promise<Page<Connection>>;
  /** Inserts or replaces (a new authorization); the version keeps increasing across replacements. */
  saveConnection(connection: NewConnection): Promise<Connection>;
  /** Applies the patch only if the stored version still equals expectedVersion; null otherwise. */
  updateConnection(
    tenantId: string,
    provider: Provider,
    expectedVersion: number,
    patch: ConnectionPatch,
  ): Promise<Connection | null>;
  deleteConnection(tenantId: string, provider: Provider): Promise<void>;

  getCursor(tenantId: string, stream: string): Promise<Cursor | null>;
  listCursors(tenantId: string): Promise<Cursor[]>;
  /**
   * Moves a cursor. expectedVersion null means "create"; a number means "only if unchanged".
   * Returns the new cursor, or null when another writer got there first.
   */
  saveCursor(
    tenantId: string,
    stream: string,
    position: JsonObject,
    expectedVersion: number | null,
  ): Promise<Cursor | null>;

  getState(tenantId: string, key: string): Promise<StateRecord | null>;
  /** The tenant's state records, by key; `prefix` keeps those whose key starts with it. */
  listState(tenantId: string, options?: { prefix?: string }): Promise<StateRecord[]>;
  /**
   * Writes a state record. expectedVersion null means "create"; a number means "only if unchanged".
   * Returns the new record, or null when another writer got there first.
   */
  saveState(
    tenantId: string,
    key: string,
    value: JsonObject,
    expectedVersion: number | null,
  ): Promise<StateRecord | null>;

  /**
   * Inserts or updates the entry for its key and clears any outstanding row for the same key. The
   * folder totals follow (a moved or resized file leaves its old folders), and `search`, given for
   * a record's JSON, is saved with it.
   */
  recordArchived(entry: LedgerEntry, search?: SearchEntry): Promise<void>;
  getLedgerEntries(tenantId: string, keys: LedgerKey[]): Promise<LedgerEntry[]>;
  listLedger(
    tenantId: string,
    options?: { kind?: string; limit?: number; after?: string | null },
  ): Promise<Page<LedgerEntry>>;
  ledgerTotals(tenantId: string): Promise<Record<string, { count: number; bytes: number }>>;
  deleteLedgerEntry(tenantId: string, key: LedgerKey): Promise<void>;
  /** Every entry of one local day (the day's manifest), ordered by path. */
  listLedgerByDay(tenantId: string, day: string): Promise<LedgerEntry[]>;

  /** Folders directly inside `path` ('' is the root) with their totals, by name. */
  listFolders(tenantId: string, path: string): Promise<FolderSummary[]>;
  /** Totals of one folder ('' the whole archive); null when it holds nothing. */
  getFolder(tenantId: string, path: string): Promise<FolderSummary | null>;
  /** Files directly inside `path`, by path. */
  listFolderFiles(
    tenantId: string,
    path: string,
    options?: { limit?: number; after?: string | null },
  ): Promise<Page<LedgerEntry>>;

  /** Inserts or replaces search entries (the backfill, tests, the benchmark's seed). */
  saveSearchEntries(entries: SearchEntry[]): Promise<void>;
  getSearchEntries(tenantId: string, keys: SearchKey[]): Promise<SearchEntry[]>;
  searchItems(tenantId: string, query: SearchQuery): Promise<SearchResults>;

  /** Inserts or replaces rows of a day's report by key. */
  saveReportRows(tenantId: string, day: string, report: ReportName, rows: ReportRow[]): Promise<void>;
  listReportRows(tenantId: string, day: string, report: ReportName): Promise<ReportRow[]>;

  saveOutstanding(item: Omit<OutstandingItem, 'firstSeenAt' | 'updatedAt'>): Promise<void>;
  getOutstanding(tenantId: string, key: LedgerKey): Promise<OutstandingItem | null>;
  /** Items whose next attempt is due (status pending, nextAttemptAt <= now). */
  listDueOutstanding(tenantId: string, now: Date, limit: number): Promise<OutstandingItem[]>;
  listOutstanding(
    tenantId: string,
    options?: { status?: ItemStatus; kind?: string; limit?: number; after?: string | null },
  ): Promise<Page<OutstandingItem>>;
  countOutstanding(tenantId: string): Promise<Record<ItemStatus, number>>;
  deleteOutstanding(tenantId: string, key: LedgerKey): Promise<void>;

  startRun(run: Pick<Run, 'tenantId' | 'trigger'> & { startedAt?: Date }): Promise<Run>;
  updateRun(
    id: string,
    patch: Partial<Pick<Run, 'status' | 'finishedAt' | 'stats' | 'errors' | 'timeBoxed'>>,
  ): Promise<void>;
  getRun(tenantId: string, id: string): Promise<Run | null>;
  /** Newest first. */
  listRuns(tenantId: string, options?: { limit?: number; before?: string | null }): Promise<Page<Run>>;
  /**
   * Marks runs still "running" whose holder died as interrupted: at worker start, and for one
   * company by the run that takes its lease (any run of it still "running" lost its lease).
   */
  interruptStaleRuns(olderThan: Date, options?: { tenantId?: string }): Promise<number>;

  /** Appends to the tenant's hash chain (see lib/audit-chain); concurrent appends serialise. */
  appendAudit(
    tenantId: string,
    entry: { actor: string; action: string; details: JsonObject; at?: Date },
  ): Promise<AuditEntry>;
  /** Oldest first from `afterSeq`; or newest first below `beforeSeq` with `newestFirst`. */
  listAudit(
    tenantId: string,
    options?: {
      limit?: number;
      afterSeq?: number;
      newestFirst?: boolean;
      beforeSeq?: number;
      /** Only these actions. */
      actions?: string[];
    },
  ): Promise<AuditEntry[]>;

  /** Inserts or replaces a push subscription by its id. */
  savePushSubscription(subscription: PushSubscription): Promise<void>;
  getPushSubscription(id: string): Promise<PushSubscription | null>;
  listPushSubscriptions(tenantId: string): Promise<PushSubscription[]>;
  deletePushSubscription(id: string): Promise<void>;
  /**
   * Notes a notification's arrival (and the subscription's last event time); true only the first
   * time this tenant sees this notification uuid, so a redelivery does nothing.
   */
  recordPushEvent(tenantId: string, subscriptionId: string, uuid: string, at: Date): Promise<boolean>;
  /** Forgets notification uuids older than `before` (RingCentral redelivers for minutes, not days). */
  prunePushEvents(tenantId: string, before: Date): Promise<void>;
  /**
   * Marks a stream changed (atomically, however many notifications arrive at once): the latest
   * change time is kept, the earlier due and since times, and the union of the awaited ids. `armed` is true
   * when the mark is new or now due earlier than before, i.e. when an early run must be scheduled.
   */
  markStreamDirty(
    tenantId: string,
    stream: string,
    change: { at: Date; dueAt: Date; since: Date | null; awaiting: string[] },
  ): Promise<{ armed: boolean; dueAt: Date }>;
  listDirtyStreams(tenantId: string): Promise<DirtyStream[]>;
  /**
   * Replaces the mark (or removes it, given null) only if its version is still `expectedVersion`;
   * false when a notification changed it meanwhile.
   */
  settleDirtyStream(
    tenantId: string,
    stream: string,
    expectedVersion: number,
    next: Pick<DirtyStream, 'dueAt' | 'attempts' | 'awaiting'> | null,
  ): Promise<boolean>;

  /** Key fingerprints seen by earlier starts: a configured key whose fingerprint differs is wrong. */
  getKeyFingerprints(): Promise<Record<string, string>>;
  saveKeyFingerprint(keyId: string, fingerprint: string): Promise<void>;
}

/** What the push notifications module keeps (each adapter implements it in its push.ts). */
export type PushRecords = Pick<
  Store,
  | 'savePushSubscription'
  | 'getPushSubscription'
  | 'listPushSubscriptions'
  | 'deletePushSubscription'
  | 'recordPushEvent'
  | 'prunePushEvents'
  | 'markStreamDirty'
  | 'listDirtyStreams'
  | 'settleDirtyStream'
>;
