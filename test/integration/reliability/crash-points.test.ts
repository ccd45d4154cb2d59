import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CrashPoint } from '../../../src/lib/crash-points.ts';
import type { RcAccountSpec } from '../../../src/sandbox/ringcentral/index.ts';
import { allLedger, checkArchive, expectComplete, type ArchiveCheck } from '../../support/archive-check.ts';
import { snapshotArchive, type ArchiveSnapshot } from '../../support/archive-snapshot.ts';
import { onboardTenant } from '../../support/onboard.ts';
import { archiveChild, finishes } from '../../support/archive-child-run.ts';
import { freePort } from '../../support/redis-server.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

/**
 * Fault suite, case 1: `kill -9` of the archiving process at each crash point (src/lib/crash-points.ts),
 * then a restart. The restarted process must leave exactly what a run without the crash leaves:
 * the same ledger, the same files with the same bytes, the same daily manifests, and nothing
 * outstanding. Every case runs against its own simulators and database holding an identical
 * account, and is compared with a crash-free reference archive of that account.
 */

const EMAIL = 'archive@crash.example';
const MIB = 1024 * 1024;
/** Larger than two 8 MiB upload chunks: its session takes a start and two appends. */
const BIG_RECORDING = 17 * MIB + 123;

const SPEC: RcAccountSpec = {
  seed: 1717,
  extensions: 4,
  days: 2,
  callsPerExtensionPerDay: 4,
  recordedShare: 0.5,
  messagesPerExtensionPerDay: 2,
  recordingSizeRange: [2_000, 20_000],
  voicemailSizeRange: [2_000, 8_000],
  extraRecordings: [BIG_RECORDING],
  // Recordings that appear later would make the archive depend on when the run happens.
  lateRecordingShare: 0,
};

/**
 * Every stack's simulator creates the account at the same instant and serves it on the same ports
 * (records carry their own URIs), so the accounts are identical down to the byte. The stacks run
 * one after the other.
 */
const CREATED_AT = Date.now() - 60_000;
const RC_PORTS = { port: await freePort(), mediaPort: await freePort() };

async function identicalAccountStack(): Promise<TestStack> {
  let shift: number | null = null;
  const stack = await startStack({
    rc: {
      ...RC_PORTS,
      rateLimitWindowSeconds: 1,
      limits: { Heavy: 100, Medium: 400, Light: 500 },
      accounts: [SPEC],
      now: () => (shift === null ? CREATED_AT : Date.now() - shift),
    },
  });
  shift = Date.now() - CREATED_AT;
  return stack;
}

const itemFiles = (check: { files: number }, ledgerReports: number) => check.files - ledgerReports;

interface CrashCase {
  point: CrashPoint;
  /** ARCHIVER_CRASH_AT: the point and which time it is reached. */
  at: string;
  /** What must be true right after the kill: the crash happened where it says. */
  afterCrash: (stack: TestStack, tenantId: string, broken: ArchiveCheck) => Promise<void>;
}

const ledgerKeys = async (stack: TestStack, tenantId: string) =>
  new Set((await allLedger(stack, tenantId)).map((e) => e.path.toLowerCase()));
const dropboxPaths = async (stack: TestStack) =>
  ((await stack.dbx.files()).accounts.find((a) => a.email === EMAIL)?.files ?? []).map((f) => f.path_display);

const CASES: CrashCase[] = [
  {
    point: 'after-download',
    at: 'after-download:2',
    afterCrash: async (stack, tenantId, broken) => {
      expect(broken.missing.length).toBeGreaterThan(0);
      // Some recordings were read from RingCentral; not every one reached the ledger.
      const recordings = (await allLedger(stack, tenantId)).filter((e) => e.kind === 'recording');
      const inventory = await stack.rc.inventory(tenantId, { sha256: false });
      expect(recordings.length).toBeLessThan(inventory.callLog.filter((c) => c.recording).length);
    },
  },
  {
    point: 'mid-upload',
    at: 'mid-upload:1',
    afterCrash: async (stack, tenantId, broken) => {
      expect(broken.missing.length).toBeGreaterThan(0);
      // The big recording's session was half sent: nothing of it is in Dropbox or the ledger.
      const big = (await stack.rc.inventory(tenantId, { sha256: false })).callLog.find(
        (c) => c.recording?.size === BIG_RECORDING,
      );
      expect(big?.recording).toBeTruthy();
      const id = big!.recording!.id;
      expect((await dropboxPaths(stack)).filter((p) => p.includes(id))).toEqual([]);
      expect((await allLedger(stack, tenantId)).some((e) => e.sourceId === id)).toBe(false);
    },
  },
  {
    point: 'after-dropbox-commit',
    at: 'after-dropbox-commit:1',
    afterCrash: async (stack, tenantId, broken) => {
      expect(broken.missing.length).toBeGreaterThan(0);
      // Dropbox holds committed files the ledger has never heard of.
      const known = await ledgerKeys(stack, tenantId);
      const orphans = (await dropboxPaths(stack)).filter((p) => !known.has(p.toLowerCase()));
      expect(orphans.length).toBeGreaterThan(0);
    },
  },
  {
    point: 'after-ledger-write',
    at: 'after-ledger-write:5',
    afterCrash: async (stack, tenantId, broken) => {
      expect(broken.missing.length).toBeGreaterThan(0);
      // Ledger rows exist, and the call log's cursor has not moved past the calls they belong to.
      expect((await allLedger(stack, tenantId)).length).toBeGreaterThanOrEqual(5);
      const until = (await stack.services.store.getCursor(tenantId, 'calllog'))?.position.until;
      const calls = (await stack.rc.inventory(tenantId, { sha256: false })).callLog;
      const oldestCall = Math.min(...calls.map((c) => Date.parse(c.startTime)));
      expect(typeof until === 'string' ? Date.parse(until) : 0).toBeLessThan(oldestCall);
    },
  },
  {
    point: 'after-ledger-write',
    // The last item of the run: everything is archived, the day's report files are not written yet.
    at: 'after-ledger-write:last',
    afterCrash: async (stack, tenantId, broken) => {
      expect(broken.missing).toEqual([]);
      const ledger = await allLedger(stack, tenantId);
      expect(ledger.filter((e) => e.kind === 'report')).toEqual([]);
    },
  },
];

describe('fault suite 1: kill -9 at each crash point, then a restart', () => {
  let reference: ArchiveSnapshot;
  let itemCount = 0;
  let stack: TestStack | null = null;

  beforeAll(async () => {
    const ref = await identicalAccountStack();
    try {
      const { tenantId } = await onboardTenant(ref, { email: EMAIL });
      await finishes(archiveChild(ref, tenantId));
      const check = expectComplete(await checkArchive(ref, tenantId, EMAIL));
      reference = await snapshotArchive(ref, tenantId, EMAIL);
      itemCount = check.expected;
      console.log(
        `crash-free reference: ${check.expected} items (${check.binaries} binaries), ${check.files} files`,
      );
      expect(reference.outstanding).toEqual([]);
      expect(Object.keys(reference.manifests).length).toBeGreaterThanOrEqual(2);
    } finally {
      await ref.close();
    }
  }, 120_000);

  afterEach(async () => {
    await stack?.close();
    stack = null;
  });

  it.each(CASES)(
    'kill -9 at $at: the restarted run leaves exactly what a run without the crash leaves',
    async ({ point, at, afterCrash }) => {
      stack = await identicalAccountStack();
      const { tenantId } = await onboardTenant(stack, { email: EMAIL });

      const crashed = archiveChild(stack, tenantId, {
        ARCHIVER_CRASH_AT: at.replace(':last', `:${itemCount}`),
      });
      await crashed.exited();
      expect(crashed.child.signalCode, crashed.output()).toBe('SIGKILL');
      expect(crashed.output()).toContain(`crash point ${point} reached`);
      const broken = await checkArchive(stack, tenantId, EMAIL);
      await afterCrash(stack, tenantId, broken);

      await finishes(archiveChild(stack, tenantId));
      const check = expectComplete(await checkArchive(stack, tenantId, EMAIL));
      expect(await snapshotArchive(stack, tenantId, EMAIL)).toEqual(reference);
      const reports = (await allLedger(stack, tenantId)).filter((e) => e.kind === 'report').length;
      console.log(
        `kill -9 ${at}: ${check.expected} items checked (${check.binaries} binaries, ` +
          `${itemFiles(check, reports)} item files), ${broken.missing.length} were missing after the crash; ` +
          'after the restart none lost, none duplicated, archive identical to the crash-free run',
      );
    },
    120_000,
  );
});
