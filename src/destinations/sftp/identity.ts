/** How the SFTP destination names itself: its registry id and the name users read. */
export const SFTP = { id: 'sftp', displayName: 'SFTP server' } as const;

/** An SFTP server keeps no hash of its own: the remote hash is the file's SHA-256, read back. */
export const SFTP_HASH = 'sha256';
