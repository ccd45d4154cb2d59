import { createHash, randomFillSync } from 'node:crypto';
import { Readable } from 'node:stream';
import { Dropbox } from 'dropbox';
import { expect } from 'vitest';
import {
  createDropboxDestination,
  directAccess,
  type DropboxDestination,
  type DropboxDestinationOptions,
} from '../../../src/destinations/dropbox/index.ts';
import { nodeHttpFetch } from '../../../src/destinations/dropbox/node-fetch.ts';
import { simulatorFetch } from '../../../src/destinations/dropbox/simulator-fetch.ts';
import { DestinationError, type DestinationErrorKind } from '../../../src/destinations/types.ts';
import type { DropboxSim } from '../../../src/sandbox/dropbox/index.ts';
import { APP } from '../sim-dropbox/helpers.ts';

export { patternBytes, startSim } from '../sim-dropbox/helpers.ts';

/** Short backoff so retry tests take milliseconds, not seconds (Retry-After is still waited out in full). */
export const FAST: DropboxDestinationOptions = { retry: { minDelayMs: 10, maxDelayMs: 100 } };

export interface Wiring {
  /** What sends the SDK's requests: `nodeHttpFetch` (default, as recommended) or Node's built-in fetch. */
  transport?: 'node-http' | 'native';
  /** Wraps the fetch the SDK gets, for tests that tamper with requests on the way. */
  wrap?: (fetchImpl: typeof fetch) => typeof fetch;
}

/** A destination for an account over the real SDK, with tokens issued by the simulator. */
export async function destinationFor(
  sim: DropboxSim,
  email: string,
  options: DropboxDestinationOptions = FAST,
  wiring: Wiring = {},
): Promise<DropboxDestination> {
  return destinationAt(sim.url, await sim.issueTokens(email), options, wiring);
}

/** The same for a simulator at a URL (one running in another process), given its token response. */
export function destinationAt(
  simulatorUrl: string,
  tokens: Record<string, unknown>,
  options: DropboxDestinationOptions = FAST,
  wiring: Wiring = {},
): DropboxDestination {
  return createDropboxDestination(directAccess(clientAt(simulatorUrl, tokens, wiring)), {
    ...FAST,
    ...options,
  });
}

/** A real SDK client on the simulator's tokens. */
export function clientAt(
  simulatorUrl: string,
  tokens: Record<string, unknown>,
  wiring: Wiring = {},
): Dropbox {
  const transport = wiring.transport === 'native' ? fetch : nodeHttpFetch;
  const wrap = wiring.wrap ?? ((f) => f);
  return new Dropbox({
    accessToken: tokens.access_token as string,
    refreshToken: tokens.refresh_token as string,
    clientId: APP.appKey,
    clientSecret: APP.appSecret,
    accessTokenExpiresAt: new Date(Date.now() + (tokens.expires_in as number) * 1000),
    fetch: wrap(simulatorFetch(simulatorUrl, transport)),
  });
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** The files of one account in the simulator, by lower-case path. */
export async function filesOf(sim: DropboxSim, email: string) {
  const snapshot = await sim.files();
  const account = snapshot.accounts.find((a) => a.email === email);
  return new Map((account?.files ?? []).map((f) => [f.path_display.toLowerCase(), f]));
}

export async function commitCallsOf(sim: DropboxSim, email: string): Promise<number> {
  const stats = await sim.stats(email);
  return stats.accounts[0]?.calls['files/upload_session/finish_batch_v2'] ?? 0;
}

/** No autorenamed copy anywhere: the archiver never creates "name (1).ext". */
export async function expectNoRenamedCopies(sim: DropboxSim): Promise<void> {
  const snapshot = await sim.files();
  const paths = snapshot.accounts.flatMap((a) => a.files.map((f) => f.path_display));
  expect(paths.filter((p) => /\(\d+\)|conflicted copy/.test(p))).toEqual([]);
}

/** The DestinationError a promise rejects with (fails the test if it resolves or throws anything else). */
export async function destinationError(
  promise: Promise<unknown>,
  kind?: DestinationErrorKind,
): Promise<DestinationError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the put to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DestinationError);
  if (kind) expect((error as DestinationError).kind, (error as Error).message).toBe(kind);
  return error as DestinationError;
}

/**
 * A source of `size` random bytes in 64 KiB pieces that hashes what it emits, for sizes one would not
 * keep in memory. `failAfter` makes it fail with an error once that many bytes were emitted.
 *
 * `recycle` makes it cycle through a fixed ring of 256 pieces (16 MiB) instead of allocating each one,
 * so a memory measurement sees the upload's memory and not the generator's own garbage (V8 collects
 * a 300 MB trail of fresh 64 KiB Buffers lazily: on its own it grows RSS by ~70 MiB). It stays safe to
 * check: a piece overwritten before the consumer copied it would change the bytes that arrive, and
 * the SHA-256 computed here at emission would no longer match the stored file's.
 */
export function generatedSource(
  size: number,
  options: { failAfter?: number; pieceSize?: number; recycle?: boolean } = {},
) {
  const hash = createHash('sha256');
  const pieceSize = options.pieceSize ?? 64 * 1024;
  const ring = options.recycle ? Array.from({ length: 256 }, () => Buffer.allocUnsafe(pieceSize)) : null;
  let emitted = 0;
  let pieces = 0;
  const stream = new Readable({
    highWaterMark: pieceSize,
    read() {
      if (options.failAfter !== undefined && emitted >= options.failAfter) {
        this.destroy(new Error('source connection reset'));
        return;
      }
      if (emitted >= size) {
        this.push(null);
        return;
      }
      const length = Math.min(pieceSize, size - emitted);
      const slot = ring?.[pieces++ % ring.length];
      const piece = randomFillSync(slot ? slot.subarray(0, length) : Buffer.allocUnsafe(length));
      hash.update(piece);
      emitted += piece.length;
      this.push(piece);
    },
  });
  return { stream, sha256: () => hash.copy().digest('hex'), emitted: () => emitted };
}

/** A Readable over a Buffer in pieces of `pieceSize`, as an HTTP body would arrive. */
export function piecewise(bytes: Buffer, pieceSize = 64 * 1024): Readable {
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += pieceSize) pieces.push(bytes.subarray(at, at + pieceSize));
  return Readable.from(pieces);
}
