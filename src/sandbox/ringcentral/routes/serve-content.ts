/**
 * Sends binary content the way RingCentral's media host does: Content-Type, Content-Length,
 * Accept-Ranges, a single `Range: bytes=…` answered with 206 + Content-Range (an unsatisfiable
 * one with 416 CMN-107), optional Content-Disposition, and streaming with backpressure so a 2 GB
 * body never sits in memory. The `truncateBodies` fault sends the full Content-Length, then cuts
 * the connection halfway through the body.
 */
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { Request, Response } from 'express';
import { rcErrors } from '../errors.ts';
import { single, type Query } from '../params.ts';
import type { SimState } from '../state.ts';

export interface Servable {
  size: number;
  contentType: string;
  fileName: string;
  open(start: number, end: number): NodeJS.ReadableStream;
}

type RangeResult = { start: number; end: number } | 'unsatisfiable' | null;

/** Parses a single byte range; multi-range requests are answered with the whole body. */
export function parseRange(header: string | undefined, size: number): RangeResult {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return null;
  const [, from, to] = m;
  if (from === '' && to === '') return null;
  if (from === '') {
    const suffix = Number(to);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(from);
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

export async function serveContent(
  req: Request,
  res: Response,
  state: SimState,
  accountId: string,
  item: Servable,
): Promise<void> {
  const range = parseRange(req.headers.range, item.size);
  if (range === 'unsatisfiable') throw rcErrors.rangeNotSatisfiable(item.size);
  const start = range ? range.start : 0;
  const end = range ? range.end : item.size - 1;
  const length = item.size === 0 ? 0 : end - start + 1;
  res.status(range ? 206 : 200);
  res.setHeader('Content-Type', item.contentType);
  res.setHeader('Content-Length', String(length));
  res.setHeader('Accept-Ranges', 'bytes');
  if (range) res.setHeader('Content-Range', `bytes ${start}-${end}/${item.size}`);
  const q = req.query as Query;
  const disposition = single(q, 'contentDisposition');
  if (disposition === 'Attachment' || disposition === 'Inline') {
    const name = single(q, 'contentDispositionFilename') ?? item.fileName;
    res.setHeader(
      'Content-Disposition',
      `${disposition.toLowerCase()}; filename="${name.replace(/"/g, '')}"`,
    );
  }
  if (req.method === 'HEAD' || length === 0) {
    res.end();
    return;
  }
  const truncate = state.faults.takeTruncation();
  const sendUntil = truncate ? start + Math.floor(length / 2) : end;
  const stats = state.stats.of(accountId);
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      stats.mediaBytes += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(item.open(start, sendUntil), counter, res, { end: !truncate });
  } catch {
    // The client went away mid-body; nothing left to answer.
    res.destroy();
    return;
  }
  // Promised Content-Length, delivered half: the client sees a premature close.
  if (truncate) res.destroy();
}
