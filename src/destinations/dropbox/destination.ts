import type { Readable } from 'node:stream';
import type { files } from 'dropbox';
import { CONTENT_HASH_BLOCK_SIZE, contentHash } from '../../lib/content-hash.ts';
import type {
  CommittedFile,
  Destination,
  DestinationCapabilities,
  PutOptions,
  RemoteFile,
  SpaceUsage,
  TemporaryLink,
} from '../types.ts';
import type { DropboxClientAccess } from './access.ts';
import { BatchCommitter } from './batch-committer.ts';
import { Counters, type CounterName } from './counters.ts';
import { DropboxDestinationError, isPathNotFound } from './errors.ts';
import { DROPBOX, DROPBOX_HASH } from './identity.ts';
import { listFiles } from './list.ts';
import { callDropbox, DEFAULT_RETRY_POLICY, RatePause, type CallContext, type RetryPolicy } from './retry.ts';
import { Slots } from '../../lib/slots.ts';
import { uploadToSession } from './upload.ts';

/**
 * The Destination port on Dropbox. A put streams its source into an upload session in chunks
 * (hashing on the way, each call carrying its own content_hash), then waits for its entry in the
 * account's next finish_batch_v2, then checks the committed file's content_hash against the one it
 * computed. See upload.ts and batch-committer.ts for the two halves.
 *
 * Puts are meant to run concurrently: each resolves only when its batch is committed, so a caller
 * that awaits puts one by one pays the batch's idle wait (`batchIdleMs`) per file.
 */

export interface DropboxDestinationOptions {
  /** Bytes per upload call: a multiple of 4 MiB, at most 148 MiB (Dropbox takes 150 MiB per request). Default 8 MiB. */
  chunkSize?: number;
  /** Entries per finish_batch_v2, 1 to 1000. Default 100. */
  batchSize?: number;
  /** A batch leaves once no entry has arrived for this long. Default 300 ms. */
  batchIdleMs?: number;
  /** ... and never later than this after its oldest entry arrived. Default 2000 ms. */
  batchMaxWaitMs?: number;
  /** Batches an entry may take part in when Dropbox answers it `too_many_write_operations`. Default 8. */
  maxEntryAttempts?: number;
  /** Puts reading and sending at once (each holds at most two chunks). Default 4. */
  maxConcurrentUploads?: number;
  /** Per request. Default 300 s. */
  requestTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
}

const MIB = 1024 * 1024;

/** "/" and something after it (Dropbox's own rules on the components are checked per entry). */
const ABSOLUTE_FILE_PATH = /^\/./s;

export const DROPBOX_DESTINATION_DEFAULTS = {
  chunkSize: 8 * MIB,
  batchSize: 100,
  batchIdleMs: 300,
  batchMaxWaitMs: 2_000,
  maxEntryAttempts: 8,
  maxConcurrentUploads: 4,
  requestTimeoutMs: 300_000,
  retry: DEFAULT_RETRY_POLICY,
} as const;

/** Dropbox links from files/get_temporary_link serve the file for four hours. */
const TEMPORARY_LINK_MS = 4 * 3_600_000;

/**
 * What Dropbox takes: names of up to 255 UTF-16 units, compared without regard to case, minus the
 * few it refuses with `disallowed_name`. Commits go in batches of `batchSize` (default 100).
 */
export function dropboxCapabilities(batchSize: number = DROPBOX_DESTINATION_DEFAULTS.batchSize) {
  return {
    names: {
      maxLength: 255,
      lengthUnit: 'utf16',
      caseInsensitive: true,
      refusedNames: ['desktop.ini', 'thumbs.db', '.ds_store', 'icon\r', '.dropbox', '.dropbox.attr'],
    },
    batching: { maxFiles: batchSize },
    temporaryLinks: true,
    versions: true,
  } as const satisfies DestinationCapabilities;
}

/** What a Dropbox put confirms, beyond the port's fields: the committed revision and file id. */
interface DropboxCommittedFile extends CommittedFile {
  rev: string;
  id: string;
}

export interface DropboxDestination extends Destination {
  put(path: string, body: Readable | Buffer, options: PutOptions): Promise<DropboxCommittedFile>;
  stats(): Record<CounterName, number>;
  temporaryLink(path: string, options?: { signal?: AbortSignal }): Promise<TemporaryLink>;
}

function validated(options: DropboxDestinationOptions) {
  const merged = {
    ...DROPBOX_DESTINATION_DEFAULTS,
    ...options,
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
  };
  const { chunkSize, batchSize } = merged;
  if (
    !Number.isInteger(chunkSize) ||
    chunkSize <= 0 ||
    chunkSize % CONTENT_HASH_BLOCK_SIZE !== 0 ||
    chunkSize > 148 * MIB
  ) {
    throw new RangeError('chunkSize must be a multiple of 4 MiB between 4 MiB and 148 MiB');
  }
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) {
    throw new RangeError('batchSize must be between 1 and 1000');
  }
  return merged;
}

export function createDropboxDestination(
  access: DropboxClientAccess,
  options: DropboxDestinationOptions = {},
): DropboxDestination {
  const settings = validated(options);
  const counters = new Counters();
  const ctx: CallContext = {
    access,
    counters,
    retry: settings.retry,
    requestTimeoutMs: settings.requestTimeoutMs,
    pause: new RatePause(),
  };
  const committer = new BatchCommitter(ctx, {
    batchSize: settings.batchSize,
    idleMs: settings.batchIdleMs,
    maxWaitMs: settings.batchMaxWaitMs,
    maxEntryAttempts: settings.maxEntryAttempts,
  });
  const slots = new Slots(settings.maxConcurrentUploads);

  /**
   * The committed file is not the one sent: delete exactly that revision (a newer write by someone
   * else is left alone), so that nothing untrusted stays at the path and a retry in 'add' mode is
   * not refused as a conflict with it.
   */
  async function discardDamaged(path: string, committed: files.FileMetadata): Promise<string> {
    try {
      await committer.exclusive(() =>
        callDropbox(ctx, 'deleteCalls', `removal of the damaged ${path}`, async (client, request) => {
          await client.filesDeleteV2({ path, parent_rev: committed.rev }, request);
        }),
      );
      return `revision ${committed.rev} was deleted`;
    } catch (error) {
      return `deleting revision ${committed.rev} failed too (${error instanceof Error ? error.message : String(error)})`;
    }
  }

  return {
    ...DROPBOX,
    capabilities: dropboxCapabilities(settings.batchSize),

    async put(path, body, putOptions) {
      const { signal, stop } = putOptions;
      // Waiting for an upload slot, either signal stops the put; once sending, only `signal` does.
      const waiting = stop ? AbortSignal.any(signal ? [signal, stop] : [stop]) : signal;
      let release: () => void;
      try {
        // Dropbox answers a path that is not absolute with a 400 for the whole batch: refuse it here.
        if (!ABSOLUTE_FILE_PATH.test(path)) {
          throw new DropboxDestinationError(
            'item',
            `Not an absolute Dropbox file path: ${JSON.stringify(path)}`,
          );
        }
        release = await slots.acquire(waiting);
      } catch (error) {
        if (!Buffer.isBuffer(body)) body.destroy();
        throw error;
      }
      let uploaded;
      try {
        uploaded = await uploadToSession(ctx, path, body, {
          chunkSize: settings.chunkSize,
          ...(putOptions.size !== undefined ? { size: putOptions.size } : {}),
          ...(signal ? { signal } : {}),
        });
      } finally {
        release();
      }
      // `commit` queues the entry before it returns, so a flush() from `onSent` includes it.
      const commit = committer.commit(
        {
          sessionId: uploaded.sessionId,
          size: uploaded.size,
          path,
          mode: putOptions.mode,
          contentHash: uploaded.contentHash,
        },
        signal,
      );
      putOptions.onSent?.();
      const committed = await commit;
      if (committed.content_hash !== uploaded.contentHash || committed.size !== uploaded.size) {
        counters.add('hashMismatches');
        const outcome = await discardDamaged(path, committed);
        throw new DropboxDestinationError(
          'retry',
          `Dropbox committed ${path} with content_hash ${committed.content_hash ?? 'none'} (${committed.size} bytes), ` +
            `but the bytes sent hash to ${uploaded.contentHash} (${uploaded.size} bytes); ${outcome}. Upload it again.`,
        );
      }
      counters.add('filesCommitted');
      counters.add('bytesCommitted', uploaded.size);
      return {
        path,
        size: uploaded.size,
        sha256: uploaded.sha256,
        remoteHash: { algorithm: DROPBOX_HASH, value: uploaded.contentHash },
        rev: committed.rev,
        id: committed.id,
      };
    },

    flush: () => committer.flush(),

    list: (folder: string): AsyncIterable<RemoteFile> => listFiles(ctx, folder),

    async read(path) {
      try {
        return await callDropbox(ctx, 'downloadCalls', `download of ${path}`, async (client, request) => {
          const { result } = await client.filesDownload({ path }, request);
          // In Node the SDK hands the body over as a Buffer (`fileBlob` is the browser's form).
          const binary: Uint8Array = result.fileBinary ?? new Uint8Array(await result.fileBlob.arrayBuffer());
          const bytes = Buffer.isBuffer(binary) ? binary : Buffer.from(binary);
          if (result.content_hash && contentHash(bytes) !== result.content_hash) {
            throw new DropboxDestinationError('retry', `The download of ${path} was damaged on the way`, {
              transient: true,
            });
          }
          return bytes;
        });
      } catch (error) {
        if (isPathNotFound(error)) return null;
        throw error;
      }
    },

    async spaceUsage(): Promise<SpaceUsage> {
      const usage = await callDropbox(
        ctx,
        'spaceUsageCalls',
        'space usage check',
        async (client, request) => (await client.usersGetSpaceUsage(request)).result,
      );
      const { allocation } = usage;
      if (allocation['.tag'] === 'individual') return { used: usage.used, allocated: allocation.allocated };
      if (allocation['.tag'] === 'team') {
        // A member limit, when the team set one, is what stops this user's uploads first.
        const limit = allocation.user_within_team_space_allocated;
        return { used: usage.used, allocated: limit > 0 ? limit : allocation.allocated };
      }
      return { used: usage.used, allocated: null };
    },

    async temporaryLink(path, options = {}) {
      const requested = Date.now();
      const link = await callDropbox(
        ctx,
        'linkCalls',
        `temporary link to ${path}`,
        async (client, request) => (await client.filesGetTemporaryLink({ path }, request)).result.link,
        options.signal,
      );
      return { url: link, expiresAt: new Date(requested + TEMPORARY_LINK_MS) };
    },

    stats: () => counters.snapshot(),

    // Nothing is held open: every call takes its client (and token) from `access` as it goes.
    close: () => Promise.resolve(),
  };
}
