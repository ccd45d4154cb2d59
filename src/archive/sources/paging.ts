/**
 * RingCentral list paging: follow `navigation.nextPage.uri` (absolute; the SDK follows it as
 * given) until it is absent. Totals are never trusted — the call log does not even send them.
 */
import type { Query, RingCentralApi } from './api.ts';
import type { ListResponse } from './records.ts';
import { SourceError } from './source-error.ts';

export async function* listPages<T>(
  api: RingCentralApi,
  path: string,
  query: Query,
  signal?: AbortSignal,
): AsyncGenerator<ListResponse<T>> {
  const seen = new Set<string>();
  let page = await api.get<ListResponse<T>>(path, query, { signal });
  for (;;) {
    yield { ...page, records: page.records ?? [] };
    const next = page.navigation?.nextPage?.uri;
    if (!next) return;
    if (seen.has(next)) {
      throw new SourceError({
        kind: 'bad-request',
        message: `RingCentral's navigation for ${path} points back to a page already read; stopping there.`,
      });
    }
    seen.add(next);
    signal?.throwIfAborted();
    page = await api.get<ListResponse<T>>(next, undefined, { signal });
  }
}

/**
 * Pages of normalized records, each id handed out once per read: a list can shift while it is
 * paged (new records arrive at the top), so a record may show up on two pages.
 */
export async function* distinctRecords<Raw, T extends { id: string }>(
  pages: AsyncIterable<ListResponse<Raw>>,
  normalize: (raw: Raw) => T,
): AsyncGenerator<T[]> {
  const seen = new Set<string>();
  for await (const page of pages) {
    const fresh: T[] = [];
    for (const raw of page.records) {
      const record = normalize(raw);
      if (seen.has(record.id)) continue;
      seen.add(record.id);
      fresh.push(record);
    }
    yield fresh;
  }
}
