import { withCommitLock, type RouteDef } from './context.ts';
import { badInput, json, routeError, type JsonObject } from './errors.ts';
import { lookup } from './lookup.ts';
import type { FolderNode } from './namespace.ts';
import { deletedMetadata, folderMetadata, metadata } from './metadata.ts';
import { lowerPath, parsePath } from './paths.ts';
import { createFolder } from './write.ts';

/** files/create_folder_v2, files/delete_v2 and files/get_metadata. */

export const createFolderV2: RouteDef = {
  name: 'files/create_folder_v2',
  style: 'rpc',
  scope: 'files.content.write',
  commit: true,
  async handle(ctx) {
    const obj = ctx.reader.object(ctx.arg);
    const path = parsePath(ctx.reader.string(obj, 'path'), 'write', ctx.reader.site);
    const autorename = ctx.reader.boolean(obj, 'autorename', false);
    const result = await withCommitLock(ctx, () =>
      Promise.resolve(createFolder(ctx.account, path, autorename)),
    );
    if (isFolder(result)) return json({ metadata: folderMetadata(result, false) });
    return routeError({ '.tag': 'path', path: result });
  },
};

const isFolder = (value: FolderNode | JsonObject): value is FolderNode => value.kind === 'folder';

export const deleteV2: RouteDef = {
  name: 'files/delete_v2',
  style: 'rpc',
  scope: 'files.content.write',
  commit: true,
  async handle(ctx) {
    const obj = ctx.reader.object(ctx.arg);
    const path = parsePath(ctx.reader.string(obj, 'path'), 'writeOrId', ctx.reader.site);
    const parentRev = ctx.reader.optionalString(obj, 'parent_rev');
    return withCommitLock(ctx, async () => {
      const found = lookup(ctx.account, path);
      if ('error' in found) return routeError({ '.tag': 'path_lookup', path_lookup: found.error });
      if ('root' in found)
        return badInput(ctx.route.name, 'request body: path: The root folder is unsupported.');
      const node = found.node;
      // parent_rev: delete only the version the caller saw (files only, per the spec).
      if (parentRev !== undefined && (node.kind !== 'file' || node.rev !== parentRev)) {
        return routeError({
          '.tag': 'path_write',
          path_write: { '.tag': 'conflict', conflict: { '.tag': 'file' } },
        });
      }
      for (const removed of ctx.account.namespace.remove(node.pathLower)) {
        if (removed.kind === 'file') await ctx.sim.blobs.remove(removed.blobPath);
      }
      return json({ metadata: metadata(node) });
    });
  },
};

export const getMetadata: RouteDef = {
  name: 'files/get_metadata',
  style: 'rpc',
  scope: 'files.metadata.read',
  commit: false,
  handle(ctx) {
    const obj = ctx.reader.object(ctx.arg);
    const path = parsePath(ctx.reader.string(obj, 'path'), 'read', ctx.reader.site);
    const includeDeleted = ctx.reader.boolean(obj, 'include_deleted', false);
    const found = lookup(ctx.account, path);
    if ('root' in found) {
      return Promise.resolve(badInput(ctx.route.name, 'request body: path: The root folder is unsupported.'));
    }
    if ('node' in found) return Promise.resolve(json(metadata(found.node)));
    const tombstone =
      includeDeleted && path.ref.kind === 'path'
        ? ctx.account.namespace.tombstone(lowerPath(path.ref.components))
        : null;
    if (tombstone) return Promise.resolve(json(deletedMetadata(tombstone)));
    return Promise.resolve(routeError({ '.tag': 'path', path: found.error }));
  },
};
