import type { LedgerEntry } from '../../src/store/types.ts';
import type { TestStack } from './stack.ts';

/**
 * The completeness check every archive test ends with: every item the RingCentral simulator still
 * has is in the destination (the Dropbox simulator, or an SFTP server's folder) exactly once, at the path the ledger records, with the inventory's
 * SHA-256; the ledger agrees with Dropbox; nothing else is there; no "(1)" copies.
 */
export interface ArchiveCheck {
  /** Items the RingCentral inventory says must be archived (records, recordings, attachments). */
  expected: number;
  binaries: number;
  missing: string[];
  mismatched: string[];
  unexpected: string[];
  copies: string[];
  files: number;
}

export interface CheckOptions {
  /** Which message kinds and items count as expected (default: everything). */
  include?: (item: { kind: string; extensionId: string | null }) => boolean;
}

const messageKind = (type: string, attachmentTypes: string[]) =>
  type === 'VoiceMail'
    ? 'voicemail'
    : type === 'Fax'
      ? 'fax'
      : attachmentTypes.includes('MmsAttachment')
        ? 'mms'
        : 'sms';

export async function allLedger(stack: TestStack, tenantId: string): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = [];
  let after: string | null = null;
  do {
    const page = await stack.services.store.listLedger(tenantId, { limit: 1000, after });
    entries.push(...page.items);
    after = page.next;
  } while (after);
  return entries;
}

/** A file as the destination holds it: its path, its SHA-256 and the destination's own hash. */
export interface HeldFile {
  path: string;
  sha256: string;
  remoteHash: string;
}

/** The files of a Dropbox simulator account. */
export function dropboxFiles(stack: TestStack, email: string): () => Promise<HeldFile[]> {
  return async () =>
    ((await stack.dbx.files()).accounts.find((a) => a.email === email)?.files ?? []).map((f) => ({
      path: f.path_display,
      sha256: f.sha256,
      remoteHash: f.content_hash,
    }));
}

/**
 * Checks the archive in a destination: `where` is a Dropbox simulator account's e-mail address, or
 * a function listing the files a destination holds (an SFTP server's folder, read from disk).
 */
export async function checkArchive(
  stack: TestStack,
  tenantId: string,
  where: string | (() => Promise<HeldFile[]>),
  options: CheckOptions = {},
): Promise<ArchiveCheck> {
  const include = options.include ?? (() => true);
  const inventory = await stack.rc.inventory(tenantId);
  const held = await (typeof where === 'string' ? dropboxFiles(stack, where) : where)();
  const files = new Map(held.map((f) => [f.path.toLowerCase(), f]));
  const ledger = await allLedger(stack, tenantId);
  const byKey = new Map(ledger.map((e) => [`${e.kind}|${e.sourceId}|${e.attachmentId}`, e]));

  const expected: Array<{ key: string; sha256: string | null }> = [];
  for (const call of inventory.callLog) {
    // Company-level calls have no extension; records of extensions are filtered by the caller.
    if (include({ kind: 'call', extensionId: null }))
      expected.push({ key: `call|${call.id}|`, sha256: null });
    if (call.recording && include({ kind: 'recording', extensionId: null }))
      expected.push({ key: `recording|${call.recording.id}|`, sha256: call.recording.sha256 });
  }
  for (const message of inventory.messages) {
    const kind = messageKind(
      message.type,
      message.attachments.map((a) => a.type),
    );
    if (!include({ kind, extensionId: message.extensionId })) continue;
    expected.push({ key: `${kind}|${message.id}|`, sha256: null });
    for (const a of message.attachments)
      expected.push({ key: `${kind}|${message.id}|${a.id}`, sha256: a.sha256 });
  }

  const missing: string[] = [];
  const mismatched: string[] = [];
  for (const item of expected) {
    const entry = byKey.get(item.key);
    const file = entry && files.get(entry.path.toLowerCase());
    if (!entry || !file) {
      missing.push(item.key);
      continue;
    }
    if (
      (item.sha256 && file.sha256 !== item.sha256) ||
      entry.sha256 !== file.sha256 ||
      entry.remoteHash.value !== file.remoteHash
    )
      mismatched.push(item.key);
  }
  const known = new Set(ledger.map((e) => e.path.toLowerCase()));
  const unexpected = [...files.keys()].filter((p) => !known.has(p));
  const copies = [...files.values()].map((f) => f.path).filter((p) => / \(\d+\)(\.[^/]*)?$/.test(p));
  return {
    expected: expected.length,
    binaries: expected.filter((e) => e.sha256 !== null).length,
    missing,
    mismatched,
    unexpected,
    copies,
    files: files.size,
  };
}

/** Asserts a clean check and returns it (for the figures). */
export function expectComplete(check: ArchiveCheck): ArchiveCheck {
  const problems = {
    missing: check.missing.slice(0, 10),
    mismatched: check.mismatched.slice(0, 10),
    unexpected: check.unexpected.slice(0, 10),
    copies: check.copies.slice(0, 10),
  };
  if (check.missing.length || check.mismatched.length || check.unexpected.length || check.copies.length)
    throw new Error(`archive incomplete: ${JSON.stringify(problems)}`);
  return check;
}
