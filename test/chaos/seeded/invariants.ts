import { createHash } from 'node:crypto';
import pg from 'pg';
import { REPORT_KIND_ID } from '../../../src/archive/kinds/registry.ts';
import { manifestCsv } from '../../../src/archive/report-csv.ts';
import { checkAuditChain } from '../../../src/archive/verify/audit.ts';
import type { ChainCheck } from '../../../src/lib/audit-chain.ts';
import type { LedgerEntry, OutstandingItem } from '../../../src/store/types.ts';
import {
  allLedger,
  checkArchive,
  dropboxFiles,
  type ArchiveCheck,
  type HeldFile,
} from '../../support/archive-check.ts';
import type { TestStack } from '../../support/stack.ts';

/**
 * What must hold after every seed, once the faults have stopped and the system has gone quiet.
 * `collectFacts` reads them from the simulators, the store and the processes' output; `judge` is
 * pure and names every violation. The tests in test/integration/chaos/invariants.test.ts break
 * each one on purpose and see it fire.
 */

export const INVARIANTS = [
  /** Every item RingCentral has is in Dropbox, with RingCentral's sha256, at the ledger's path. */
  'archive-complete',
  /** No item twice: no "(n)" copies, no file the ledger does not know, no path or item twice in the ledger. */
  'nothing-twice',
  /** Every ledger row has its file in Dropbox with the same sha256 and content hash. */
  'ledger-equals-dropbox',
  /** Each day's manifest.csv is in Dropbox and lists exactly that day's ledger rows. */
  'manifest',
  /** Items RingCentral deleted before they were copied are in the archive log as skipped, with the reason. */
  'deleted-skipped',
  /** Nothing left waiting or failed, and nothing skipped that RingCentral still has. */
  'nothing-outstanding',
  'no-lease-held',
  'no-run-running',
  'audit-chain',
  /** No uncaught exception or unhandled rejection in any process's output, no unexpected exit. */
  'no-unhandled-error',
] as const;
export type Invariant = (typeof INVARIANTS)[number];

export interface Violation {
  invariant: Invariant;
  detail: string;
}

/** An item the driver deleted at RingCentral during the run. */
export interface DeletedItem {
  kind: 'recording' | 'message';
  id: string;
}

export interface ProcessLog {
  name: string;
  output: string;
  /** Exit code of a process that ended on its own (not stopped by the driver); null while alive. */
  unexpectedExit: number | null;
}

export interface ManifestFact {
  day: string;
  /** Where the ledger says the day's manifest is; null when it has none. */
  path: string | null;
  expectedSha256: string;
  /** The sha256 of the file at that path in Dropbox; null when there is none. */
  heldSha256: string | null;
}

export interface Facts {
  check: ArchiveCheck;
  ledger: LedgerEntry[];
  files: HeldFile[];
  outstanding: OutstandingItem[];
  /** `kind|sourceId|attachmentId` of every item RingCentral still has. */
  inventoryKeys: Set<string>;
  deleted: DeletedItem[];
  manifests: ManifestFact[];
  leases: string[];
  runningRuns: string[];
  audit: ChainCheck;
  logs: ProcessLog[];
  simulatorErrors: string[];
}

const itemKey = (k: { kind: string; sourceId: string; attachmentId: string }) =>
  `${k.kind}|${k.sourceId}|${k.attachmentId}`;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Lines that mean an error nobody handled: Node's own reports, and pino's fatal level. */
const UNHANDLED =
  /uncaught|unhandled|triggerUncaughtException|FATAL ERROR|JavaScript heap out of memory|"level":60/i;

export async function collectFacts(
  stack: TestStack,
  tenantId: string,
  email: string,
  extra: { deleted: DeletedItem[]; logs: ProcessLog[] },
): Promise<Facts> {
  const { store } = stack.services;
  const check = await checkArchive(stack, tenantId, email);
  const ledger = await allLedger(stack, tenantId);
  const files = await dropboxFiles(stack, email)();
  const outstanding: OutstandingItem[] = [];
  let after: string | null = null;
  do {
    const page = await store.listOutstanding(tenantId, { limit: 1000, after });
    outstanding.push(...page.items);
    after = page.next;
  } while (after);

  const inventory = await stack.rc.inventory(tenantId, { sha256: false });
  const inventoryKeys = new Set<string>();
  const sourceIds = new Set<string>();
  for (const call of inventory.callLog) {
    sourceIds.add(call.id);
    if (call.recording) sourceIds.add(call.recording.id);
  }
  for (const message of inventory.messages) sourceIds.add(message.id);
  for (const entry of [...ledger, ...outstanding])
    if (sourceIds.has(entry.sourceId)) inventoryKeys.add(itemKey(entry));

  const held = new Map(files.map((f) => [f.path.toLowerCase(), f]));
  const days = [...new Set(ledger.flatMap((e) => (e.day ? [e.day] : [])))].sort();
  const manifests: ManifestFact[] = [];
  for (const day of days) {
    const rows = (await store.listLedgerByDay(tenantId, day)).map(({ tenantId: _t, ...row }) => row);
    const report = ledger
      .filter((e) => e.kind === REPORT_KIND_ID && e.sourceId === `manifest.csv:${day}`)
      .sort((a, b) => b.archivedAt.getTime() - a.archivedAt.getTime())[0];
    manifests.push({
      day,
      path: report?.path ?? null,
      expectedSha256: sha256(manifestCsv(rows)),
      heldSha256: report ? (held.get(report.path.toLowerCase())?.sha256 ?? null) : null,
    });
  }

  const db = new pg.Client({ connectionString: stack.database.url });
  await db.connect();
  let leases: string[];
  try {
    leases = (
      await db.query<{ id: string }>('SELECT id FROM tenants WHERE run_lease_until > now()')
    ).rows.map((r) => r.id);
  } finally {
    await db.end();
  }
  const runs = (await store.listRuns(tenantId, { limit: 10_000 })).items;
  const simulatorErrors = (await stack.dbx.stats()).internalErrors;
  return {
    check,
    ledger,
    files,
    outstanding,
    inventoryKeys,
    deleted: extra.deleted,
    manifests,
    leases,
    runningRuns: runs.filter((r) => r.status === 'running' || r.finishedAt === null).map((r) => r.id),
    audit: await checkAuditChain(store, tenantId),
    logs: extra.logs,
    simulatorErrors,
  };
}

export function judge(facts: Facts): Violation[] {
  const out: Violation[] = [];
  const add = (invariant: Invariant, items: string[], what: string) => {
    if (items.length)
      out.push({ invariant, detail: `${items.length} ${what}: ${items.slice(0, 5).join(', ')}` });
  };
  const { check } = facts;

  add('archive-complete', check.missing, 'items RingCentral has are not in Dropbox');
  add('archive-complete', check.mismatched, 'items differ from RingCentral or the ledger');

  add('nothing-twice', check.copies, '"(n)" copies');
  add('nothing-twice', check.unexpected, 'files in Dropbox the ledger does not know');
  const twice = (keys: string[]) => keys.filter((k, i) => keys.indexOf(k) !== i);
  add('nothing-twice', twice(facts.ledger.map((e) => e.path.toLowerCase())), 'paths in the ledger twice');
  add(
    'nothing-twice',
    twice(facts.ledger.filter((e) => e.kind !== REPORT_KIND_ID).map(itemKey)),
    'items in the ledger twice',
  );

  const held = new Map(facts.files.map((f) => [f.path.toLowerCase(), f]));
  add(
    'ledger-equals-dropbox',
    facts.ledger
      .filter((e) => {
        const file = held.get(e.path.toLowerCase());
        return !file || file.sha256 !== e.sha256 || file.remoteHash !== e.remoteHash.value;
      })
      .map((e) => e.path),
    'ledger rows without their file in Dropbox',
  );

  add(
    'manifest',
    facts.manifests.filter((m) => m.path === null).map((m) => m.day),
    'days without a manifest.csv in the ledger',
  );
  add(
    'manifest',
    facts.manifests
      .filter((m) => m.path !== null && m.heldSha256 !== m.expectedSha256)
      .map((m) => `${m.day} (${m.heldSha256 === null ? 'not in Dropbox' : 'stale or altered'})`),
    "days whose manifest.csv does not list the day's ledger",
  );

  // A deleted item counts as archived once its binary is (a message's JSON alone is not enough).
  const archived = new Set(
    facts.ledger.filter((e) => e.kind === 'recording' || e.attachmentId !== '').map((e) => e.sourceId),
  );
  const outstandingBySource = new Map(facts.outstanding.map((o) => [o.sourceId, o]));
  add(
    'deleted-skipped',
    facts.deleted
      .filter((d) => !archived.has(d.id))
      .filter((d) => {
        const item = outstandingBySource.get(d.id);
        return item !== undefined && (item.status !== 'skipped' || !/deleted/i.test(item.lastError ?? ''));
      })
      .map((d) => `${d.kind} ${d.id}`),
    'items deleted at RingCentral not logged as skipped with the reason',
  );

  add(
    'nothing-outstanding',
    facts.outstanding.filter((o) => o.status !== 'skipped').map((o) => `${itemKey(o)} ${o.status}`),
    'items still waiting or failed',
  );
  add(
    'nothing-outstanding',
    facts.outstanding
      .filter((o) => o.status === 'skipped' && (facts.inventoryKeys.has(itemKey(o)) || !o.lastError))
      .map(itemKey),
    'items skipped that RingCentral still has, or without a reason',
  );

  add('no-lease-held', facts.leases, 'run leases held');
  add('no-run-running', facts.runningRuns, 'runs left "running"');
  if (!facts.audit.ok)
    out.push({
      invariant: 'audit-chain',
      detail: `broken at entry ${facts.audit.brokenAtSeq}: ${facts.audit.reason}`,
    });

  for (const log of facts.logs) {
    const lines = log.output.split('\n').filter((line) => UNHANDLED.test(line));
    add(
      'no-unhandled-error',
      lines.map((l) => l.slice(0, 300)),
      `unhandled errors in ${log.name}'s output`,
    );
    if (log.unexpectedExit !== null)
      out.push({
        invariant: 'no-unhandled-error',
        detail: `${log.name} exited on its own with code ${log.unexpectedExit}`,
      });
  }
  add('no-unhandled-error', facts.simulatorErrors, 'errors inside the Dropbox simulator');
  return out;
}
