import type { Store } from '../../store/types.ts';

/** Companies read per page: one page is what the process holds, however large the deployment. */
const PAGE_SIZE = 500;

/** The active companies' ids, a page at a time, in id order. */
export async function* activeCompanies(
  store: Pick<Store, 'pageTenants'>,
  pageSize = PAGE_SIZE,
): AsyncGenerator<string[]> {
  let after: string | null = null;
  do {
    const page = await store.pageTenants({ status: ['active'], limit: pageSize, after });
    if (page.items.length > 0) yield page.items.map((t) => t.id);
    after = page.next;
  } while (after);
}
