import { describe, expect, it } from 'vitest';
import type { RingCentralApi } from '../../../src/archive/sources/api.ts';
import { distinctRecords, listPages } from '../../../src/archive/sources/paging.ts';
import type { ListResponse } from '../../../src/archive/sources/records.ts';

/** An API whose GETs answer from a table of pages keyed by path or navigation URI. */
function pagesApi(pages: Record<string, ListResponse<{ id: number }>>): RingCentralApi & { asked: string[] } {
  const asked: string[] = [];
  const get = <T>(pathOrUrl: string): Promise<T> => {
    asked.push(pathOrUrl);
    const page = pages[pathOrUrl];
    return page ? Promise.resolve(page as T) : Promise.reject(new Error(`no page ${pathOrUrl}`));
  };
  const unused = () => Promise.reject(new Error('not used'));
  return {
    asked,
    get,
    post: unused,
    put: unused,
    delete: unused,
    download: unused,
    stats: () => ({
      calls: {} as never,
      rateLimited: 0,
      retries: 0,
      accountLimit: { storms: 0, answers: 0, pausedMs: 0, lastStormAt: null },
      users: [],
    }),
    close: () => {},
  };
}

async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[][]> {
  const out: T[][] = [];
  for await (const page of pages) out.push(page);
  return out;
}

describe('listPages', () => {
  it('follows nextPage until it is absent, ignoring totals', async () => {
    const api = pagesApi({
      '/list': {
        records: [{ id: 1 }],
        paging: { totalPages: 1 },
        navigation: { nextPage: { uri: 'https://h/list?page=2' } },
      },
      'https://h/list?page=2': {
        records: [{ id: 2 }],
        navigation: { nextPage: { uri: 'https://h/list?page=3' } },
      },
      'https://h/list?page=3': { records: [], navigation: {} },
    });
    const pages = [];
    for await (const page of listPages<{ id: number }>(api, '/list', {})) pages.push(page.records);
    expect(pages).toEqual([[{ id: 1 }], [{ id: 2 }], []]);
    expect(api.asked).toEqual(['/list', 'https://h/list?page=2', 'https://h/list?page=3']);
  });

  it('stops with an error when navigation leads back to a page already read', async () => {
    const api = pagesApi({
      '/list': { records: [], navigation: { nextPage: { uri: 'https://h/p2' } } },
      'https://h/p2': { records: [], navigation: { nextPage: { uri: 'https://h/p2' } } },
    });
    const reading = (async () => {
      for await (const page of listPages(api, '/list', {})) void page;
    })();
    await expect(reading).rejects.toMatchObject({ kind: 'bad-request' });
  });
});

async function* toAsync<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield await Promise.resolve(item);
}

describe('distinctRecords', () => {
  it('hands out a record that shifted onto the next page only once', async () => {
    const shifting: Array<ListResponse<{ id: number }>> = [
      { records: [{ id: 3 }, { id: 2 }] },
      // A new call arrived at the top: record 2 slid down onto page two.
      { records: [{ id: 2 }, { id: 1 }] },
    ];
    const pages = await collect(distinctRecords(toAsync(shifting), (r) => ({ id: String(r.id) })));
    expect(pages).toEqual([[{ id: '3' }, { id: '2' }], [{ id: '1' }]]);
  });
});
