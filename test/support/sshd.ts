import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { utils } from 'ssh2';
import { fingerprintOf } from '../../src/destinations/sftp/index.ts';

/**
 * A real OpenSSH server for a test file: /usr/sbin/sshd on a loopback port above 1024, with its own
 * host key, configuration and authorized key in a temporary folder, logging in the user the tests
 * run as with a key made here. `.ci/run` installs openssh-server; sshd started by root also needs
 * /run/sshd, which this makes when it can.
 */
export interface TestSshd {
  host: string;
  port: number;
  username: string;
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

export async function startSshd(): Promise<TestSshd> {
  const dir = await mkdtemp(join(tmpdir(), 'archiver-sshd-'));
  const root = join(dir, 'sftp-root');
  await mkdir(root);
  if (process.getuid?.() === 0) await mkdir('/run/sshd', { recursive: true });
  const client = utils.generateKeyPairSync('ed25519');
  await writeFile(join(dir, 'authorized_keys'), `${client.public}\n`, { mode: 0o600 });
  const port = await freePort();
  const username = userInfo().username;
  let child: ChildProcess | null = null;
  let fingerprint = '';
  let output = '';

  async function start(): Promise<void> {
    const host = utils.generateKeyPairSync('ed25519');
    await writeFile(join(dir, 'host_key'), host.private, { mode: 0o600 });
    const parsed = utils.parseKey(host.public);
    if (parsed instanceof Error) throw parsed;
    fingerprint = fingerprintOf(parsed.getPublicSSH());
    await writeFile(
      join(dir, 'sshd_config'),
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(dir, 'host_key')}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'StrictModes no',
        'UsePAM no',
        'Subsystem sftp internal-sftp',
        'LogLevel ERROR',
        '',
      ].join('\n'),
    );
    output = '';
    child = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await listening(port, child, () => output);
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

  await start();
  return {
    host: '127.0.0.1',
    port,
    username,
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
    },
  };
}
