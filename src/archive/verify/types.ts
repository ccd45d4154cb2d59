import type { RemoteFile } from '../../destinations/types.ts';
import type { ChainCheck } from '../../lib/audit-chain.ts';
import type { LedgerEntry } from '../../store/types.ts';

/**
 * What a verification finds and does: the shapes shared by its stages, its report files, the run
 * row it records and the `verify` command's summary.
 */

/** missing: the ledger says archived, the destination has no file there. altered: the bytes differ. */
export type ProblemType = 'missing' | 'altered';

/**
 * repaired: uploaded again (or rewritten) and the ledger updated.
 * unrepairable: RingCentral no longer has it either, so no copy is left to restore from.
 * failed: could not be repaired this time (a temporary error, a refused mailbox); the next
 *   verification tries again.
 * not-attempted: the verification ran out of time, or found more problems than it handles at once.
 */
export type RepairOutcome = 'repaired' | 'unrepairable' | 'failed' | 'not-attempted';

export interface Problem {
  type: ProblemType;
  entry: LedgerEntry;
  /** What the destination has at the ledger's path (altered only). */
  found: RemoteFile | null;
  outcome: RepairOutcome;
  /** What happened, in words for the admin. */
  detail: string;
}

export interface VerifyCounts {
  /** Files listed in the tenant's destination. */
  listed: number;
  /** Ledger rows, i.e. files the archive should hold. */
  expected: number;
  ok: number;
  missing: number;
  altered: number;
  unexpected: number;
  repaired: number;
  unrepairable: number;
  failed: number;
  notAttempted: number;
}

export interface VerifyReport {
  tenantId: string;
  companyName: string;
  /** Where the archive is, as users call it ("Dropbox"). */
  destination: string;
  /** When the verification started (ms). */
  at: number;
  counts: VerifyCounts;
  /** Every problem handled in this verification (at most MAX_TRACKED_PROBLEMS). */
  problems: Problem[];
  /** Files in the archive's folders that no ledger row knows (at most MAX_TRACKED_PROBLEMS). */
  unexpected: RemoteFile[];
  auditChain: ChainCheck;
  /** Items RingCentral has that are not archived yet (the archive runs' own retry list). */
  outstanding: Record<string, number>;
  /** Where the reconciliation report was written in the destination; null when it could not be. */
  reportPath: string | null;
  summaryPath: string | null;
}

/** A verification keeps this many problems in memory to repair and list; the rest are counted. */
export const MAX_TRACKED_PROBLEMS = 20_000;
