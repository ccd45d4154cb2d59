/**
 * Opaque sync tokens. They carry what the next ISync needs (scope, position, filters) as
 * base64url JSON; a token from another scope or a mangled one is a 400 naming `syncToken`.
 */
import { rcErrors } from './errors.ts';

interface SyncTokenData {
  kind: 'call-log' | 'extract' | 'messages';
  accountId: string;
  extensionId?: number;
  /** Position: sync time (ms) or, for extract-sync, the last record's lastModifiedTime. */
  time: number;
  /** Extract-sync tiebreak: id of the last record at `time`. */
  lastId?: string;
  filters?: Record<string, string[]>;
}

export function encodeSyncToken(data: SyncTokenData): string {
  return Buffer.from(JSON.stringify(data), 'utf8').toString('base64url');
}

export function decodeSyncToken(
  token: string | undefined,
  expected: Pick<SyncTokenData, 'kind' | 'accountId' | 'extensionId'>,
): SyncTokenData {
  if (!token) throw rcErrors.invalidParameter('syncToken', token, 'syncToken is required for ISync');
  let data: SyncTokenData;
  try {
    data = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as SyncTokenData;
  } catch {
    throw rcErrors.invalidParameter('syncToken', token);
  }
  if (
    typeof data !== 'object' ||
    data === null ||
    data.kind !== expected.kind ||
    data.accountId !== expected.accountId ||
    data.extensionId !== expected.extensionId ||
    typeof data.time !== 'number'
  ) {
    throw rcErrors.invalidParameter('syncToken', token);
  }
  return data;
}
