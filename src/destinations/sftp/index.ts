import type { DestinationDefinition } from '../types.ts';
import type { SftpCredentials } from './credentials.ts';
import { createSftpDestination, SFTP_CAPABILITIES } from './destination.ts';
import { SFTP } from './identity.ts';

/** The SFTP destination adapter's public surface, and its entry in the destination registry. */
export { fingerprintOf, type SftpCredentials } from './credentials.ts';
export { createSftpDestination } from './destination.ts';
export { SFTP, SFTP_HASH } from './identity.ts';
export { checkSftpSetup, SftpSetupRefused } from './setup.ts';

/** What the runtime hands the adapter: the company's credentials, opened from the vault when used. */
type SftpAccess = () => Promise<SftpCredentials>;

export const sftpDestination: DestinationDefinition<SftpAccess> = {
  ...SFTP,
  capabilities: SFTP_CAPABILITIES,
  setup: 'form',
  // Nothing to tune: no batches, and a put holds one write's worth of memory.
  open: (access) => createSftpDestination(access),
};
