import { parse } from 'csv-parse/sync';
import { allLedger } from './archive-check.ts';
import type { TestStack } from './stack.ts';

/**
 * What a tenant's archive holds, in a form two runs can be compared by: every ledger row and every
 * file in Dropbox with its SHA-256, sorted. The only thing allowed to differ between two equal
 * archives is when they were made, so each day's manifest.csv is compared without its
 * `archived_at` column (and the ledger rows of report files by path: their bytes hold those times).
 */
export interface ArchiveSnapshot {
  ledger: string[];
  files: string[];
  manifests: Record<string, string[][]>;
  outstanding: string[];
}

const isManifest = (path: string) => path.toLowerCase().endsWith('/manifest.csv');

export async function snapshotArchive(
  stack: TestStack,
  tenantId: string,
  email: string,
): Promise<ArchiveSnapshot> {
  const ledger = (await allLedger(stack, tenantId)).map((e) =>
    e.kind === 'report'
      ? `report|${e.path}`
      : [
          e.kind,
          e.sourceId,
          e.attachmentId,
          e.path,
          e.size,
          e.sha256,
          e.remoteHash.algorithm,
          e.remoteHash.value,
        ].join('|'),
  );
  const files = (await stack.dbx.files()).accounts.find((a) => a.email === email)?.files ?? [];
  const access = stack.services.connections.provider('dropbox').access(tenantId);
  const manifests: Record<string, string[][]> = {};
  for (const file of files.filter((f) => isManifest(f.path_display))) {
    const { result } = await access.call((dbx) => dbx.filesDownload({ path: file.path_display }));
    const text = (result as unknown as { fileBinary: Buffer }).fileBinary.toString('utf8');
    const rows = parse(text);
    const drop = rows[0]?.indexOf('archived_at') ?? -1;
    manifests[file.path_display] = rows.map((row) => row.filter((_, i) => i !== drop));
  }
  const outstanding: string[] = [];
  let after: string | null = null;
  do {
    const page = await stack.services.store.listOutstanding(tenantId, { limit: 1000, after });
    outstanding.push(...page.items.map((o) => `${o.kind}|${o.sourceId}|${o.attachmentId}|${o.status}`));
    after = page.next;
  } while (after);
  return {
    ledger: ledger.sort(),
    files: files
      .map((f) => (isManifest(f.path_display) ? f.path_display : `${f.path_display}|${f.sha256}`))
      .sort(),
    manifests,
    outstanding: outstanding.sort(),
  };
}
