import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { type SftpCredentials, normalizeFingerprint } from './credentials.ts';
import { classifySftpError } from './errors.ts';
import { openSession, readHostKey } from './session.ts';

/**
 * Setting up an SFTP destination from what an admin typed: first the server's host key is read and
 * shown for the admin to confirm (no login is attempted before that), then the login, the archive
 * folder and a test write are checked with the confirmed key pinned. Every refusal is a sentence
 * the admin can act on; nothing is kept until every check passed.
 */

export class SftpSetupRefused extends Error {
  override name = 'SftpSetupRefused';
}

interface SftpSetupAnswers {
  host?: string;
  port?: string;
  username?: string;
  password?: string;
  privateKey?: string;
  passphrase?: string;
  folder?: string;
  hostKeyFingerprint?: string;
}

interface SftpSetup {
  credentials: SftpCredentials;
  /** user@host:port, the account the connection row names. */
  accountId: string;
  accountLabel: string;
}

const HOST = /^[A-Za-z0-9.-]+$|^\[?[0-9A-Fa-f:]+\]?$/;

function parseAnswers(answers: SftpSetupAnswers) {
  const host = (answers.host ?? '')
    .trim()
    .replace(/^sftp:\/\//i, '')
    .replace(/\/+$/, '');
  if (!host || !HOST.test(host))
    throw new SftpSetupRefused('Enter the server’s host name or IP address, such as files.example.com.');
  const portText = (answers.port ?? '').trim() || '22';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new SftpSetupRefused(
      `The port must be a whole number from 1 to 65535 ("${portText.slice(0, 20)}" is not).`,
    );
  const username = (answers.username ?? '').trim();
  if (!username) throw new SftpSetupRefused('Enter the user name to log in with.');
  const folder = (answers.folder ?? '').trim() || 'archive';
  if (folder.split('/').includes('..')) throw new SftpSetupRefused('The folder may not contain "..".');
  return { host: host.replace(/^\[|\]$/g, ''), port, username, folder };
}

const reach = (host: string, port: number, error: unknown): SftpSetupRefused => {
  const code = (error as { code?: unknown } | null)?.code;
  const why =
    code === 'ECONNREFUSED'
      ? 'nothing answers on that port'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'that host name is not known'
        : (error as Error)?.message?.includes('Timed out')
          ? 'it did not answer in time'
          : 'the connection failed';
  return new SftpSetupRefused(
    `Could not reach an SSH server at ${host}:${port}: ${why}. Check the host and port.`,
  );
};

export async function checkSftpSetup(answers: SftpSetupAnswers): Promise<SftpSetup> {
  const { host, port, username, folder } = parseAnswers(answers);
  const typed = (answers.hostKeyFingerprint ?? '').trim();
  if (!typed) {
    const key = await readHostKey(host, port).catch((error: unknown) => {
      throw reach(host, port, error);
    });
    throw new SftpSetupRefused(
      `Confirm the server’s identity: ${host}:${port} presented a ${key.type} host key with the fingerprint ${key.fingerprint}. ` +
        'Check that it is your server’s (on the server: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), ' +
        'then enter it under “Host key fingerprint” with the password or key, and connect again.',
    );
  }
  const password = answers.password ?? '';
  const privateKey = (answers.privateKey ?? '').trim();
  if (!password && !privateKey)
    throw new SftpSetupRefused('Enter the password or paste the private key to log in with.');
  const credentials: SftpCredentials = {
    host,
    port,
    username,
    folder,
    hostKeyFingerprint: normalizeFingerprint(typed),
    ...(privateKey ? { privateKey: `${privateKey}\n` } : { password }),
    ...(privateKey && answers.passphrase ? { passphrase: answers.passphrase } : {}),
  };
  let session;
  try {
    session = await openSession(credentials);
  } catch (error) {
    const verdict = classifySftpError(error, 'connection');
    if (verdict.forAdmin && verdict.kind === 'auth' && /host key/i.test(verdict.forAdmin))
      throw new SftpSetupRefused(
        verdict.forAdmin.replace('from the one confirmed at setup', 'from the fingerprint entered'),
      );
    if (verdict.kind === 'auth')
      throw new SftpSetupRefused(
        `The server refused the login of “${username}”: check the user name and the password or key.`,
      );
    if (/key|passphrase/i.test((error as Error)?.message ?? ''))
      throw new SftpSetupRefused(`The private key could not be used: ${(error as Error).message}.`);
    throw reach(host, port, error);
  }
  try {
    let root: string;
    try {
      root = await session.realpath(folder);
      if (!(await session.stat(root)).isDirectory())
        throw new SftpSetupRefused(`“${folder}” on the server is a file, not a folder.`);
    } catch (error) {
      if (error instanceof SftpSetupRefused) throw error;
      await session.mkdir(folder).catch(() => {
        throw new SftpSetupRefused(
          `The folder “${folder}” does not exist on the server and could not be created.`,
        );
      });
      root = await session.realpath(folder);
    }
    // A test write: the archive needs to create, sync and rename files in the folder.
    const probe = posix.join(root, `.archiver-check-${randomBytes(4).toString('hex')}`);
    try {
      const handle = await session.open(`${probe}.partial`, 'wx');
      await session.write(handle, Buffer.from('ok'), 0);
      await session.closeHandle(handle);
      await session.rename(`${probe}.partial`, probe);
      await session.unlink(probe);
    } catch {
      await session.unlink(`${probe}.partial`).catch(() => undefined);
      throw new SftpSetupRefused(
        `“${username}” may not create and rename files in ${root}: give the login write access there.`,
      );
    }
    const where = `${username}@${host}:${port}`;
    return {
      credentials: { ...credentials, folder: root },
      accountId: where,
      accountLabel: `${where}${root}`,
    };
  } finally {
    session.end();
  }
}
