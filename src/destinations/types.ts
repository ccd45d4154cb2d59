import type { Readable } from 'node:stream';

/**
 * The Destination port: where archived files go. The pipeline only speaks this; the Dropbox
 * adapter (destinations/dropbox) implements it. Paths are absolute within the destination's root
 * ("/Company/2026/..."), already sanitized by archive/paths.
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
  /** Called once every byte is in the destination and the file waits only for its commit batch.
   *  A caller with nothing more to send then calls `flush()` rather than wait for the batch to
   *  fill, and a caller that limits how many puts it runs at once can start the next one. */
  onSent?: () => void;
}

export interface CommittedFile {
  path: string;
  size: number;
  /** Hex SHA-256 of the bytes sent, computed while streaming. */
  sha256: string;
  /** Dropbox content_hash of the bytes sent (and confirmed equal to the committed file's). */
  contentHash: string;
}

export interface RemoteFile {
  path: string;
  size: number;
  contentHash: string;
}

export interface SpaceUsage {
  used: number;
  allocated: number | null;
}

/** Why a put failed, so the pipeline can decide what to do once (design section 4). */
export type DestinationErrorKind =
  /** Try again later in this run or the next (429 after retries, 5xx, network). */
  | 'retry'
  /** This item cannot be stored as asked (bad path, conflict with different bytes, too large). */
  | 'item'
  /** The destination is full: stop the tenant's run and say so. */
  | 'full'
  /** The authorization is gone: tenant needs to reconnect Dropbox. */
  | 'auth';

export class DestinationError extends Error {
  override name = 'DestinationError';
  readonly kind: DestinationErrorKind;
  constructor(kind: DestinationErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }
}

export interface Destination {
  /**
   * Streams one file in, hashing on the way, and resolves once it is committed (small files are
   * committed in batches, so this may wait for the batch). Never leaves a partial file behind.
   */
  put(path: string, body: Readable | Buffer, options: PutOptions): Promise<CommittedFile>;
  /** Commits whatever small files are waiting for their batch. */
  flush(): Promise<void>;
  /** Every file under a folder, recursively. */
  list(folder: string): AsyncIterable<RemoteFile>;
  /** Reads a (small) file back, e.g. a day's CSV before it is rewritten. null when absent. */
  read(path: string): Promise<Buffer | null>;
  spaceUsage(): Promise<SpaceUsage>;
  /** Figures for the run report: calls per route, commits, 429s seen. */
  stats(): Record<string, number>;
}
