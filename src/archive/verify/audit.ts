import { verifyAuditChain, type ChainCheck } from '../../lib/audit-chain.ts';
import type { AuditEntry, Store } from '../../store/types.ts';

const PAGE = 10_000;

/** The tenant's whole audit chain, read page by page and checked from its first entry. */
export async function checkAuditChain(store: Store, tenantId: string): Promise<ChainCheck> {
  const entries: AuditEntry[] = [];
  for (;;) {
    const page = await store.listAudit(tenantId, { limit: PAGE, afterSeq: entries.at(-1)?.seq ?? 0 });
    entries.push(...page);
    if (page.length < PAGE) return verifyAuditChain(entries);
  }
}
