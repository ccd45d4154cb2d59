/**
 * Page slicing with RingCentral's `paging` and `navigation` objects. Navigation links are absolute
 * and repeat the effective query; `nextPage` exists only while more records follow. The call log
 * omits totals and `lastPage` (as in RingCentral's call-log examples); other lists include them.
 */

interface PageResult<T> {
  uri: string;
  records: T[];
  paging: Record<string, number>;
  navigation: Record<string, { uri: string }>;
}

export function paginate<T>(
  items: readonly T[],
  opts: {
    page: number;
    perPage: number;
    base: string;
    /** The effective query without page/perPage, in the order it should appear. */
    query: Array<[string, string]>;
    withTotals: boolean;
  },
): PageResult<T> {
  const { page, perPage } = opts;
  const start = (page - 1) * perPage;
  const records = items.slice(start, start + perPage);
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  const link = (p: number): { uri: string } => {
    const qs = [...opts.query, ['page', String(p)], ['perPage', String(perPage)]]
      .map(([k, v]) => `${encodeURIComponent(k!)}=${encodeURIComponent(v!)}`)
      .join('&');
    return { uri: `${opts.base}?${qs}` };
  };
  const paging: Record<string, number> = { page, perPage };
  if (records.length > 0) {
    paging.pageStart = start;
    paging.pageEnd = start + records.length - 1;
  }
  if (opts.withTotals) {
    paging.totalPages = totalPages;
    paging.totalElements = items.length;
  }
  const navigation: Record<string, { uri: string }> = { firstPage: link(1) };
  if (start + perPage < items.length) navigation.nextPage = link(page + 1);
  if (page > 1) navigation.previousPage = link(Math.min(page - 1, totalPages));
  if (opts.withTotals) navigation.lastPage = link(totalPages);
  return { uri: link(page).uri, records, paging, navigation };
}
