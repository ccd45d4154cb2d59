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

export type NewConnection = Pick<
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

export interface Cursor {
  tenantId: string;
  /** e.g. "calllog", "messages:12345", "export" */
  stream: string;
  position: JsonObject;
  version: number;
  updatedAt: Date;
}

/** One archived object in the tenant's Dropbox: the archive manifest. */
export interface LedgerEntry {
  tenantId: string;
  /** call, recording, voicemail, fax, sms, mms, report ... */
  kind: string;
  sourceId: string;
  /** '' for the record itself (its JSON), else the attachment or recording id. */
  attachmentId: string;
  path: string;
  size: number;
  sha256: string;
  contentHash: string;
  /** The source's lastModifiedTime when archived: a newer one means the metadata changed. */
  sourceModifiedAt: Date | null;
  archivedAt: Date;
  /** The local day (YYYY-MM-DD, tenant's timezone) whose manifest lists this file; null for none. */
  day: string | null;
}

export type LedgerKey = Pick<LedgerEntry, 'kind' | 'sourceId' | 'attachmentId'>;

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
  listTenants(filter?: { status?: TenantStatus[] }): Promise<Tenant[]>;
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

  /** Inserts or updates the entry for its key and clears any outstanding row for the same key. */
  recordArchived(entry: LedgerEntry): Promise<void>;
  getLedgerEntries(tenantId: string, keys: LedgerKey[]): Promise<LedgerEntry[]>;
  listLedger(
    tenantId: string,
    options?: { kind?: string; limit?: number; after?: string | null },
  ): Promise<Page<LedgerEntry>>;
  ledgerTotals(tenantId: string): Promise<Record<string, { count: number; bytes: number }>>;
  deleteLedgerEntry(tenantId: string, key: LedgerKey): Promise<void>;
  /** Every entry of one local day (the day's manifest), ordered by path. */
  listLedgerByDay(tenantId: string, day: string): Promise<LedgerEntry[]>;

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
  /** Marks runs still "running" whose holder died as interrupted (called at worker start). */
  interruptStaleRuns(olderThan: Date): Promise<number>;

  /** Appends to the tenant's hash chain (see lib/audit-chain); concurrent appends serialise. */
  appendAudit(
    tenantId: string,
    entry: { actor: string; action: string; details: JsonObject; at?: Date },
  ): Promise<AuditEntry>;
  listAudit(tenantId: string, options?: { limit?: number; afterSeq?: number }): Promise<AuditEntry[]>;

  /** Key fingerprints seen by earlier starts: a configured key whose fingerprint differs is wrong. */
  getKeyFingerprints(): Promise<Record<string, string>>;
  saveKeyFingerprint(keyId: string, fingerprint: string): Promise<void>;
}
