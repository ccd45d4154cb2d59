import type { Readable } from 'node:stream';

/**
 * The Destination port: where archived files go. The pipeline, reports and verification speak only
 * this; each destination (destinations/<id>/) implements it and declares what it can do
 * (`capabilities`), so nothing above this folder knows which one it talks to. Paths are absolute
 * within the destination's root ("/Company/2026/..."), already made of names that pass the
 * destination's `capabilities.names` (archive/paths applies them).
 */

export interface PutOptions {
  /** Exact byte count when known (recordings and attachments: from Content-Length). A body that
   *  ends short of it fails the put and commits nothing. */
  size?: number;
  /** 'add': a new file (identical bytes already there = success, different bytes = conflict error).
   *  'overwrite': replace (metadata JSON and daily CSV files that are rewritten). */
  mode: 'add' | 'overwrite';
  signal?: AbortSignal;
  /** Stops the put while it waits for its turn to upload. One already sending is finished and
   *  committed (only `signal` stops that): cutting it would mean sending it all again later. A run
   *  stopping at its time box or for a shutdown passes this, to stop at the next item boundary. */
  stop?: AbortSignal;
  /** Called once every byte is in the destination and the file waits only for its commit (a batch,
   *  where the destination batches). A caller with nothing more to send then calls `flush()` rather
   *  than wait for the batch to fill, and a caller that limits how many puts it runs at once can
   *  start the next one. */
  onSent?: () => void;
}

/**
 * A file's hash as the destination itself knows it, so a listing can be compared with what was
 * written without reading the file back: Dropbox's content_hash ('dropbox-content-hash'), or plain
 * SHA-256 ('sha256') where the destination keeps no hash of its own.
 */
export interface RemoteHash {
  algorithm: string;
  /** Lowercase hex. */
  value: string;
}

export interface CommittedFile {
  path: string;
  size: number;
  /** Hex SHA-256 of the bytes sent, computed while streaming. */
  sha256: string;
  /** The destination's hash of the bytes sent, confirmed for the committed file where it can be. */
  remoteHash: RemoteHash;
}

export interface RemoteFile {
  path: string;
  size: number;
  /** In the algorithm `put` reports for this destination. */
  remoteHash: RemoteHash;
}

export interface SpaceUsage {
  used: number;
  allocated: number | null;
}

/**
 * What names the destination takes. Paths are built to these rules (archive/path-component), on
 * top of the archiver's own portable rules (no characters Windows cannot sync, no hidden names).
 */
export interface NameRules {
  /** The longest name (one component of a path)... */
  maxLength: number;
  /** ...counted in UTF-16 code units (an emoji is two) or UTF-8 bytes (an emoji is four). */
  lengthUnit: 'utf16' | 'utf8';
  /** Names that differ only in letter case are the same file. */
  caseInsensitive: boolean;
  /** Names the destination refuses, lowercase (compared case-insensitively). */
  refusedNames: readonly string[];
}

export interface DestinationCapabilities {
  names: NameRules;
  /**
   * Files are committed in batches: a put resolves only once its batch is committed, so callers run
   * many puts at once (about two batches' worth) and call `flush()` when nothing more is coming.
   * null: every put commits on its own.
   */
  batching: { maxFiles: number } | null;
  /** `temporaryLink` exists: a file can be played or downloaded straight from the destination. */
  temporaryLinks: boolean;
  /** An overwritten file's earlier content stays in the destination's version history. */
  versions: boolean;
}

/**
 * How the caller's puts arrive, which a destination may use: downloads paced by RingCentral's
 * limits fill a commit batch slowly, so a batch may wait longer for company; and how much memory a
 * put may hold while it sends. A destination without batching or chunks ignores what it cannot use.
 */
export interface OpenOptions {
  /** A batch leaves once no put has arrived for this long. */
  batchIdleMs?: number;
  /** ...and never later than this after its oldest put arrived. */
  batchMaxWaitMs?: number;
  /** Bytes one put holds in memory while it sends (a destination may round it to its own unit). */
  bufferBytes?: number;
}

export interface TemporaryLink {
  /** Fetchable by a browser without credentials until `expiresAt`. */
  url: string;
  expiresAt: Date;
}

/** Why an operation failed, so the pipeline can decide what to do once (archive/outcomes.ts). */
export type DestinationErrorKind =
  /** Try again later in this run or the next (rate limited, server error, network). */
  | 'retry'
  /** This item cannot be stored as asked (bad path, conflict with different bytes, too large). */
  | 'item'
  /** The destination is full: stop the tenant's run and say so. */
  | 'full'
  /** The destination refuses uploads until a period ends (a Dropbox Business team's monthly data
   *  transport cap): stop the tenant's run and tell the admin; retrying sooner only spends calls. */
  | 'capped'
  /** The authorization is gone or no longer trusted: the company needs to reconnect the destination. */
  | 'auth';

/** Which destination something came from: its registry id and the name users read. */
export interface DestinationIdentity {
  id: string;
  displayName: string;
}

export class DestinationError extends Error {
  override name = 'DestinationError';
  readonly kind: DestinationErrorKind;
  readonly destination: DestinationIdentity;
  /** What the admin is told when this stops the run, when the destination has more to say than
   *  the kind alone ("the server's host key changed"): a sentence for a person, never a secret. */
  readonly forAdmin: string | null;
  constructor(
    kind: DestinationErrorKind,
    message: string,
    destination: DestinationIdentity,
    options: { cause?: unknown; forAdmin?: string } = {},
  ) {
    super(message, { cause: options.cause });
    this.kind = kind;
    this.destination = { id: destination.id, displayName: destination.displayName };
    this.forAdmin = options.forAdmin ?? null;
  }
}

export interface Destination extends DestinationIdentity {
  /** `id` is the registry id ('dropbox', 'sftp'), what a connection row names as its provider;
   *  `displayName` is what users read in messages ("Dropbox", "SFTP server"). */
  readonly capabilities: DestinationCapabilities;
  /**
   * Streams one file in, hashing on the way, and resolves once it is committed (with batching this
   * may wait for the batch). Never leaves a partial file behind.
   */
  put(path: string, body: Readable | Buffer, options: PutOptions): Promise<CommittedFile>;
  /** Commits whatever files are waiting for their batch (nothing to do without batching). */
  flush(): Promise<void>;
  /** Every file under a folder, recursively ('' is the root). A folder that does not exist is empty. */
  list(folder: string): AsyncIterable<RemoteFile>;
  /** Reads a (small) file back, e.g. a day's CSV before it is rewritten. null when absent. */
  read(path: string): Promise<Buffer | null>;
  spaceUsage(): Promise<SpaceUsage>;
  /** Figures for the run report: calls per operation, commits, retries. */
  stats(): Record<string, number>;
  /** A short-lived link to the file, when `capabilities.temporaryLinks` says there is one. */
  temporaryLink?(path: string, options?: { signal?: AbortSignal }): Promise<TemporaryLink>;
  /** Lets go of connections; the destination is not used after. Waits for nothing uncommitted. */
  close(): Promise<void>;
}

/**
 * A destination as the registry (destinations/registry.ts) holds it: who it is, what it can do,
 * how an admin connects it, and how to open it for one company. `Access` is what the company's
 * connection provides (an authorized client for Dropbox, sealed credentials for SFTP); the runtime
 * pairs the two, so nothing between them knows which destination it has.
 */
export interface DestinationDefinition<Access> extends DestinationIdentity {
  capabilities: DestinationCapabilities;
  /** A consent page at the provider ('oauth') or a form of ours ('form'). */
  setup: 'oauth' | 'form';
  open(access: Access, options: OpenOptions): Destination;
}
