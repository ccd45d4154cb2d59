import type { Request } from 'express';
import type { RouteDef } from './context.ts';
import { rangedFile } from './download.ts';
import { json, routeError, type Reply } from './errors.ts';
import { randomHex, randomToken } from './ids.ts';
import { lookup } from './lookup.ts';
import { fileMetadata } from './metadata.ts';
import { parsePath } from './paths.ts';
import type { SimState } from './state.ts';

/**
 * `files/get_temporary_link` and the host its links point at. Dropbox's spec: the link "can be used
 * to stream content" of the file, "will expire in four hours and afterwards you will get 410 Gone",
 * and its Content-Type "is determined automatically by the file's mime type". Links look like the
 * spec's example, `https://uc<hex>.dl.dropboxusercontent.com/cd/0/get/<token>/file`; the simulator
 * serves that path itself (a client pointed at the simulator maps the host, as simulatorFetch does).
 */

const TEMPORARY_LINK_TTL_MS = 4 * 3_600_000;

/** The path a link's host serves: `/cd/0/get/<token>/file`. */
export const LINK_PATH = '/cd/0/get/:token/:name';

interface LinkGrant {
  accountId: string;
  fileId: string;
  expiresAt: number;
}

/** The links handed out, by token. Expired ones are kept a while so they answer 410, not 404. */
export class TemporaryLinks {
  readonly #grants = new Map<string, LinkGrant>();

  issue(accountId: string, fileId: string, now: number): string {
    // Insertion order is issue order: forget links a day past their expiry from the front.
    for (const [token, grant] of this.#grants) {
      if (grant.expiresAt + 86_400_000 > now) break;
      this.#grants.delete(token);
    }
    const token = randomToken(64);
    this.#grants.set(token, { accountId, fileId, expiresAt: now + TEMPORARY_LINK_TTL_MS });
    return token;
  }

  find(token: string): LinkGrant | undefined {
    return this.#grants.get(token);
  }
}

export const getTemporaryLink: RouteDef = {
  name: 'files/get_temporary_link',
  style: 'rpc',
  scope: 'files.content.read',
  commit: false,
  handle(ctx) {
    const obj = ctx.reader.object(ctx.arg);
    const path = parsePath(ctx.reader.string(obj, 'path'), 'read', ctx.reader.site);
    const found = lookup(ctx.account, path);
    if ('error' in found) return Promise.resolve(routeError({ '.tag': 'path', path: found.error }));
    if ('root' in found || found.node.kind !== 'file') {
      return Promise.resolve(routeError({ '.tag': 'path', path: { '.tag': 'not_file' } }));
    }
    const token = ctx.sim.links.issue(ctx.account.accountId, found.node.id, ctx.sim.clock.now());
    return Promise.resolve(
      json({
        metadata: fileMetadata(found.node, false),
        link: `https://uc${randomHex(26)}.dl.dropboxusercontent.com/cd/0/get/${token}/file`,
      }),
    );
  },
};

const MIME_TYPES: Record<string, string> = {
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  m4a: 'audio/mp4',
  pdf: 'application/pdf',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  bmp: 'image/bmp',
  heic: 'image/heic',
  mp4: 'video/mp4',
  '3gp': 'video/3gpp',
  mov: 'video/quicktime',
  txt: 'text/plain; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  vcf: 'text/vcard',
};

function mimeTypeOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return (dot >= 0 && MIME_TYPES[name.slice(dot + 1).toLowerCase()]) || 'application/octet-stream';
}

const plain = (status: number, text: string): Reply => ({
  status,
  headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  body: text,
});

/** What the link's host answers: the file's bytes (a single Range honoured), 410 once expired. */
export function serveLink(sim: SimState, req: Request): Reply {
  const grant = sim.links.find(String(req.params.token ?? ''));
  if (!grant) return plain(404, 'Not Found');
  if (sim.clock.now() >= grant.expiresAt) return plain(410, 'Gone');
  const node = sim.accounts.get(grant.accountId)?.namespace.getById(grant.fileId);
  if (!node || node.kind !== 'file') return plain(404, 'Not Found');
  const quoted = node.name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return rangedFile(node, req.headers.range, {
    'Content-Type': mimeTypeOf(node.name),
    'Content-Disposition': `inline; filename="${quoted}"; filename*=UTF-8''${encodeURIComponent(node.name)}`,
  });
}
