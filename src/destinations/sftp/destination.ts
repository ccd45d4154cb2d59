import { createHash, randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
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
import { SFTP, SFTP_HASH } from './identity.ts';
import { openSession, type SftpSession } from './session.ts';

/**
 * The Destination port on an SFTP server. A put streams its source into a temporary file next to
 * its target (SHA-256 computed on the way), syncs it to disk, checks its size, and only then
 * renames it into place, so the archive never holds half a file under a real name: 'add' uses the
 * plain SFTP rename, which refuses to replace anything (identical bytes already there count as
 * success, different bytes as a conflict); 'overwrite' uses posix-rename@openssh.com, which
 * replaces the old file in one step. The server keeps no hash of its own, so the remote hash is
 * SHA-256, and a listing reads each file back to compute it.
 */

/** POSIX servers: names of up to 255 bytes, letter case significant, nothing refused beyond ours. */
export const SFTP_CAPABILITIES = {
  names: { maxLength: 255, lengthUnit: 'utf8', caseInsensitive: false, refusedNames: [] },
  batching: null,
  temporaryLinks: false,
  versions: false,
} as const satisfies DestinationCapabilities;

export interface SftpDestinationOptions {
  /** Puts sending at once over the one connection. Default 4. */
  maxConcurrentPuts?: number;
  /** Bytes per SFTP write (the client splits them into packets). Default 256 KiB. */
  writeSize?: number;
  /** Files read back at once while listing. Default 4. */
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
  'listedFiles',
  'readCalls',
  'failedPuts',
] as const;

export function createSftpDestination(
  credentials: () => Promise<SftpCredentials>,
  options: SftpDestinationOptions = {},
): Destination {
  const writeSize = options.writeSize ?? 256 * 1024;
  const slots = new Slots(options.maxConcurrentPuts ?? 4);
  const counters = new Map<string, number>(COUNTERS.map((name) => [name, 0]));
  const count = (name: (typeof COUNTERS)[number], n = 1) => counters.set(name, (counters.get(name) ?? 0) + n);
  let session: Promise<{ session: SftpSession; root: string }> | null = null;
  const madeFolders = new Set<string>();

  /** The connection, opened on first use and again after it dropped. */
  async function connected(): Promise<{ session: SftpSession; root: string }> {
    const current = session && (await session.catch(() => null));
    if (current && !current.session.closed) return current;
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

  async function ensureFolder(s: SftpSession, folder: string, root: string): Promise<void> {
    if (folder === root || madeFolders.has(folder)) return;
    try {
      const stats = await s.stat(folder);
      if (!stats.isDirectory())
        throw new SftpDestinationError('item', `${folder} on the SFTP server is a file, not a folder`);
    } catch (error) {
      if (!isNoSuchFile(error)) throw error;
      await ensureFolder(s, posix.dirname(folder), root);
      await s.mkdir(folder).catch(async (mkdirError: unknown) => {
        // Made meanwhile by a concurrent put: fine if it is a folder now.
        const now = await s.stat(folder).catch(() => null);
        if (!now?.isDirectory()) throw mkdirError;
      });
    }
    madeFolders.add(folder);
  }

  /** Streams `body` into a new file at `tmp`: returns its SHA-256 and size. Nothing is renamed. */
  async function upload(s: SftpSession, tmp: string, body: Readable | Buffer, signal?: AbortSignal) {
    const hash = createHash('sha256');
    let size = 0;
    const handle = await s.open(tmp, 'wx');
    try {
      const chunks = Buffer.isBuffer(body) ? [body] : body;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      const writeOut = async () => {
        if (pendingBytes === 0) return;
        const data = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
        pending = [];
        pendingBytes = 0;
        await s.write(handle, data, size - data.length);
      };
      for await (const chunk of chunks as AsyncIterable<Buffer> | Buffer[]) {
        if (signal?.aborted) throw abortReason(signal);
        const piece = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
        hash.update(piece);
        size += piece.length;
        pending.push(piece);
        pendingBytes += piece.length;
        if (pendingBytes >= writeSize) await writeOut();
      }
      await writeOut();
      // On disk before it gets its real name (fsync@openssh.com; a server without it has no way).
      await s.fsync(handle).catch((error: unknown) => {
        if (statusOf(error) === undefined) throw error;
      });
    } finally {
      await s.closeHandle(handle).catch(() => undefined);
    }
    return { sha256: hash.digest('hex'), size };
  }

  /** Puts `tmp` in place of `target` in one step; a server without posix-rename@openssh.com
   *  gets the old file removed first (a short moment with no file there, never half a file). */
  async function replace(s: SftpSession, tmp: string, target: string): Promise<void> {
    try {
      await s.renameOver(tmp, target);
    } catch (error) {
      if (statusOf(error) !== undefined) throw error;
      await s.unlink(target).catch((e: unknown) => {
        if (!isNoSuchFile(e)) throw e;
      });
      await s.rename(tmp, target);
    }
  }

  /** The SHA-256 of a file on the server, read back in a stream. */
  function hashRemote(s: SftpSession, path: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const hash = createHash('sha256');
      s.sftp
        .createReadStream(path)
        .on('data', (chunk: Buffer) => hash.update(chunk))
        .on('error', reject)
        .on('end', () => resolve(hash.digest('hex')));
    });
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
      const sent = await upload(s, tmp, body, signal);
      if (putOptions.size !== undefined && sent.size !== putOptions.size)
        throw new SftpDestinationError(
          'retry',
          `The source of ${path} ended after ${sent.size} of ${putOptions.size} bytes; nothing was kept`,
        );
      const written = await s.stat(tmp);
      if (written.size !== sent.size)
        throw new SftpDestinationError(
          'retry',
          `The SFTP server holds ${written.size} of the ${sent.size} bytes sent for ${path}`,
        );
      putOptions.onSent?.();
      if (putOptions.mode === 'overwrite') await replace(s, tmp, target);
      else {
        try {
          await s.rename(tmp, target);
        } catch (error) {
          if (statusOf(error) !== SFTP_STATUS.failure) throw error;
          // Something is at the path already: the same bytes are a success, other bytes a conflict.
          const there = await s.stat(target).catch(() => null);
          if (!there) throw error;
          if (there.size === sent.size && (await hashRemote(s, target)) === sent.sha256) {
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

  async function* list(folder: string): AsyncGenerator<RemoteFile> {
    const { session: s, root } = await connected();
    const start = remote(root, folder || '/');
    const found: Array<{ path: string; size: number; full: string }> = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await s.readdir(dir);
      } catch (error) {
        if (isNoSuchFile(error)) return; // nothing archived there (yet)
        throw classifySftpError(error, `listing of ${dir}`);
      }
      for (const entry of entries) {
        const full = posix.join(dir, entry.filename);
        if (entry.attrs.isDirectory()) await walk(full);
        else if (entry.attrs.isFile() && !isTemporary(entry.filename))
          found.push({ path: `/${posix.relative(root, full)}`, size: entry.attrs.size, full });
      }
    };
    await walk(start);
    const width = options.listConcurrency ?? 4;
    for (let i = 0; i < found.length; i += width) {
      const batch = found.slice(i, i + width);
      const hashes = await Promise.all(
        batch.map((f) =>
          hashRemote(s, f.full).catch((error: unknown) =>
            Promise.reject(classifySftpError(error, `reading of ${f.path}`)),
          ),
        ),
      );
      for (const [j, f] of batch.entries()) {
        count('listedFiles');
        yield { path: f.path, size: f.size, remoteHash: { algorithm: SFTP_HASH, value: hashes[j]! } };
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
    stats: () => Object.fromEntries(counters),
    async close() {
      const current = session && (await session.catch(() => null));
      session = null;
      current?.session.end();
    },
  };
}
