import { revokeToken } from './auth.ts';
import { finishBatch, finishBatchCheck, finishBatchV2, startBatch } from './batch.ts';
import type { RouteDef } from './context.ts';
import { download } from './download.ts';
import { createFolderV2, deleteV2, getMetadata } from './file-ops.ts';
import { listFolder, listFolderContinue, listFolderGetLatestCursor } from './list-folder.ts';
import {
  uploadSessionAppend,
  uploadSessionAppendV2,
  uploadSessionFinish,
  uploadSessionStart,
} from './session-routes.ts';
import { getTemporaryLink } from './temporary-links.ts';
import { upload } from './upload.ts';
import { getCurrentAccount, getSpaceUsage } from './users.ts';

/** Every `/2/...` route the simulator serves, by name (the URL path without `/2/`). */
export const ROUTES: ReadonlyMap<string, RouteDef> = new Map(
  [
    upload,
    uploadSessionStart,
    uploadSessionAppendV2,
    uploadSessionAppend,
    uploadSessionFinish,
    startBatch,
    finishBatchV2,
    finishBatch,
    finishBatchCheck,
    createFolderV2,
    deleteV2,
    getMetadata,
    listFolder,
    listFolderContinue,
    listFolderGetLatestCursor,
    download,
    getTemporaryLink,
    getCurrentAccount,
    getSpaceUsage,
    revokeToken,
  ].map((route) => [route.name, route]),
);

/** Which host serves which style, so a request sent to the wrong one can be refused. */
export const HOST_FOR_STYLE = {
  rpc: 'api.dropboxapi.com',
  upload: 'content.dropboxapi.com',
  download: 'content.dropboxapi.com',
} as const;

/** Hosts the simulator knows; a request naming another host in `x-sim-host` is not checked. */
const DROPBOX_HOSTS = new Set([
  'api.dropboxapi.com',
  'content.dropboxapi.com',
  'notify.dropboxapi.com',
  'api.dropbox.com',
  'dropbox.com',
  'www.dropbox.com',
]);

/** The original host if it is a Dropbox host other than the ones allowed, else null. */
export function wrongHost(simHost: string | string[] | undefined, allowed: readonly string[]): string | null {
  const host = (Array.isArray(simHost) ? simHost[0] : simHost)?.toLowerCase();
  return host && DROPBOX_HOSTS.has(host) && !allowed.includes(host) ? host : null;
}
