import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import pMap from 'p-map';
import { abortReason } from '../../lib/errors.ts';
import { Slots } from '../../lib/slots.ts';
import type {
  CommittedFile,
  Destination,
  DestinationCapabilities,
  PutOptions,
  RemoteFile,
} from '../types.ts';
import type { SftpCredentials } from './credentials.ts';
import { classifySftpError, isNoSuchFile, SftpDestinationError, SFTP_STATUS, statusOf } from './errors.ts';
import { readBack, remoteHasher, type ServerFile } from './hashing.ts';
import { SFTP, SFTP_HASH } from './identity.ts';
import { openSession, type SftpSession } from './session.ts';
import { replaceWith, uploadTemporary } from './upload.ts';

/**
 * The Destination port on an SFTP server. A put streams its source into a temporary file next to
 * its target (SHA-256 computed on the way), syncs it to disk, checks its size, and only then
 * renames it into place, so the archive never holds half a file under a real name: 'add' uses the
 * plain SFTP rename, which refuses to replace anything (identical bytes already there count as
 * success, different bytes as a conflict); 'overwrite' uses posix-rename@openssh.com, which
 * replaces the old file in one step. The server keeps no hash of its own, so the remote hash is
 * SHA-256; a listing has the server compute it where the login may run sha256sum, and reads each
 * file back where not (hashing.ts).
 *
 * Everything goes over one SSH connection, and every SFTP request waits for its answer, so speed
 * is round trips: many puts share the connection at once (the server answers them interleaved),
 * each put sends its writes without waiting for the previous answer (upload.ts), a folder is made
 * once per destination however many puts need it, and a listing reads several folders at once.
 */

/** POSIX servers: names of up to 255 bytes, letter case significant, nothing refused beyond ours. */
export const SFTP_CAPABILITIES = {
  names: { maxLength: 255, lengthUnit: 'utf8', caseInsensitive: false, refusedNames: [] },
  batching: null,
  temporaryLinks: false,
  versions: false,
} as const satisfies DestinationCapabilities;

interface SftpDestinationOptions {
  /** Puts sending at once over the one connection. Default 32 (as many as a run starts). */
  maxConcurrentPuts?: number;
  /** Bytes per SFTP write request. Default 64 KiB. */
  writeSize?: number;
  /** Write requests of one put awaiting their answer. Default 4 (a put holds 256 KiB at most). */
  writesInFlight?: number;
  /** Folders read, or files read back, at once while listing. Default 16. */
  listConcurrency?: number;
}

/** Temporary files: hidden, and named so a listing can tell them from archived files. */
const TEMP_SUFFIX = '.partial';
const isTemporary = (name: string): boolean => name.startsWith('.') && name.endsWith(TEMP_SUFFIX);

const COUNTERS = [
  'connects',
  'filesCommitted',
  'bytesCommitted',
  'identicalAlreadyThere',
  'conflicts',
  'foldersMade',
  'listedFiles',
  'readCalls',
  'failedPuts',
] as const;

export function createSftpDestination(
  credentials: () => Promise<SftpCredentials>,
  options: SftpDestinationOptions = {},
): Destination {
  const upload = { writeSize: options.writeSize ?? 64 * 1024, inFlight: options.writesInFlight ?? 4 };
  const listWidth = options.listConcurrency ?? 16;
  const slots = new Slots(options.maxConcurrentPuts ?? 32);
  const hasher = remoteHasher({ readBackConcurrency: listWidth });
  const counters = new Map<string, number>(COUNTERS.map((name) => [name, 0]));
  const count = (name: (typeof COUNTERS)[number], n = 1) => counters.set(name, (counters.get(name) ?? 0) + n);
  let session: Promise<{ session: SftpSession; root: string }> | null = null;
  /** Folders known to exist (or being made) on the current connection. */
  let folders = new Map<string, Promise<void>>();

  /** The connection, opened on first use and again after it dropped. */
  async function connected(): Promise<{ session: SftpSession; root: string }> {
    const current = session && (await session.catch(() => null));
    if (current && !current.session.closed) return current;
    folders = new Map();
    session = (async () => {
      const creds = await credentials();
      const opened = await openSession(creds);
      count('connects');
      try {
        const root = await opened.realpath(creds.folder || '.');
        return { session: opened, root };
      } catch (error) {
        opened.end();
        if (isNoSuchFile(error))
          throw new SftpDestinationError(
            'auth',
            `The archive folder ${creds.folder} does not exist on the SFTP server`,
            {
              cause: error,
              forAdmin: `The archive folder "${creds.folder}" no longer exists on the SFTP server. Create it, or connect the SFTP server again with the right folder.`,
            },
          );
        throw classifySftpError(error, 'opening of the archive folder');
      }
    })();
    session.catch(() => (session = null));
    return session;
  }

  const remote = (root: string, path: string) => posix.join(root, path);

  /** Makes `folder` (and its parents) once: every put into it waits for the same attempt. */
  function ensureFolder(s: SftpSession, folder: string, root: string): Promise<void> {
    if (folder === root) return Promise.resolve();
    let made = folders.get(folder);
    if (!made) {
      made = makeFolder(s, folder, root);
      folders.set(folder, made);
      made.catch(() => folders.delete(folder));
    }
    return made;
  }

  async function makeFolder(s: SftpSession, folder: string, root: string, parentMade = false): Promise<void> {
    // Most folders a put needs are new (a new day): try to make it first, look only if that fails.
    try {
      await s.mkdir(folder);
      count('foldersMade');
      return;
    } catch (error) {
      if (isNoSuchFile(error) && !parentMade) {
        await ensureFolder(s, posix.dirname(folder), root);
        return makeFolder(s, folder, root, true);
      }
      const there = await s.stat(folder).catch(() => null);
      if (!there) throw error;
      if (!there.isDirectory())
        throw new SftpDestinationError('item', `${folder} on the SFTP server is a file, not a folder`);
    }
  }

  async function put(path: string, body: Readable | Buffer, putOptions: PutOptions): Promise<CommittedFile> {
    const { signal, stop } = putOptions;
    const waiting = stop ? AbortSignal.any(signal ? [signal, stop] : [stop]) : signal;
    let release: () => void;
    try {
      if (!/^\/./s.test(path) || path.split('/').some((c) => c === '..' || c === '.'))
        throw new SftpDestinationError(
          'item',
          `Not an absolute file path in the archive: ${JSON.stringify(path)}`,
        );
      release = await slots.acquire(waiting);
    } catch (error) {
      if (!Buffer.isBuffer(body)) body.destroy();
      throw error;
    }
    const what = `upload of ${path}`;
    let tmp: string | null = null;
    let s: SftpSession | null = null;
    try {
      const { session: opened, root } = await connected();
      s = opened;
      const target = remote(root, path);
      const folder = posix.dirname(target);
      await ensureFolder(s, folder, root);
      tmp = posix.join(folder, `.${posix.basename(target)}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
      const sent = await uploadTemporary(s, tmp, body, { ...upload, signal });
      if (putOptions.size !== undefined && sent.size !== putOptions.size)
        throw new SftpDestinationError(
          'retry',
          `The source of ${path} ended after ${sent.size} of ${putOptions.size} bytes; nothing was kept`,
        );
      if (sent.sizeOnServer !== sent.size)
        throw new SftpDestinationError(
          'retry',
          `The SFTP server holds ${sent.sizeOnServer} of the ${sent.size} bytes sent for ${path}`,
        );
      putOptions.onSent?.();
      if (putOptions.mode === 'overwrite') await replaceWith(s, tmp, target);
      else {
        try {
          await s.rename(tmp, target);
        } catch (error) {
          if (statusOf(error) !== SFTP_STATUS.failure) throw error;
          // Something is at the path already: the same bytes are a success, other bytes a conflict.
          const there = await s.stat(target).catch(() => null);
          if (!there) throw error;
          if (there.size === sent.size && (await readBack(s, target, there.size)) === sent.sha256) {
            count('identicalAlreadyThere');
          } else {
            count('conflicts');
            throw new SftpDestinationError(
              'item',
              `Something different is already at ${path} on the SFTP server, and the archiver never overwrites or renames it`,
            );
          }
          await s.unlink(tmp).catch(() => undefined);
        }
      }
      tmp = null;
      count('filesCommitted');
      count('bytesCommitted', sent.size);
      return {
        path,
        size: sent.size,
        sha256: sent.sha256,
        remoteHash: { algorithm: SFTP_HASH, value: sent.sha256 },
      };
    } catch (error) {
      count('failedPuts');
      if (!Buffer.isBuffer(body)) body.destroy();
      if (tmp && s && !s.closed) await s.unlink(tmp).catch(() => undefined);
      if (signal?.aborted) throw abortReason(signal);
      throw classifySftpError(error, what);
    } finally {
      release();
    }
  }

  /** Every archived file under `start`, with its size: folders are read several at once. */
  async function filesUnder(s: SftpSession, start: string): Promise<ServerFile[]> {
    const found: ServerFile[] = [];
    let level = [start];
    while (level.length > 0) {
      const next: string[] = [];
      await pMap(
        level,
        async (dir) => {
          let entries;
          try {
            entries = await s.readdir(dir);
          } catch (error) {
            if (isNoSuchFile(error)) return; // nothing archived there (yet)
            throw classifySftpError(error, `listing of ${dir}`);
          }
          for (const entry of entries) {
            const full = posix.join(dir, entry.filename);
            if (entry.attrs.isDirectory()) next.push(full);
            else if (entry.attrs.isFile() && !isTemporary(entry.filename))
              found.push({ full, size: entry.attrs.size });
          }
        },
        { concurrency: listWidth },
      );
      level = next;
    }
    return found;
  }

  async function* list(folder: string): AsyncGenerator<RemoteFile> {
    const { session: s, root } = await connected();
    const files = await filesUnder(s, remote(root, folder || '/'));
    // Hashed a slice at a time, so a caller sees files while the rest are still being hashed.
    for (let i = 0; i < files.length; i += 2_000) {
      const slice = files.slice(i, i + 2_000);
      const hashes = await hasher.hash(s, slice).catch((error: unknown) => {
        throw classifySftpError(error, `reading back of files under ${folder || '/'}`);
      });
      for (const file of slice) {
        const value = hashes.get(file.full);
        if (value === undefined) continue; // gone since the folder was read
        count('listedFiles');
        yield {
          path: `/${posix.relative(root, file.full)}`,
          size: file.size,
          remoteHash: { algorithm: SFTP_HASH, value },
        };
      }
    }
  }

  return {
    ...SFTP,
    capabilities: SFTP_CAPABILITIES,
    put,
    flush: () => Promise.resolve(),
    list,
    async read(path) {
      count('readCalls');
      const { session: s, root } = await connected();
      try {
        return await new Promise<Buffer>((resolve, reject) =>
          s.sftp.readFile(remote(root, path), (error, data) => (error ? reject(error) : resolve(data))),
        );
      } catch (error) {
        if (isNoSuchFile(error)) return null;
        throw classifySftpError(error, `reading of ${path}`);
      }
    },
    async spaceUsage() {
      const { session: s, root } = await connected();
      const fs = await s.statvfs(root);
      if (!fs) return { used: 0, allocated: null };
      const unit = fs.frsize || fs.bsize;
      const used = (fs.blocks - fs.bfree) * unit;
      // What this login may still fill (bavail) is what decides "full", not the disk's own reserve.
      return { used, allocated: used + fs.bavail * unit };
    },
    stats: () => ({ ...Object.fromEntries(counters), ...hasher.counts }),
    async close() {
      const current = session && (await session.catch(() => null));
      session = null;
      current?.session.end();
    },
  };
}
