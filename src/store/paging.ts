import type { LedgerKey } from './types.ts';

/** Opaque page tokens shared by both adapters: a key tuple, base64url-encoded. */

export function encodeKeyToken(key: LedgerKey): string {
  return Buffer.from(JSON.stringify([key.kind, key.sourceId, key.attachmentId])).toString('base64url');
}

export function decodeKeyToken(token: string | null | undefined): LedgerKey | null {
  if (!token) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 3 && parsed.every((p) => typeof p === 'string')) {
      const [kind, sourceId, attachmentId] = parsed as [string, string, string];
      return { kind, sourceId, attachmentId };
    }
  } catch {
    // fall through: a malformed token reads as "from the start"
  }
  return null;
}

/** A page token over string tuples (tenant and provider, say): base64url JSON, like the key tokens. */
export function encodeTupleToken(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

export function decodeTupleToken(token: string | null | undefined, length: number): string[] | null {
  if (!token) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === length && parsed.every((p) => typeof p === 'string'))
      return parsed;
  } catch {
    // fall through: a malformed token reads as "from the start"
  }
  return null;
}

const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

export function pageSize(limit: number | undefined): number {
  return Math.min(Math.max(1, limit ?? DEFAULT_PAGE), MAX_PAGE);
}
