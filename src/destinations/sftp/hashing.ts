import { createHash } from 'node:crypto';
import pMap from 'p-map';
import { isNoSuchFile } from './errors.ts';
import type { SftpSession } from './session.ts';

/**
 * The SHA-256 of files on the server, for verification. An SFTP server keeps no hash of its own,
 * so the plain way is to read every file back. Where the login may run commands, `sha256sum` over
 * an exec channel lets the server hash at its own disk speed and send back a line per file instead
 * of the bytes. That is used only once it proved itself: the first batch's output must parse, and
 * one of its files read back must give the same hash (so a shell that sees other paths than the
 * SFTP server, or a login whose commands are forced to something else, never passes for it).
 * Anything the command did not answer for is read back.
 */

type HashMethod = 'unknown' | 'exec' | 'read-back';

export interface ServerFile {
  /** Absolute path on the server. */
  full: string;
  size: number;
}

/** Longest command line sent at once (well inside what OpenSSH and shells accept). */
const MAX_COMMAND_BYTES = 64 * 1024;
/** A line of sha256sum output is the hash, two characters and the name. */
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * sha256sum's lines: "<64 hex>  <name>" (or " *<name>" in binary mode); a name holding a backslash
 * or a line break is escaped (\\, \n, \r) and its line starts with a backslash.
 */
function parseSha256sum(output: string): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const line of output.split('\n')) {
    const match = /^(\\?)([0-9a-f]{64}) [ *](.+)$/s.exec(line);
    if (!match) continue;
    const name = match[1]
      ? match[3]!.replace(/\\([\\nr])/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : '\\'))
      : match[3]!;
    hashes.set(name, match[2]!);
  }
  return hashes;
}

/** The files in command lines of at most MAX_COMMAND_BYTES each. */
function batches(files: readonly ServerFile[]): ServerFile[][] {
  const out: ServerFile[][] = [];
  let current: ServerFile[] = [];
  let length = 0;
  for (const file of files) {
    const quoted = Buffer.byteLength(shellQuote(file.full)) + 1;
    if (current.length > 0 && length + quoted > MAX_COMMAND_BYTES) {
      out.push(current);
      current = [];
      length = 0;
    }
    current.push(file);
    length += quoted;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** Bytes per read request when reading a file back, and requests sent ahead of the answers. */
const READ_CHUNK = 64 * 1024;
const READS_AHEAD = 8;

type Answer = { data: Buffer; asked: number } | { error: unknown };

/**
 * The SHA-256 of a file read back over SFTP. Reads are sent ahead of their answers (one round trip
 * per READS_AHEAD chunks instead of per chunk) and hashed in order. With the size from the listing,
 * the reads stop at it and one more asks past it, so a small file costs two round trips: the open,
 * then its bytes and the end together. A short answer before the end means the server sends less
 * at once (or the file changed): reading goes on from exactly where it stopped, until the end.
 */
export async function readBack(s: SftpSession, path: string, knownSize?: number): Promise<string> {
  const handle = await s.open(path, 'r');
  const ahead: Array<Promise<Answer>> = [];
  try {
    const hash = createHash('sha256');
    let requested = 0;
    const request = () => {
      const at = requested;
      const asked =
        knownSize !== undefined && at < knownSize ? Math.min(READ_CHUNK, knownSize - at) : READ_CHUNK;
      requested += asked;
      ahead.push(
        s.read(handle, at, asked).then(
          (data) => ({ data, asked }),
          (error: unknown) => ({ error }),
        ),
      );
    };
    let position = 0;
    for (;;) {
      while (ahead.length < READS_AHEAD) request();
      const answer = await ahead.shift()!;
      if ('error' in answer) throw answer.error;
      hash.update(answer.data);
      position += answer.data.length;
      if (answer.data.length === 0) break; // the end of the file
      if (answer.data.length < answer.asked) {
        // The end, or a server that sends less at once: ask again from here either way.
        await Promise.all(ahead);
        ahead.length = 0;
        requested = position;
      }
    }
    return hash.digest('hex');
  } finally {
    await Promise.all(ahead);
    // Nobody waits for the close: its answer says nothing about the bytes already hashed.
    s.closeHandle(handle).catch(() => undefined);
  }
}

interface RemoteHasher {
  /** How hashes are being computed: decided on the first files hashed. */
  readonly method: HashMethod;
  /** Files hashed by the server's sha256sum, and files read back. */
  readonly counts: { hashedByServer: number; hashedByReadingBack: number };
  /** The SHA-256 of each file by its full path; a file gone meanwhile is left out. */
  hash(s: SftpSession, files: readonly ServerFile[]): Promise<Map<string, string>>;
}

export function remoteHasher(options: { readBackConcurrency: number }): RemoteHasher {
  let method: HashMethod = 'unknown';
  const counts = { hashedByServer: 0, hashedByReadingBack: 0 };

  const readAll = async (s: SftpSession, files: readonly ServerFile[], into: Map<string, string>) => {
    await pMap(
      files,
      async (file) => {
        try {
          into.set(file.full, await readBack(s, file.full, file.size));
          counts.hashedByReadingBack += 1;
        } catch (error) {
          if (!isNoSuchFile(error)) throw error;
        }
      },
      { concurrency: options.readBackConcurrency },
    );
  };

  const viaCommand = async (s: SftpSession, batch: readonly ServerFile[]) => {
    const command = `sha256sum -- ${batch.map((f) => shellQuote(f.full)).join(' ')}`;
    const result = await s.exec(command, MAX_OUTPUT_BYTES);
    // Exit 1 with output: some file could not be read (those are read back); anything else: no use.
    if (!result || (result.code !== 0 && result.code !== 1)) return null;
    const parsed = parseSha256sum(result.stdout.toString('utf8'));
    const wanted = new Set(batch.map((f) => f.full));
    return new Map([...parsed].filter(([name]) => wanted.has(name)));
  };

  /** The command's answer is trusted once one file read back agrees with it. */
  const proves = async (s: SftpSession, batch: readonly ServerFile[], hashes: Map<string, string>) => {
    const sample = batch.filter((f) => hashes.has(f.full)).sort((a, b) => a.size - b.size)[0];
    if (!sample) return false;
    return (await readBack(s, sample.full, sample.size).catch(() => null)) === hashes.get(sample.full);
  };

  return {
    get method() {
      return method;
    },
    counts,
    async hash(s, files) {
      const hashes = new Map<string, string>();
      for (const batch of method === 'read-back' ? [] : batches(files)) {
        const answered = await viaCommand(s, batch);
        if (method === 'unknown')
          method = answered && (await proves(s, batch, answered)) ? 'exec' : 'read-back';
        if (method === 'read-back') break;
        for (const [name, value] of answered ?? []) hashes.set(name, value);
        counts.hashedByServer += answered?.size ?? 0;
      }
      await readAll(
        s,
        files.filter((f) => !hashes.has(f.full)),
        hashes,
      );
      return hashes;
    },
  };
}
