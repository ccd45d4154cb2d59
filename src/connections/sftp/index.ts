import { checkSftpSetup, SftpSetupRefused, type SftpCredentials } from '../../destinations/sftp/index.ts';
import { NotConnectedError } from '../errors.ts';
import {
  ConnectionRefused,
  type Authorization,
  type ConnectionProvider,
  type FormFlow,
  type ProviderDeps,
} from '../provider.ts';
import { providerInfo } from '../registry.ts';

/**
 * An SFTP server, a destination connected with a form: the admin types where the server is and
 * how to log in; the server's host key is shown for the admin to confirm before anything else
 * (destinations/sftp/setup.ts), and the confirmed fingerprint is kept with the credentials, sealed
 * in the vault like tokens. Nothing here expires, so there is no keep-alive and nothing to revoke.
 */

type SftpAuthorization = Authorization<SftpCredentials>;

interface SftpProvider extends ConnectionProvider<SftpAuthorization> {
  readonly id: 'sftp';
  readonly flow: FormFlow<SftpAuthorization>;
  /** The company's credentials, opened from the vault. */
  credentials(tenantId: string): Promise<SftpCredentials>;
}

export function createSftpProvider(deps: ProviderDeps): SftpProvider {
  const { store, vault } = deps;
  return {
    ...providerInfo('sftp'),
    flow: {
      kind: 'form',
      fields: [
        { name: 'host', label: 'Server', type: 'text', required: true, placeholder: 'files.example.com' },
        { name: 'port', label: 'Port', type: 'number', required: false, placeholder: '22' },
        { name: 'username', label: 'User name', type: 'text', required: true },
        {
          name: 'hostKeyFingerprint',
          label: 'Host key fingerprint',
          type: 'text',
          required: false,
          placeholder: 'SHA256:…',
          help: 'Leave it empty the first time: we connect, show you the fingerprint of the server’s key, and you confirm it here. Every later connection is refused if the key changes.',
        },
        {
          name: 'password',
          label: 'Password',
          type: 'password',
          required: false,
          secret: true,
          help: 'Or a private key below.',
        },
        {
          name: 'privateKey',
          label: 'Private key',
          type: 'textarea',
          required: false,
          secret: true,
          placeholder: '-----BEGIN OPENSSH PRIVATE KEY-----',
        },
        { name: 'passphrase', label: 'Key passphrase', type: 'password', required: false, secret: true },
        {
          name: 'folder',
          label: 'Folder',
          type: 'text',
          required: false,
          placeholder: 'archive',
          help: 'Where the archive goes: absolute, or relative to the user’s home folder. Created if missing.',
        },
      ],
      async check(answers) {
        try {
          const setup = await checkSftpSetup(answers);
          return {
            provider: 'sftp',
            accountId: setup.accountId,
            accountLabel: setup.accountLabel,
            secret: setup.credentials,
            accessExpiresAt: null,
            refreshExpiresAt: null,
          };
        } catch (error) {
          if (error instanceof SftpSetupRefused) throw new ConnectionRefused(error.message);
          throw error;
        }
      },
    },
    async credentials(tenantId) {
      const conn = await store.getConnection(tenantId, 'sftp');
      if (!conn) throw new NotConnectedError('sftp');
      return vault.open<SftpCredentials>(tenantId, 'sftp', conn.tokenCiphertext);
    },
  };
}
