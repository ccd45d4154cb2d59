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
