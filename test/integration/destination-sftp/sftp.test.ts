import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkSftpSetup,
  createSftpDestination,
  type SftpCredentials,
} from '../../../src/destinations/sftp/index.ts';
import { type Destination, DestinationError, type RemoteFile } from '../../../src/destinations/types.ts';
import { startSshd, type TestSshd } from '../../support/sshd.ts';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Every file under a local folder, recursively, by path relative to it. */
async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await filesUnder(join(dir, entry.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

let sshd: TestSshd;
let credentials: SftpCredentials;

beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => sshd?.close());

describe('setting up an SFTP destination', () => {
  const answers = () => ({
    host: sshd.host,
    port: String(sshd.port),
    username: sshd.username,
    privateKey: sshd.privateKey,
    folder: join(sshd.root, 'setup'),
  });

  it('first shows the host key to confirm, without logging in', async () => {
    await expect(checkSftpSetup({ ...answers(), privateKey: '' })).rejects.toThrow(
      `presented a ssh-ed25519 host key with the fingerprint ${sshd.fingerprint}`,
    );
  });

  it('refuses a fingerprint that is not the server’s, and a server that is not there', async () => {
    await expect(
      checkSftpSetup({
        ...answers(),
        hostKeyFingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      }),
    ).rejects.toThrow(/presented a different host key .* from the fingerprint entered/);
    await expect(checkSftpSetup({ ...answers(), port: '1' })).rejects.toThrow(/nothing answers on that port/);
    await expect(checkSftpSetup({ ...answers(), port: 'ssh' })).rejects.toThrow(
      /whole number from 1 to 65535/,
    );
  });

  it('checks the login, creates the folder and keeps the confirmed key', async () => {
    const setup = await checkSftpSetup({ ...answers(), hostKeyFingerprint: sshd.fingerprint });
    expect(setup.credentials).toMatchObject({
      host: sshd.host,
      port: sshd.port,
      folder: join(sshd.root, 'setup'),
      hostKeyFingerprint: sshd.fingerprint,
    });
    expect(setup.accountId).toBe(`${sshd.username}@${sshd.host}:${sshd.port}`);
    // The test write left nothing behind.
    expect(await readdir(join(sshd.root, 'setup'))).toEqual([]);
    credentials = setup.credentials;
  });
});

describe('the SFTP destination', () => {
  const open = () => createSftpDestination(() => Promise.resolve(credentials));

  it('writes atomically, hashes SHA-256 end to end, lists and reads back', async () => {
    const destination = open();
    try {
      const big = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
      const committed = await destination.put(
        '/Acme/2026/rec.mp3',
        Readable.from([big.subarray(0, 1000), big.subarray(1000)]),
        {
          mode: 'add',
          size: big.length,
        },
      );
      expect(committed).toEqual({
        path: '/Acme/2026/rec.mp3',
        size: big.length,
        sha256: sha256(big),
        remoteHash: { algorithm: 'sha256', value: sha256(big) },
      });
      expect(sha256(await readFile(join(credentials.folder, 'Acme/2026/rec.mp3')))).toBe(sha256(big));

      // 'add' again with the same bytes: success; with other bytes: a conflict, the file untouched.
      await destination.put('/Acme/2026/rec.mp3', big, { mode: 'add' });
      const conflict = await destination
        .put('/Acme/2026/rec.mp3', Buffer.from('other'), { mode: 'add' })
        .catch((e: unknown) => e);
      expect(conflict).toBeInstanceOf(DestinationError);
      expect((conflict as DestinationError).kind).toBe('item');
      // 'overwrite' replaces.
      await destination.put('/Acme/2026/calls.csv', Buffer.from('a,b\n'), { mode: 'overwrite' });
      await destination.put('/Acme/2026/calls.csv', Buffer.from('a,b\n1,2\n'), { mode: 'overwrite' });
      expect(await destination.read('/Acme/2026/calls.csv')).toEqual(Buffer.from('a,b\n1,2\n'));
      expect(await destination.read('/Acme/missing.csv')).toBeNull();

      // A source that ends short of its announced size leaves nothing, not even a temporary file.
      const short = await destination
        .put('/Acme/2026/short.mp3', Buffer.from('12345'), { mode: 'add', size: 10 })
        .catch((e: unknown) => e);
      expect((short as DestinationError).kind).toBe('retry');
      expect(await filesUnder(credentials.folder)).toEqual(['/Acme/2026/calls.csv', '/Acme/2026/rec.mp3']);

      // A leftover temporary file (a crash mid-upload) is never listed as archived.
      await writeFile(join(credentials.folder, 'Acme/2026/.x.mp3.abc.partial'), 'half');
      const listed: RemoteFile[] = [];
      for await (const file of destination.list('')) listed.push(file);
      expect(listed.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
        {
          path: '/Acme/2026/calls.csv',
          size: 8,
          remoteHash: { algorithm: 'sha256', value: sha256(Buffer.from('a,b\n1,2\n')) },
        },
        {
          path: '/Acme/2026/rec.mp3',
          size: big.length,
          remoteHash: { algorithm: 'sha256', value: sha256(big) },
        },
      ]);
      const space = await destination.spaceUsage();
      expect(space.allocated).toBeGreaterThan(space.used);
      expect(destination.capabilities).toMatchObject({ batching: null, temporaryLinks: false });
      expect('temporaryLink' in destination).toBe(false);
    } finally {
      await destination.close();
    }
  });

  it('hashes with the server’s sha256sum where the login may run commands, and reads back where not', async () => {
    const files: Record<string, Buffer> = {
      '/Hash/one.bin': Buffer.alloc(100_000, 3),
      "/Hash/it's a \\ name.txt": Buffer.from('odd'),
    };
    const withCommands = open();
    const sftpOnly = createSftpDestination(() =>
      Promise.resolve({ ...credentials, port: sshd.sftpOnlyPort }),
    );
    const listing = async (destination: Destination) => {
      const out: RemoteFile[] = [];
      for await (const file of destination.list('/Hash')) out.push(file);
      return out.sort((a, b) => a.path.localeCompare(b.path));
    };
    try {
      for (const [path, bytes] of Object.entries(files)) await withCommands.put(path, bytes, { mode: 'add' });
      const expected = Object.entries(files)
        .map(([path, bytes]) => ({
          path,
          size: bytes.length,
          remoteHash: { algorithm: 'sha256', value: sha256(bytes) },
        }))
        .sort((a, b) => a.path.localeCompare(b.path));
      expect(await listing(withCommands)).toEqual(expected);
      expect(withCommands.stats()).toMatchObject({ hashedByServer: 2, hashedByReadingBack: 0 });
      // ForceCommand internal-sftp: the command never runs, every file is read back instead.
      expect(await listing(sftpOnly)).toEqual(expected);
      expect(sftpOnly.stats()).toMatchObject({ hashedByServer: 0, hashedByReadingBack: 2 });
    } finally {
      await withCommands.close();
      await sftpOnly.close();
    }
  });

  // sshd checks a password against the system's own users: only a test run as root can make one.
  it.skipIf(process.getuid?.() !== 0)('logs in with a password, and refuses a wrong one', async () => {
    const login = sshd.passwordLogin!;
    const answers = {
      host: sshd.host,
      port: String(sshd.port),
      username: login.username,
      password: login.password,
      folder: 'archive',
      hostKeyFingerprint: sshd.fingerprint,
    };
    await expect(checkSftpSetup({ ...answers, password: `${login.password}x` })).rejects.toThrow(
      `The server refused the login of “${login.username}”`,
    );
    const setup = await checkSftpSetup(answers);
    expect(setup.credentials).toMatchObject({
      password: login.password,
      folder: join(login.home, 'archive'),
    });
    expect(setup.credentials.privateKey).toBeUndefined();
    const destination = createSftpDestination(() => Promise.resolve(setup.credentials));
    try {
      await destination.put('/Acme/call.json', Buffer.from('{}'), { mode: 'add' });
    } finally {
      await destination.close();
    }
    expect(await readFile(join(login.home, 'archive/Acme/call.json'), 'utf8')).toBe('{}');
  });

  it('refuses a server whose host key changed, with a clear message, and writes nothing', async () => {
    const before = await filesUnder(credentials.folder);
    const old = sshd.fingerprint;
    const presented = await sshd.changeHostKey();
    const destination = open();
    try {
      const refused = await destination
        .put('/Acme/2026/new.mp3', Buffer.from('secret recording'), { mode: 'add' })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DestinationError);
      const error = refused as DestinationError;
      expect(error.kind).toBe('auth');
      expect(error.forAdmin).toContain(`presented a different host key (${presented}, ssh-ed25519)`);
      expect(error.forAdmin).toContain(`from the one confirmed at setup (${old})`);
      expect(error.forAdmin).toContain('wrote nothing');
      expect(await filesUnder(credentials.folder)).toEqual(before);
    } finally {
      await destination.close();
      await mkdir(sshd.root, { recursive: true });
    }
  });
});
