import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { contentHash } from '../../../src/lib/content-hash.ts';
import { BatchCommitter } from '../../../src/destinations/dropbox/batch-committer.ts';
import { Counters } from '../../../src/destinations/dropbox/counters.ts';
import {
  DEFAULT_RETRY_POLICY,
  directAccess,
  RatePause,
  type DropboxDestinationError,
} from '../../../src/destinations/dropbox/index.ts';
import type { DropboxSim } from '../../../src/sandbox/dropbox/index.ts';
import {
  clientAt,
  commitCallsOf,
  FAST,
  destinationError,
  destinationFor,
  expectNoRenamedCopies,
  filesOf,
  patternBytes,
  sha256,
  startSim,
} from './helpers.ts';

// Dropbox misbehaving, as the simulator's faults make it: rate limits, lock contention, 5xx, lost
// responses, damaged bytes, a full account, a revoked grant.

const MIB = 1024 * 1024;
let sim: DropboxSim;

beforeAll(async () => {
  sim = await startSim();
});

afterEach(async () => {
  await sim.setFaults({ reset: true });
});

afterAll(async () => {
  await expectNoRenamedCopies(sim);
  await sim.close();
});

const smallFiles = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    path: `${prefix}/f-${i}.json`,
    bytes: patternBytes(100 + i, i + 1),
  }));

async function expectStored(email: string, files: Array<{ path: string; bytes: Buffer }>): Promise<void> {
  const stored = await filesOf(sim, email);
  for (const f of files) expect(stored.get(f.path.toLowerCase())?.sha256, f.path).toBe(sha256(f.bytes));
}

describe('429 and 5xx', () => {
  it('waits out Retry-After on too_many_requests, then succeeds', async () => {
    const email = 'tmr@example.com';
    const destination = await destinationFor(sim, email);
    await sim.setFaults({ tooManyRequests: { next: 2, retryAfterSeconds: 1 } });
    const started = Date.now();
    await destination.put('/tmr/a.txt', Buffer.from('a'), { mode: 'add' });
    const elapsed = Date.now() - started;
    console.log(`two 429s with Retry-After: 1 → put took ${elapsed} ms`);
    expect(elapsed).toBeGreaterThanOrEqual(2000);
    expect(destination.stats()).toMatchObject({ rateLimited: 2, retries: 2 });
    await expectStored(email, [{ path: '/tmr/a.txt', bytes: Buffer.from('a') }]);
  });

  it("takes Dropbox's plain-text 429 as too_many_requests", async () => {
    const email = 'tmr-text@example.com';
    const destination = await destinationFor(sim, email);
    await sim.setFaults({ tooManyRequests: { next: 1, retryAfterSeconds: 1, plainText: true } });
    const started = Date.now();
    await destination.put('/tmr/b.txt', Buffer.from('b'), { mode: 'add' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(destination.stats().rateLimited).toBe(1);
  });

  it("does not sit out a Retry-After longer than maxRetryAfterMs: kind 'retry' at once, with the wait", async () => {
    const destination = await destinationFor(sim, 'tmr-long@example.com');
    await sim.setFaults({ tooManyRequests: { next: 1, retryAfterSeconds: 300 } });
    const started = Date.now();
    const error = await destinationError(
      destination.put('/tmr/c.txt', Buffer.from('c'), { mode: 'add' }),
      'retry',
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect((error as DropboxDestinationError).retryAfterMs).toBe(300_000);
  });

  it("pauses every call of the destination for too_many_requests' Retry-After, not only the refused one", async () => {
    const email = 'tmr-pause@example.com';
    const destination = await destinationFor(sim, email, { ...FAST, batchIdleMs: 20 });
    const calls = async () =>
      Object.values((await sim.stats(email)).accounts[0]?.calls ?? {}).reduce((a, b) => a + b, 0);
    await sim.setFaults({ tooManyRequests: { next: 1, retryAfterSeconds: 2 } });
    // The first file's first call is refused; the others are queued behind it or start right after.
    const first = destination.put('/pause/first.txt', Buffer.from('first'), { mode: 'add' });
    await expect.poll(() => destination.stats().rateLimited, { interval: 5 }).toBe(1);
    const refusedAt = Date.now();
    const others = smallFiles('/pause', 8);
    const puts = others.map((f) => destination.put(f.path, f.bytes, { mode: 'add' }));
    const atRefusal = await calls();
    await new Promise((r) => setTimeout(r, 1500));
    // Without the shared pause the other eight would have been uploaded and committed by now.
    expect(await calls()).toBe(atRefusal);
    await Promise.all([first, ...puts]);
    expect(Date.now() - refusedAt).toBeGreaterThanOrEqual(1900);
    expect(destination.stats()).toMatchObject({ rateLimited: 1 });
    await expectStored(email, [{ path: '/pause/first.txt', bytes: Buffer.from('first') }, ...others]);
  });

  it('fails new calls unsent while a Retry-After too long to sit out runs, then sends again', async () => {
    const email = 'tmr-long-pause@example.com';
    const destination = await destinationFor(sim, email, {
      ...FAST,
      retry: { ...FAST.retry, maxRetryAfterMs: 1000 },
    });
    await sim.setFaults({ tooManyRequests: { next: 1, retryAfterSeconds: 2 } });
    await destinationError(destination.put('/long/a.txt', Buffer.from('a'), { mode: 'add' }), 'retry');
    const before = (await sim.stats(email)).accounts[0]!.calls;
    const error = await destinationError(
      destination.put('/long/b.txt', Buffer.from('b'), { mode: 'add' }),
      'retry',
    );
    expect(error.message).toMatch(/asked for no requests for \d+ s more/);
    expect((await sim.stats(email)).accounts[0]!.calls).toEqual(before);
    await new Promise((r) => setTimeout(r, 2100));
    await destination.put('/long/b.txt', Buffer.from('b'), { mode: 'add' });
    await expectStored(email, [{ path: '/long/b.txt', bytes: Buffer.from('b') }]);
  });

  it("stops at once on a team's monthly data transport cap (403): kind 'capped', not retried", async () => {
    const email = 'capped@example.com';
    const destination = await destinationFor(sim, email);
    await sim.setFaults({ dataTransportCapped: [email] });
    const error = await destinationError(
      destination.put('/cap/a.txt', Buffer.from('a'), { mode: 'add' }),
      'capped',
    );
    expect(error.message).toContain('invalid_account_type/feature');
    expect(error.message).toContain('data transport API calls for the month');
    expect(destination.stats()).toMatchObject({ startCalls: 1, retries: 0 });
    // Reads are not data transport calls: the account still answers them.
    expect((await destination.spaceUsage()).used).toBe(0);
    await sim.setFaults({ dataTransportCapped: [] });
    await destination.put('/cap/a.txt', Buffer.from('a'), { mode: 'add' });
    await expectStored(email, [{ path: '/cap/a.txt', bytes: Buffer.from('a') }]);
  });

  it('retries 5xx bursts on uploads and on the batch commit', async () => {
    const email = '5xx@example.com';
    const destination = await destinationFor(sim, email);
    const big = { path: '/5xx/big.mp3', bytes: patternBytes(20 * MIB, 5) };
    await sim.setFaults({ errorNext: 3, errorStatus: 503, errorRoutes: ['files/upload_session/append_v2'] });
    await destination.put(big.path, big.bytes, { mode: 'add' });
    await sim.setFaults({
      errorNext: 2,
      errorStatus: 500,
      errorRoutes: ['files/upload_session/finish_batch_v2'],
    });
    const files = smallFiles('/5xx', 10);
    await Promise.all(files.map((f) => destination.put(f.path, f.bytes, { mode: 'add' })));
    expect(destination.stats().retries).toBe(5);
    await expectStored(email, [big, ...files]);
  });

  it("gives up after the bounded number of attempts with kind 'retry' and commits nothing", async () => {
    const email = 'exhausted@example.com';
    const destination = await destinationFor(sim, email, {
      retry: { retries: 2, minDelayMs: 10, maxDelayMs: 50 },
    });
    await sim.setFaults({ errorNext: 10, errorStatus: 500, errorRoutes: ['files/upload_session/start'] });
    const error = await destinationError(
      destination.put('/x/a.txt', Buffer.from('a'), { mode: 'add' }),
      'retry',
    );
    expect(error.message).toContain('500');
    expect(destination.stats().startCalls).toBe(3);
    expect((await filesOf(sim, email)).size).toBe(0);
  });
});

describe('too_many_write_operations', () => {
  it('puts entries refused inside finish_batch_v2 into the next batch until they commit', async () => {
    const email = 'entries@example.com';
    const destination = await destinationFor(sim, email);
    await sim.setFaults({ batchEntryFailureRate: 0.3 });
    const files = smallFiles('/entries', 40);
    await Promise.all(files.map((f) => destination.put(f.path, f.bytes, { mode: 'add' })));
    expect(destination.stats().entriesRequeued).toBeGreaterThan(0);
    expect(await commitCallsOf(sim, email)).toBeGreaterThan(1);
    await expectStored(email, files);
  });

  it('retries a batch refused with 429 while another commit holds the namespace', async () => {
    const email = 'contention@example.com';
    const destination = await destinationFor(sim, email);
    // Another app of the same user commits a file, holding the account's lock for 1.2 s.
    const other = await destinationFor(sim, email, { batchIdleMs: 1 });
    await sim.setFaults({ commitLatencyMs: 1200 });
    const foreign = other.put('/contention/other.txt', Buffer.from('other'), { mode: 'add' });
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await destination.put('/contention/mine.txt', Buffer.from('mine'), { mode: 'add' });
    await foreign;
    expect(destination.stats().rateLimited).toBeGreaterThanOrEqual(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    const responses = (await sim.stats(email)).accounts[0]!.responses;
    expect(responses['429']).toBeGreaterThanOrEqual(1);
    await expectStored(email, [{ path: '/contention/mine.txt', bytes: Buffer.from('mine') }]);
  });
});

describe('a batch Dropbox refuses as a whole', () => {
  it('refuses a path that is not absolute before uploading anything', async () => {
    const destination = await destinationFor(sim, 'relative@example.com');
    const error = await destinationError(
      destination.put('Company/a.txt', Buffer.from('a'), { mode: 'add' }),
      'item',
    );
    expect(error.message).toContain('Company/a.txt');
    expect(destination.stats().startCalls).toBe(0);
  });

  it('splits a batch answered with 400 until the one entry at fault is alone', async () => {
    const email = 'bisect@example.com';
    const client = clientAt(sim.url, await sim.issueTokens(email));
    const counters = new Counters();
    const committer = new BatchCommitter(
      {
        access: directAccess(client),
        counters,
        retry: { ...DEFAULT_RETRY_POLICY, ...FAST.retry },
        requestTimeoutMs: 30_000,
        pause: new RatePause(),
      },
      { batchSize: 100, idleMs: 50, maxWaitMs: 1000, maxEntryAttempts: 3 },
    );
    const files = smallFiles('/bisect', 7);
    const sessions = await Promise.all(
      files.map(
        async (f) =>
          (await client.filesUploadSessionStart({ close: true, contents: f.bytes })).result.session_id,
      ),
    );
    const outcomes = await Promise.allSettled(
      files.map((f, i) =>
        committer.commit({
          sessionId: sessions[i]!,
          size: f.bytes.length,
          // Not absolute: Dropbox refuses the whole finish_batch_v2 call with a 400.
          path: i === 3 ? 'bisect/bad.json' : f.path,
          mode: 'add',
          contentHash: contentHash(f.bytes),
        }),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    expect((outcomes[3] as PromiseRejectedResult).reason).toMatchObject({ kind: 'item', status: 400 });
    const good = files.filter((_, i) => i !== 3);
    await expectStored(email, good);
    expect((await filesOf(sim, email)).size).toBe(6);
    expect(counters.snapshot().commitCalls).toBeLessThanOrEqual(7);
  });
});

describe('lost responses and damaged bytes', () => {
  it('reconciles appends whose responses were lost (incorrect_offset, then closed)', async () => {
    const email = 'lost-append@example.com';
    const destination = await destinationFor(sim, email);
    const bytes = patternBytes(20 * MIB, 8);
    await sim.setFaults({ dropResponsesNext: 2, errorRoutes: ['files/upload_session/append_v2'] });
    const committed = await destination.put('/lost/append.mp3', bytes, { mode: 'add', size: bytes.length });
    expect(committed.remoteHash).toEqual({ algorithm: 'dropbox-content-hash', value: contentHash(bytes) });
    expect(destination.stats()).toMatchObject({ reconciled: 2, appendCalls: 4 });
    await expectStored(email, [{ path: '/lost/append.mp3', bytes }]);
  });

  it('settles entries whose finish_batch_v2 response was lost by reading the committed files', async () => {
    const email = 'lost-commit@example.com';
    const destination = await destinationFor(sim, email);
    await sim.setFaults({ dropResponsesNext: 1, errorRoutes: ['files/upload_session/finish_batch_v2'] });
    const files = smallFiles('/lost', 5);
    const committed = await Promise.all(files.map((f) => destination.put(f.path, f.bytes, { mode: 'add' })));
    expect(committed.map((c) => c.sha256)).toEqual(files.map((f) => sha256(f.bytes)));
    expect(destination.stats()).toMatchObject({ commitCalls: 2, reconciled: 5, metadataCalls: 5 });
    await expectStored(email, files);
  });

  it('sends again a chunk Dropbox refused as damaged on the way (content_hash_mismatch)', async () => {
    const email = 'corrupt@example.com';
    const destination = await destinationFor(sim, email);
    const bytes = patternBytes(12 * MIB, 9);
    await sim.setFaults({ corruptUploads: 2 });
    await destination.put('/corrupt/a.mp3', bytes, { mode: 'add' });
    expect(destination.stats().retries).toBe(2);
    await expectStored(email, [{ path: '/corrupt/a.mp3', bytes }]);
  });

  it("deletes a committed file whose content_hash differs from the bytes sent, and fails with kind 'retry'", async () => {
    const email = 'mismatch@example.com';
    // A client wrapper that drops the per-call content_hash, so damaged bytes get committed: only the
    // end-to-end comparison after the commit can catch them.
    const stripHashes =
      (f: typeof fetch): typeof fetch =>
      (input, init) => {
        const headers = new Headers(init?.headers);
        const arg = headers.get('dropbox-api-arg');
        if (arg) {
          const { content_hash: _dropped, ...rest } = JSON.parse(arg) as Record<string, unknown>;
          headers.set('dropbox-api-arg', JSON.stringify(rest));
        }
        return f(input, { ...init, headers });
      };
    const careless = await destinationFor(sim, email, undefined, { wrap: stripHashes });
    const bytes = patternBytes(3000, 10);
    await sim.setFaults({ corruptUploads: 1 });
    const error = await destinationError(careless.put('/mismatch/a.pdf', bytes, { mode: 'add' }), 'retry');
    expect(error.message).toMatch(/content_hash .* but the bytes sent hash to .*was deleted/);
    expect(careless.stats()).toMatchObject({ hashMismatches: 1, deleteCalls: 1 });
    expect((await filesOf(sim, email)).has('/mismatch/a.pdf')).toBe(false);

    // The next attempt (bytes intact) is not refused as a conflict with the damaged file.
    const destination = await destinationFor(sim, email);
    await destination.put('/mismatch/a.pdf', bytes, { mode: 'add' });
    await expectStored(email, [{ path: '/mismatch/a.pdf', bytes }]);
  });
});

describe('the account', () => {
  it("reports a full account as kind 'full'", async () => {
    const email = 'full@example.com';
    const destination = await destinationFor(sim, email);
    await sim.setQuota(email, 10_000);
    const error = await destinationError(
      destination.put('/full/big.mp3', patternBytes(20_000, 2), { mode: 'add' }),
      'full',
    );
    expect(error.message).toContain('insufficient_space');
    expect((await filesOf(sim, email)).size).toBe(0);
  });

  it("reports a revoked grant as kind 'auth' on puts, reads and listings", async () => {
    const email = 'revoked@example.com';
    const destination = await destinationFor(sim, email);
    await destination.put('/revoked/a.txt', Buffer.from('a'), { mode: 'add' });
    await sim.revokeTokens(email);
    const error = await destinationError(
      destination.put('/revoked/b.txt', Buffer.from('b'), { mode: 'add' }),
      'auth',
    );
    expect(error.message).toContain('invalid_access_token');
    await destinationError(destination.read('/revoked/a.txt'), 'auth');
    await destinationError(
      (async () => {
        for await (const _ of destination.list('/revoked')) void _;
      })(),
      'auth',
    );
    expect(destination.stats().retries).toBe(0);
  });

  it('treats an error of kind auth from the access object (the grant is gone) as kind auth', async () => {
    const { createDropboxDestination } = await import('../../../src/destinations/dropbox/index.ts');
    const gone = Object.assign(new Error('Dropbox access is no longer valid'), { kind: 'auth' as const });
    const destination = createDropboxDestination({ call: () => Promise.reject(gone) });
    const error = await destinationError(
      destination.put('/x.txt', Buffer.from('x'), { mode: 'add' }),
      'auth',
    );
    expect(error.cause).toBe(gone);
  });

  it('keeps two Dropbox accounts apart when both are written at once', async () => {
    const [a, b] = ['tenant-a@example.com', 'tenant-b@example.com'];
    const [da, db] = await Promise.all([destinationFor(sim, a), destinationFor(sim, b)]);
    // Same paths in both accounts, different bytes.
    const filesA = smallFiles('/Company/2026', 30).map((f) => ({
      ...f,
      bytes: Buffer.concat([Buffer.from('A'), f.bytes]),
    }));
    const filesB = smallFiles('/Company/2026', 30).map((f) => ({
      ...f,
      bytes: Buffer.concat([Buffer.from('B'), f.bytes]),
    }));
    const bigA = { path: '/Company/big.mp3', bytes: patternBytes(9 * MIB, 21) };
    const bigB = { path: '/Company/big.mp3', bytes: patternBytes(9 * MIB, 22) };
    await Promise.all([
      ...[...filesA, bigA].map((f) => da.put(f.path, f.bytes, { mode: 'add' })),
      ...[...filesB, bigB].map((f) => db.put(f.path, f.bytes, { mode: 'add' })),
    ]);
    await expectStored(a, [...filesA, bigA]);
    await expectStored(b, [...filesB, bigB]);
    expect((await filesOf(sim, a)).size).toBe(31);
    expect((await filesOf(sim, b)).size).toBe(31);
  });
});
