import type { RouteDef } from './context.ts';
import { routeError, type JsonValue, type Reply } from './errors.ts';
import { lookup } from './lookup.ts';
import { fileMetadata } from './metadata.ts';
import type { FileNode } from './namespace.ts';
import { parsePath } from './paths.ts';

/**
 * files/download: the bytes stream from disk, the FileMetadata travels in `Dropbox-API-Result`.
 * A single `Range: bytes=a-b` is honoured with 206, as Dropbox's content host does.
 */

/** Header values must be ASCII: every character from U+007F up is written as a `\uXXXX` escape. */
function headerSafeJson(value: JsonValue): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * A file's bytes as Dropbox's content hosts send them: the whole file (200), or a single
 * `Range: bytes=a-b` / `a-` / `-n` with 206 and `Content-Range` (416 when it starts past the end).
 * Anything else in the header is ignored and the whole file is sent, as HTTP allows.
 */
export function rangedFile(
  file: { size: number; blobPath: string },
  range: string | undefined,
  headers: Record<string, string>,
): Reply {
  const withRanges = { ...headers, 'Accept-Ranges': 'bytes' };
  const match = range ? /^bytes=(\d*)-(\d*)$/.exec(range.trim()) : null;
  if (!match || (match[1] === '' && match[2] === '')) {
    const body = file.size === 0 ? '' : { file: file.blobPath, start: 0, end: file.size - 1 };
    return { status: 200, headers: { ...withRanges, 'Content-Length': String(file.size) }, body };
  }
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, file.size - Number(match[2]));
    end = file.size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? file.size - 1 : Math.min(Number(match[2]), file.size - 1);
  }
  if (start > end || start >= file.size) {
    return {
      status: 416,
      headers: { 'Content-Range': `bytes */${file.size}`, 'Content-Length': '0' },
      body: '',
    };
  }
  return {
    status: 206,
    headers: {
      ...withRanges,
      'Content-Range': `bytes ${start}-${end}/${file.size}`,
      'Content-Length': String(end - start + 1),
    },
    body: { file: file.blobPath, start, end },
  };
}

function ranged(node: FileNode, range: string | undefined): Reply {
  return rangedFile(node, range, {
    'Content-Type': 'application/octet-stream',
    'Dropbox-API-Result': headerSafeJson(fileMetadata(node, false)),
  });
}

export const download: RouteDef = {
  name: 'files/download',
  style: 'download',
  scope: 'files.content.read',
  commit: false,
  handle(ctx) {
    const obj = ctx.reader.object(ctx.arg);
    const path = parsePath(ctx.reader.string(obj, 'path'), 'read', ctx.reader.site);
    const rev = ctx.reader.optionalString(obj, 'rev');
    const found = lookup(ctx.account, path);
    if ('error' in found) return Promise.resolve(routeError({ '.tag': 'path', path: found.error }));
    if ('root' in found || found.node.kind !== 'file') {
      return Promise.resolve(routeError({ '.tag': 'path', path: { '.tag': 'not_file' } }));
    }
    // The simulator keeps only each file's latest version.
    if (rev !== undefined && rev !== found.node.rev) {
      return Promise.resolve(routeError({ '.tag': 'path', path: { '.tag': 'not_found' } }));
    }
    return Promise.resolve(ranged(found.node, ctx.req.headers.range));
  },
};
