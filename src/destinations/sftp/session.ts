import {
  Client,
  type ConnectConfig,
  type FileEntryWithStats,
  type OpenMode,
  type SFTPWrapper,
  type Stats,
} from 'ssh2';
import { type SftpCredentials, fingerprintOf, keyTypeOf, normalizeFingerprint } from './credentials.ts';
import { SftpDestinationError, classifySftpError } from './errors.ts';

/**
 * One SSH connection with its SFTP channel, opened only after the server proved it holds the host
 * key the admin confirmed: the check runs in the handshake, before authentication, so a server
 * that changed its key (or a machine in the middle) never sees the password or a byte of the
 * archive. The SFTP calls come back as promises.
 */

export interface HostKey {
  fingerprint: string;
  type: string;
}

const CONNECT_TIMEOUT_MS = 20_000;

export interface SftpSession {
  readonly sftp: SFTPWrapper;
  open(path: string, flags: OpenMode): Promise<Buffer>;
  write(handle: Buffer, data: Buffer, position: number): Promise<void>;
  /** Up to `length` bytes from `position`: fewer at the end of the file, none past it. */
  read(handle: Buffer, position: number, length: number): Promise<Buffer>;
  fsync(handle: Buffer): Promise<void>;
  closeHandle(handle: Buffer): Promise<void>;
  fstat(handle: Buffer): Promise<Stats>;
  stat(path: string): Promise<Stats>;
  readdir(path: string): Promise<FileEntryWithStats[]>;
  mkdir(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** posix-rename@openssh.com: replaces the target in one step (a plain rename refuses to). */
  renameOver(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  realpath(path: string): Promise<string>;
  statvfs(
    path: string,
  ): Promise<{ bsize: number; frsize: number; blocks: number; bfree: number; bavail: number } | null>;
  /** Runs a command on the server (an exec channel, beside the SFTP one); null when the server
   *  refuses exec channels (an SFTP-only login). Its output is capped at `maxOutput` bytes. */
  exec(command: string, maxOutput: number): Promise<ExecResult | null>;
  /** Ended: the connection dropped or was closed. */
  readonly closed: boolean;
  end(): void;
}

interface ExecResult {
  /** null when the command ended without an exit status (a signal, or the channel cut). */
  code: number | null;
  stdout: Buffer;
}

const promised = <T>(
  call: (done: (error: Error | null | undefined, value?: T) => void) => void,
): Promise<T> =>
  new Promise<T>((resolve, reject) => call((error, value) => (error ? reject(error) : resolve(value as T))));

function loginOf(
  credentials: SftpCredentials,
): Pick<ConnectConfig, 'password' | 'privateKey' | 'passphrase'> {
  if (credentials.privateKey)
    return {
      privateKey: credentials.privateKey,
      ...(credentials.passphrase ? { passphrase: credentials.passphrase } : {}),
    };
  return { password: credentials.password ?? '' };
}

/**
 * Connects and checks the host key. `expected` null only reads the key (setup, before the admin
 * confirmed it): then no login is attempted and the result is the key alone.
 */
function handshake(
  credentials: Pick<SftpCredentials, 'host' | 'port'> & Partial<SftpCredentials>,
  expected: string | null,
): Promise<{ client: Client; presented: HostKey }> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let presented: HostKey | null = null;
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      client.end();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    client.on('error', (error) => {
      if (presented && expected !== null && presented.fingerprint !== normalizeFingerprint(expected))
        return fail(hostKeyChanged(credentials, expected, presented));
      fail(error);
    });
    client.on('ready', () => {
      if (settled) return;
      settled = true;
      resolve({ client, presented: presented! });
    });
    client.connect({
      host: credentials.host,
      port: credentials.port,
      username: credentials.username ?? 'probe',
      readyTimeout: CONNECT_TIMEOUT_MS,
      // AES only: Node's own (OpenSSL) crypto runs it; the client's chacha20-poly1305 is
      // JavaScript unless a native add-on was built, and several times slower.
      algorithms: {
        cipher: [
          'aes128-gcm@openssh.com',
          'aes256-gcm@openssh.com',
          'aes128-ctr',
          'aes192-ctr',
          'aes256-ctr',
        ],
      },
      ...(expected === null ? {} : loginOf(credentials as SftpCredentials)),
      hostVerifier: (key: Buffer) => {
        presented = { fingerprint: fingerprintOf(key), type: keyTypeOf(key) };
        if (expected === null) {
          // Only the key was wanted: stop here, before any login.
          settled = true;
          client.end();
          resolve({ client, presented });
          return false;
        }
        return presented.fingerprint === normalizeFingerprint(expected);
      },
    });
  });
}

function hostKeyChanged(
  credentials: Pick<SftpCredentials, 'host' | 'port'>,
  expected: string,
  presented: HostKey,
): SftpDestinationError {
  const where = `${credentials.host}:${credentials.port}`;
  const forAdmin =
    `The SFTP server at ${where} presented a different host key (${presented.fingerprint}, ${presented.type}) ` +
    `from the one confirmed at setup (${normalizeFingerprint(expected)}), so the archiver refused to connect ` +
    'and wrote nothing. If the server’s key was changed on purpose, connect the SFTP server again and ' +
    'confirm the new key; otherwise someone may be intercepting the connection.';
  return new SftpDestinationError('auth', `Host key of ${where} does not match: ${presented.fingerprint}`, {
    forAdmin,
  });
}

/** The server's host key, read without logging in (setup shows it for the admin to confirm). */
export async function readHostKey(host: string, port: number): Promise<HostKey> {
  const { presented } = await handshake({ host, port }, null);
  return presented;
}

export async function openSession(credentials: SftpCredentials): Promise<SftpSession> {
  let client: Client;
  try {
    ({ client } = await handshake(credentials, credentials.hostKeyFingerprint));
  } catch (error) {
    throw classifySftpError(error, `connection to ${credentials.host}:${credentials.port}`);
  }
  let closed = false;
  client.on('close', () => (closed = true));
  client.on('error', () => (closed = true));
  let sftp: SFTPWrapper;
  try {
    sftp = await promised<SFTPWrapper>((done) => client.sftp(done));
  } catch (error) {
    client.end();
    throw classifySftpError(error, 'start of the SFTP subsystem');
  }
  return {
    sftp,
    get closed() {
      return closed;
    },
    end: () => client.end(),
    open: (path, flags) => promised((done) => sftp.open(path, flags, done)),
    write: (handle, data, position) =>
      promised<void>((done) => sftp.write(handle, data, 0, data.length, position, (e) => done(e))),
    read: (handle, position, length) =>
      promised<Buffer>((done) =>
        sftp.read(handle, Buffer.allocUnsafe(length), 0, length, position, (e, bytes, data) =>
          e ? done(e) : done(null, data.subarray(0, bytes)),
        ),
      ),
    fsync: (handle) => promised<void>((done) => sftp.ext_openssh_fsync(handle, (e) => done(e))),
    closeHandle: (handle) => promised<void>((done) => sftp.close(handle, (e) => done(e))),
    fstat: (handle) => promised((done) => sftp.fstat(handle, done)),
    stat: (path) => promised((done) => sftp.stat(path, done)),
    readdir: (path) => promised((done) => sftp.readdir(path, done)),
    mkdir: (path) => promised<void>((done) => sftp.mkdir(path, (e) => done(e))),
    rename: (from, to) => promised<void>((done) => sftp.rename(from, to, (e) => done(e))),
    renameOver: (from, to) => promised<void>((done) => sftp.ext_openssh_rename(from, to, (e) => done(e))),
    unlink: (path) => promised<void>((done) => sftp.unlink(path, (e) => done(e))),
    realpath: (path) => promised((done) => sftp.realpath(path, done)),
    exec: (command, maxOutput) => runCommand(client, command, maxOutput),
    statvfs: async (path) => {
      let fs: Record<string, unknown>;
      try {
        fs = await promised<Record<string, unknown>>((done) => sftp.ext_openssh_statvfs(path, done));
      } catch {
        return null; // a server without statvfs@openssh.com: space unknown
      }
      const n = (name: string) => Number(fs[`f_${name}`] ?? 0);
      return {
        bsize: n('bsize'),
        frsize: n('frsize'),
        blocks: n('blocks'),
        bfree: n('bfree'),
        bavail: n('bavail'),
      };
    },
  };
}

function runCommand(client: Client, command: string, maxOutput: number): Promise<ExecResult | null> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => {
      // Refused by the server (an SFTP-only login, ForceCommand): not an error, just no exec.
      if (error) return resolve(null);
      // Nothing to send: end its input at once (a login forced into the SFTP server would otherwise
      // wait for us forever).
      channel.end();
      const chunks: Buffer[] = [];
      let size = 0;
      let code: number | null = null;
      channel.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxOutput) channel.close();
        else chunks.push(chunk);
      });
      channel.stderr.resume();
      channel.on(
        'exit',
        (exitCode: number | null) => (code = typeof exitCode === 'number' ? exitCode : null),
      );
      channel.on('error', reject);
      channel.on('close', () =>
        resolve(
          size > maxOutput
            ? { code: null, stdout: Buffer.alloc(0) }
            : { code, stdout: Buffer.concat(chunks) },
        ),
      );
    });
  });
}
