import type { Account } from './accounts.ts';
import type { RouteContext, RouteDef } from './context.ts';
import { json, routeError, type JsonObject, type Reply } from './errors.ts';
import { lookup } from './lookup.ts';
import { deletedMetadata, metadata } from './metadata.ts';
import { isWithin, parentOf, type Node, type Tombstone } from './namespace.ts';
import { parsePath } from './paths.ts';

/**
 * files/list_folder, /continue and /get_latest_cursor. A cursor first pages through the folder as it
 * was when listing began (a snapshot by sequence number), then keeps reporting every change after
 * that, deletions included, so cursors never go stale: `reset` is never returned.
 */

const MAX_LIST_LIMIT = 2000;
/** Dropbox publishes no default page size; the simulator pages at the maximum when none is asked. */
const DEFAULT_LIST_LIMIT = MAX_LIST_LIMIT;

interface Cursor {
  /** Account, folder (lower-case, "" for the root), recursive, include_deleted, page size. */
  a: string;
  p: string;
  r: boolean;
  d: boolean;
  l: number;
  /** Listing phase: the snapshot sequence and the last path returned; delta phase: changes after `s`. */
  m: 'list' | 'delta';
  s: number;
  k: string | null;
}

const encode = (cursor: Cursor): string => Buffer.from(JSON.stringify(cursor)).toString('base64url');

function decode(ctx: RouteContext, raw: string): Cursor {
  try {
    const cursor = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
    if (typeof cursor.p === 'string' && typeof cursor.s === 'number' && cursor.a === ctx.account.accountId) {
      return cursor;
    }
  } catch {
    // Falls through to the same refusal as a cursor of another account.
  }
  return ctx.reader.fail('cursor', `invalid cursor '${raw}'`);
}

/** Is a path in the listing's scope: directly in the folder, or anywhere below it when recursive? */
function inScope(cursor: Cursor, pathLower: string): boolean {
  return cursor.r
    ? isWithin(pathLower, cursor.p) || pathLower === cursor.p
    : parentOf(pathLower) === cursor.p;
}

/** The live items in the listing's scope; a recursive listing includes the folder itself. */
function scopeNodes(account: Account, cursor: Cursor): Array<Node | Tombstone> {
  const ns = account.namespace;
  const self = cursor.r && cursor.p !== '' ? ns.get(cursor.p) : undefined;
  return [...(self ? [self] : []), ...(cursor.r ? ns.descendants(cursor.p) : ns.children(cursor.p))];
}

const scopeTombstones = (account: Account, cursor: Cursor): Tombstone[] =>
  account.namespace.tombstonesWithin(cursor.p).filter((t) => inScope(cursor, t.pathLower));

/** The folder as it was at the snapshot, in path order, after the last path already returned. */
function snapshotEntries(account: Account, cursor: Cursor): Array<Node | Tombstone> {
  const items = [...scopeNodes(account, cursor), ...(cursor.d ? scopeTombstones(account, cursor) : [])];
  return items
    .filter((n) => n.seq <= cursor.s && (cursor.k === null || n.pathLower > cursor.k))
    .sort((x, y) => (x.pathLower < y.pathLower ? -1 : 1));
}

/** Everything changed in scope after the cursor's sequence number, in the order it changed. */
function changes(account: Account, cursor: Cursor): Array<Node | Tombstone> {
  return [...scopeNodes(account, cursor), ...scopeTombstones(account, cursor)]
    .filter((n) => n.seq > cursor.s)
    .sort((x, y) => x.seq - y.seq);
}

const entryJson = (n: Node | Tombstone): JsonObject => ('kind' in n ? metadata(n) : deletedMetadata(n));

function page(ctx: RouteContext, cursor: Cursor): Reply {
  const account = ctx.account;
  if (cursor.p !== '' && account.namespace.get(cursor.p)?.kind !== 'folder') {
    return routeError({ '.tag': 'path', path: { '.tag': 'not_found' } });
  }
  if (cursor.m === 'list') {
    const all = snapshotEntries(account, cursor);
    const taken = all.slice(0, cursor.l);
    const listedAll = taken.length === all.length;
    const next: Cursor = listedAll
      ? { ...cursor, m: 'delta', k: null }
      : { ...cursor, k: taken[taken.length - 1]?.pathLower ?? null };
    const hasMore = !listedAll || changes(account, next).length > 0;
    return json({ entries: taken.map(entryJson), cursor: encode(next), has_more: hasMore });
  }
  const all = changes(account, cursor);
  const taken = all.slice(0, cursor.l);
  // Once every change so far is reported, the cursor can skip to "now" (later changes are above it).
  const seq =
    taken.length === all.length ? account.namespace.seq : (taken[taken.length - 1]?.seq ?? cursor.s);
  return json({
    entries: taken.map(entryJson),
    cursor: encode({ ...cursor, s: seq }),
    has_more: taken.length < all.length,
  });
}

/** Reads list_folder's argument and opens a cursor on the folder, or answers with the lookup error. */
function openCursor(ctx: RouteContext, mode: Cursor['m']): Cursor | Reply {
  const { reader } = ctx;
  const obj = reader.object(ctx.arg);
  const path = parsePath(reader.string(obj, 'path'), 'list', reader.site);
  const recursive = reader.boolean(obj, 'recursive', false);
  const includeDeleted = reader.boolean(obj, 'include_deleted', false);
  const limit = reader.integer(obj, 'limit', { fallback: DEFAULT_LIST_LIMIT, min: 1, max: MAX_LIST_LIMIT });
  const found = lookup(ctx.account, path);
  if ('error' in found) return routeError({ '.tag': 'path', path: found.error });
  let folder = '';
  if ('node' in found) {
    if (found.node.kind !== 'folder') return routeError({ '.tag': 'path', path: { '.tag': 'not_folder' } });
    folder = found.node.pathLower;
  }
  const s = ctx.account.namespace.seq;
  return {
    a: ctx.account.accountId,
    p: folder,
    r: recursive,
    d: includeDeleted,
    l: limit,
    m: mode,
    s,
    k: null,
  };
}

const isCursor = (value: Cursor | Reply): value is Cursor => 'a' in value;

export const listFolder: RouteDef = {
  name: 'files/list_folder',
  style: 'rpc',
  scope: 'files.metadata.read',
  commit: false,
  handle(ctx) {
    const cursor = openCursor(ctx, 'list');
    return Promise.resolve(isCursor(cursor) ? page(ctx, cursor) : cursor);
  },
};

export const listFolderContinue: RouteDef = {
  name: 'files/list_folder/continue',
  style: 'rpc',
  scope: 'files.metadata.read',
  commit: false,
  handle(ctx) {
    const raw = ctx.reader.string(ctx.reader.object(ctx.arg), 'cursor');
    return Promise.resolve(page(ctx, decode(ctx, raw)));
  },
};

export const listFolderGetLatestCursor: RouteDef = {
  name: 'files/list_folder/get_latest_cursor',
  style: 'rpc',
  scope: 'files.metadata.read',
  commit: false,
  handle(ctx) {
    const cursor = openCursor(ctx, 'delta');
    return Promise.resolve(isCursor(cursor) ? json({ cursor: encode(cursor) }) : cursor);
  },
};
