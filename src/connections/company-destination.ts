import type { Connection, Store } from '../store/types.ts';
import { PROVIDERS } from './registry.ts';

/** The providers a company can archive to, in the order the runtime looks for a company's one. */
export const DESTINATION_PROVIDERS = PROVIDERS.filter((p) => p.role === 'destination');

interface CompanyDestination {
  id: (typeof DESTINATION_PROVIDERS)[number]['id'];
  /** What users read: "Dropbox", "SFTP server" (the registry's displayName). */
  displayName: string;
  connection: Connection;
}

/**
 * The destination a company connected, so pages and e-mails name it as it is ("SFTP server", not
 * always "Dropbox"); null before it connected one.
 */
export async function companyDestination(
  store: Pick<Store, 'getConnection'>,
  tenantId: string,
): Promise<CompanyDestination | null> {
  for (const provider of DESTINATION_PROVIDERS) {
    const connection = await store.getConnection(tenantId, provider.id);
    if (connection) return { id: provider.id, displayName: provider.displayName, connection };
  }
  return null;
}
