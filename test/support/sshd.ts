import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { utils } from 'ssh2';
import { fingerprintOf } from '../../src/destinations/sftp/index.ts';

/**
 * A real OpenSSH server for a test file: /usr/sbin/sshd on a loopback port above 1024, with its own
 * host key, configuration and authorized key in a temporary folder, logging in the user the tests
 * run as with a key made here. `scripts/test-services.sh` installs openssh-server; sshd started by root also needs
 * /run/sshd, which this makes when it can.
 *
 * A second port serves the same logins SFTP-only (ForceCommand internal-sftp, as hosting providers
 * set up archive accounts: no commands). When the tests run as root, a local user with a random
 * password is made for the file (and removed after) so password logins are tested too: sshd
 * checks passwords against the system's users, which only root can read and switch to.
 */
export interface TestSshd {
  host: string;
  port: number;
  /** The same server, SFTP only: an exec channel runs the SFTP server instead of the command. */
  sftpOnlyPort: number;
  username: string;
  /** A user that logs in with a password (its home is an empty folder it owns); null unless root. */
  passwordLogin: { username: string; password: string; home: string } | null;
  /** The client key sshd accepts (OpenSSH format). */
  privateKey: string;
  /** SHA256:… of the current host key, as ssh-keygen -lf prints it. */
  fingerprint: string;
  /** A folder on the server for the archive (absolute; the test reads it directly). */
  root: string;
  /** Starts again on the same port with a new host key (a changed or impersonated server). */
  changeHostKey(): Promise<string>;
  close(): Promise<void>;
}

const SSHD = process.env.TEST_SSHD ?? '/usr/sbin/sshd';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function listening(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}: ${log()}`);
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on ${port}: ${log()}`);
}

const run = promisify(execFile);

/**
 * An ed25519 key pair. ssh2's generator drops a leading zero byte of the public key now and then
 * (about one key in 300), which makes a key neither it nor sshd will read: those are made again.
 */
function keyPair(): { private: string; public: string; blob: Buffer } {
  for (;;) {
    const pair = utils.generateKeyPairSync('ed25519');
    const parsed = utils.parseKey(pair.public);
    if (!(parsed instanceof Error)) return { ...pair, blob: parsed.getPublicSSH() };
  }
}

/** A local user with a random password and an empty home it owns (root only). */
async function makePasswordUser(): Promise<{ username: string; password: string; home: string }> {
  const username = `archtest${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('base64url');
  const home = await mkdtemp(join(tmpdir(), 'archiver-sftp-home-'));
  await run('useradd', ['--no-create-home', '--home-dir', home, '--shell', '/bin/sh', username]);
  const chpasswd = run('chpasswd');
  chpasswd.child.stdin?.end(`${username}:${password}\n`);
  await chpasswd;
  const uid = Number((await run('id', ['-u', username])).stdout.trim());
  const gid = Number((await run('id', ['-g', username])).stdout.trim());
  await chown(home, uid, gid);
  return { username, password, home };
}

export async function startSshd(): Promise<TestSshd> {
  const dir = await mkdtemp(join(tmpdir(), 'archiver-sshd-'));
  const root = join(dir, 'sftp-root');
  await mkdir(root);
  const isRoot = process.getuid?.() === 0;
  if (isRoot) await mkdir('/run/sshd', { recursive: true });
  const client = keyPair();
  await writeFile(join(dir, 'authorized_keys'), `${client.public}\n`, { mode: 0o600 });
  const [port, sftpOnlyPort] = await Promise.all([freePort(), freePort()]);
  const username = userInfo().username;
  const passwordLogin = isRoot ? await makePasswordUser() : null;
  let child: ChildProcess | null = null;
  let fingerprint = '';
  let output = '';

  async function start(): Promise<void> {
    const host = keyPair();
    await writeFile(join(dir, 'host_key'), host.private, { mode: 0o600 });
    fingerprint = fingerprintOf(host.blob);
    await writeFile(
      join(dir, 'sshd_config'),
      [
        `Port ${port}`,
        `Port ${sftpOnlyPort}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(dir, 'host_key')}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'PubkeyAuthentication yes',
        `PasswordAuthentication ${passwordLogin ? 'yes' : 'no'}`,
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'StrictModes no',
        'UsePAM no',
        'Subsystem sftp internal-sftp',
        'LogLevel ERROR',
        `Match LocalPort ${sftpOnlyPort}`,
        '  ForceCommand internal-sftp',
        '',
      ].join('\n'),
    );
    output = '';
    child = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await listening(port, child, () => output);
    await listening(sftpOnlyPort, child, () => output);
  }

  async function stop(): Promise<void> {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
  }

  const forgetPasswordUser = async () => {
    if (!passwordLogin) return;
    await run('userdel', [passwordLogin.username]).catch(() => undefined);
    await rm(passwordLogin.home, { recursive: true, force: true });
  };
  try {
    await start();
  } catch (error) {
    await stop();
    await forgetPasswordUser();
    throw error;
  }
  return {
    host: '127.0.0.1',
    port,
    sftpOnlyPort,
    username,
    passwordLogin,
    privateKey: client.private,
    get fingerprint() {
      return fingerprint;
    },
    root,
    async changeHostKey() {
      await stop();
      await start();
      return fingerprint;
    },
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
      await forgetPasswordUser();
    },
  };
}
