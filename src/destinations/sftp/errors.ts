import { DestinationError, type DestinationErrorKind } from '../types.ts';
import { SFTP } from './identity.ts';

/**
 * What the SSH client and the SFTP server report, turned into the port's four kinds once, with a
 * message that names the file. SFTP status codes (draft-ietf-secsh-filexfer-02, the version
 * OpenSSH speaks): 2 no such file, 3 permission denied, 4 failure (OpenSSH's answer to a rename
 * onto an existing file, and to a full disk).
 */
export const SFTP_STATUS = { eof: 1, noSuchFile: 2, permissionDenied: 3, failure: 4 } as const;

export class SftpDestinationError extends DestinationError {
  constructor(
    kind: DestinationErrorKind,
    message: string,
    options: { cause?: unknown; forAdmin?: string } = {},
  ) {
    super(kind, message, SFTP, options);
  }
}

const NETWORK_CODES =
  /^(ECONNRESET|ECONNREFUSED|ECONNABORTED|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)$/;

export const statusOf = (error: unknown): number | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
};

export const isNoSuchFile = (error: unknown): boolean => statusOf(error) === SFTP_STATUS.noSuchFile;

/** Classifies anything the SSH or SFTP layer threw; errors already classified pass through. */
export function classifySftpError(error: unknown, what: string): DestinationError {
  if (error instanceof DestinationError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const level = (error as { level?: unknown } | null)?.level;
  const code = (error as { code?: unknown } | null)?.code;
  if (level === 'client-authentication')
    return new SftpDestinationError(
      'auth',
      `The SFTP server refused the login during the ${what}: ${message}`,
      {
        cause: error,
        forAdmin:
          'The SFTP server no longer accepts the login (user name, password or key). Connect the SFTP server again with working credentials.',
      },
    );
  if (/no space|quota/i.test(message))
    return new SftpDestinationError(
      'full',
      `The SFTP server is out of space during the ${what}: ${message}`,
      {
        cause: error,
      },
    );
  if (typeof code === 'string' && NETWORK_CODES.test(code))
    return new SftpDestinationError('retry', `Network error during the ${what}: ${message}`, {
      cause: error,
    });
  if (statusOf(error) === SFTP_STATUS.permissionDenied)
    return new SftpDestinationError(
      'item',
      `The SFTP server refused the ${what} (permission denied): check that the login may write in the archive folder`,
      { cause: error },
    );
  return new SftpDestinationError('retry', `The ${what} failed: ${message}`, { cause: error });
}
