import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { allLedger } from '../../support/archive-check.ts';
import { onboardTenant } from '../../support/onboard.ts';
import { spawnNode, type Spawned } from '../../support/processes.ts';
import { productEnv } from '../../support/product-env.ts';
import { freePort, PrivateRedis } from '../../support/redis-server.ts';
import { startStack, type TestStack } from '../../support/stack.ts';
import { TcpProxy } from '../../support/tcp-proxy.ts';
import { collectFacts, judge, type DeletedItem, type ProcessLog, type Violation } from './invariants.ts';
import { FAULT_CLASSES, planFor, type ActivityEvent, type FaultClass, type FaultEvent } from './plan.ts';
import { mulberry32 } from './prng.ts';

/**
 * Runs one seed: the company's day and the fault schedule against the simulators, two worker
 * processes and a web process, then no faults until the system is quiet, then the invariants.
 */

export interface SeedResult {
  seed: number;
  /** Faults delivered, per class (what the simulators counted where they count, else the events). */
  faults: Record<FaultClass, number>;
  items: number;
  violations: Violation[];
  /** How long the system took to go quiet after the faults stopped, and the seed in all. */
  quietMs: number;
  totalMs: number;
  notes: string[];
}

const EMAIL = 'chaos-archive@example.com';
const QUIET_TIMEOUT_MS = 150_000;
/** How long the admin gives a reconnect to settle before answering the same alert again. */
const ADMIN_PATIENCE_MS = 10_000;
const BIG_QUOTA = 10 * 1024 * 1024 * 1024;
/** Late recordings of the account's day appear 5 to 30 minutes after their call. */
const LATE_RECORDINGS_MS = 31 * 60_000;

interface WorkerSlot {
  current: Spawned | null;
  stopping: Set<Spawned>;
}

export async function runSeed(
  seed: number,
  log: (line: string) => void = () => undefined,
): Promise<SeedResult> {
  const started = Date.now();
  const plan = planFor(seed);
  const notes: string[] = [];
  const stack = await startStack({
    rc: {
      rateLimitWindowSeconds: 1,
      // Heavy paces the recordings: the day's backlog lasts well into the schedule.
      limits: { Heavy: 8, Medium: 400, Light: 500, Auth: 500 },
      accounts: [plan.account],
    },
  });
  const dir = mkdtempSync(join(tmpdir(), `chaos-${seed}-`));
  const offsetFile = join(dir, 'clock-offset');
  writeFileSync(offsetFile, '0');
  let offset = 0;
  const processes: Array<{ name: string; spawned: Spawned; stoppedByDriver: boolean }> = [];
  const slots: WorkerSlot[] = [
    { current: null, stopping: new Set() },
    { current: null, stopping: new Set() },
  ];
  let proxy: TcpProxy | null = null;
  let redis: PrivateRedis | null = null;
  try {
    const { tenantId, browser } = await onboardTenant(stack, { email: EMAIL });
    const adminLogin = stack.rc.accounts()[0]!.adminLogin;
    const database = new URL(stack.database.url);
    proxy = await TcpProxy.start({ host: database.hostname, port: Number(database.port || 5432) });
    redis = await PrivateRedis.start();
    const dbUrl = proxy.relayUrl(stack.database.url);

    const track = (name: string, spawned: Spawned) => {
      const entry = { name, spawned, stoppedByDriver: false };
      processes.push(entry);
      return entry;
    };
    const webPort = await freePort();
    const web = track(
      'web',
      spawnNode(
        'src/main.ts',
        ['web'],
        productEnv(stack, {
          DATABASE_URL: dbUrl,
          REDIS_URL: redis.url,
          PORT: String(webPort),
          LOG_LEVEL: 'info',
        }),
      ),
    );
    await web.spawned.waitFor(/web listening/, 60_000);

    let workersStarted = 0;
    const startWorker = async (index: number) => {
      workersStarted += 1;
      const spawned = spawnNode(
        'test/chaos/seeded/worker.ts',
        [],
        productEnv(stack, {
          DATABASE_URL: dbUrl,
          TENANT_ID: tenantId,
          LEASE_TTL_MS: '3000',
          CLOCK_OFFSET_FILE: offsetFile,
          RUN_TIME_BOX_MINUTES: '0.5',
          SHUTDOWN_GRACE_SECONDS: '10',
        }),
      );
      track(`worker ${index} #${workersStarted}`, spawned);
      slots[index]!.current = spawned;
      await spawned.waitFor(/worker ready/, 60_000).catch((error: unknown) => {
        notes.push(`worker ${index} did not start: ${String(error).slice(0, 200)}`);
      });
    };
    const entryOf = (spawned: Spawned) => processes.find((p) => p.spawned === spawned)!;
    /** Stops a worker: SIGKILL at once, or SIGTERM and a wait for its drain (kill -9 after 30 s). */
    const stopWorker = async (index: number, signal: 'SIGKILL' | 'SIGTERM'): Promise<boolean> => {
      const slot = slots[index]!;
      const worker = slot.current;
      if (!worker || worker.child.exitCode !== null) return false;
      slot.current = null;
      entryOf(worker).stoppedByDriver = true;
      worker.child.kill(signal);
      if (signal === 'SIGTERM') {
        let killed = false;
        const timer = setTimeout(() => {
          killed = true;
          worker.child.kill('SIGKILL');
        }, 30_000);
        const code = await worker.exited();
        clearTimeout(timer);
        // A worker still waiting for the database at start has no handler yet: SIGTERM ends it.
        if (killed) notes.push('a worker did not drain within 30 s after SIGTERM');
        else if (code !== 0)
          notes.push(`a worker ended by SIGTERM with ${code ?? worker.child.signalCode}, not a drain`);
      } else await worker.exited();
      return true;
    };

    await Promise.all([startWorker(0), startWorker(1)]);
    log(`seed ${seed}: ${plan.faults.length} fault events, ${plan.activity.length} bursts of activity`);

    // --- The schedule ---------------------------------------------------------------------------
    const counts = Object.fromEntries(FAULT_CLASSES.map((c) => [c, 0])) as Record<FaultClass, number>;
    const deleted: DeletedItem[] = [];
    const active = {
      rc5xx: [] as number[],
      rcSlow: [] as number[],
      writeOps: [] as number[],
      full: 0,
      cap: 0,
      db: 0,
      redis: 0,
      revoked: 0,
    };
    let cutsArmed = 0;
    const cutsDelivered = () => cutsArmed - stack.rc.faults().truncateBodies.remainingCount;
    let cutsCounted = 0;
    const max = (values: number[]) => values.reduce((a, b) => Math.max(a, b), 0);
    const usedBytes = async () => (await stack.dbx.stats(EMAIL)).accounts[0]?.usedBytes ?? 0;
    // The admin reconnects as a person does: through the sign-in pages, waiting out the app's
    // sign-in limit when it refuses them (Retry-After), and once per alert: an alert answered less
    // than ADMIN_PATIENCE_MS ago is left for the moment (the reconnect may still be settling).
    let lastReconnectAt = 0;
    const reconnect = async (): Promise<boolean> => {
      lastReconnectAt = Date.now();
      for (let attempt = 1; attempt <= 3; attempt += 1) {
        let res = await browser.agent.get('/connect/ringcentral');
        if (res.status === 302) {
          const authorize = new URL(res.headers.location as string);
          res = await browser.callback(
            await browser.consent(authorize, { login: adminLogin, decision: 'allow' }),
          );
        }
        if (res.status === 303) return true;
        // 429: the app's sign-in limit; 503: RingCentral busy or down. Either says when to come back.
        if (res.status !== 429 && res.status !== 503) {
          const said = res.text
            .replace(/<[^>]*>/g, ' ')
            .replace(/\s+/g, ' ')
            .slice(-300);
          notes.push(`reconnect answered ${res.status}: ${said}`);
          return false;
        }
        const seconds = Number(res.headers['retry-after'] ?? 60);
        notes.push(`a reconnect was answered ${res.status}; the admin waited ${seconds} s`);
        await sleep(seconds * 1000 + 500);
      }
      return false;
    };
    const answerAlert = async (): Promise<boolean> => {
      if (Date.now() - lastReconnectAt < ADMIN_PATIENCE_MS) return false;
      return reconnect().catch((error: unknown) => {
        notes.push(`reconnect failed: ${String(error).slice(0, 200)}`);
        return false;
      });
    };
    const pending = new Set<Promise<unknown>>();
    const detach = (work: Promise<unknown>) => {
      const p = work.catch((error: unknown) => notes.push(`driver: ${String(error).slice(0, 200)}`));
      pending.add(p);
      void p.finally(() => pending.delete(p));
    };

    const startFault = async (event: FaultEvent): Promise<void> => {
      const p = event.params;
      switch (event.fault) {
        case 'rc-5xx':
          if (p.errorNext !== undefined) {
            stack.rc.setFaults({ errorNext: stack.rc.faults().errorNext + Number(p.errorNext) });
            return;
          }
          active.rc5xx.push(Number(p.errorRate));
          stack.rc.setFaults({ errorRate: max(active.rc5xx) });
          return;
        case 'rc-429':
          stack.rc.setFaults({
            rateLimitStorm: {
              group: p.group as 'Heavy',
              count: Number(p.count),
              retryAfterSeconds: Number(p.retryAfterSeconds),
            },
          });
          return;
        case 'rc-account-429':
          stack.rc.setFaults({ accountRateLimit: { accountId: tenantId, seconds: Number(p.seconds) } });
          return;
        case 'rc-slow':
          active.rcSlow.push(Number(p.latencyMs));
          stack.rc.setFaults({ latencyMs: max(active.rcSlow) });
          counts['rc-slow'] += 1;
          return;
        case 'rc-cut': {
          cutsCounted += cutsDelivered();
          cutsArmed = Number(p.count);
          stack.rc.setFaults({ truncateBodies: { count: cutsArmed } });
          return;
        }
        case 'rc-delete':
          if (p.when === 'at-download') {
            const armed = stack.rc.faults().deleteOnDownload.remainingCount;
            stack.rc.setFaults({ deleteOnDownload: { count: armed + Number(p.count) } });
          } else await deleteListed(stack, tenantId, Number(p.count), Number(p.pick), deleted);
          return;
        case 'rc-revoke':
          active.revoked += 1;
          stack.rc.setFaults({ revokeTokens: tenantId });
          counts['rc-revoke'] += 1;
          return;
        case 'dbx-5xx':
          await stack.dbx.setFaults({ errorNext: Number(p.errorNext), errorStatus: Number(p.status) });
          return;
        case 'dbx-429':
          await stack.dbx.setFaults({
            tooManyRequests: { next: Number(p.next), retryAfterSeconds: Number(p.retryAfterSeconds) },
          });
          return;
        case 'dbx-write-ops':
          active.writeOps.push(Number(p.rate));
          await stack.dbx.setFaults({ batchEntryFailureRate: max(active.writeOps) });
          return;
        case 'dbx-full':
          active.full += 1;
          await stack.dbx.setQuota(EMAIL, await usedBytes());
          counts['dbx-full'] += 1;
          return;
        case 'dbx-cap':
          active.cap += 1;
          await stack.dbx.setFaults({ dataTransportCapped: [EMAIL] });
          return;
        case 'kill-9':
          if (await stopWorker(Number(p.worker), 'SIGKILL')) counts['kill-9'] += 1;
          return;
        case 'sigterm':
          // The drain takes a while: the schedule goes on meanwhile.
          detach(
            stopWorker(Number(p.worker), 'SIGTERM').then((stopped) => {
              if (stopped) counts.sigterm += 1;
            }),
          );
          return;
        case 'db-outage':
          active.db += 1;
          await proxy!.cut();
          counts['db-outage'] += 1;
          return;
        case 'redis-outage':
          active.redis += 1;
          await redis!.pause();
          counts['redis-outage'] += 1;
          return;
      }
    };
    const endFault = async (event: FaultEvent): Promise<void> => {
      const p = event.params;
      const drop = (list: number[], value: number) => list.splice(list.indexOf(value), 1);
      switch (event.fault) {
        case 'rc-5xx':
          drop(active.rc5xx, Number(p.errorRate));
          stack.rc.setFaults({ errorRate: max(active.rc5xx) });
          return;
        case 'rc-slow':
          drop(active.rcSlow, Number(p.latencyMs));
          stack.rc.setFaults({ latencyMs: max(active.rcSlow) });
          return;
        case 'rc-revoke':
          if (--active.revoked === 0) await reconnect();
          return;
        case 'dbx-write-ops':
          drop(active.writeOps, Number(p.rate));
          await stack.dbx.setFaults({ batchEntryFailureRate: max(active.writeOps) });
          return;
        case 'dbx-full':
          if (--active.full === 0) await stack.dbx.setQuota(EMAIL, BIG_QUOTA);
          return;
        case 'dbx-cap':
          if (--active.cap === 0) await stack.dbx.setFaults({ dataTransportCapped: [] });
          return;
        case 'kill-9':
        case 'sigterm': {
          const index = Number(p.worker);
          // A SIGTERM still draining: start the replacement once it is gone.
          // Its replacement starts, while a SIGTERMed one may still be draining: a rolling deploy.
          if (slots[index]!.current === null) detach(startWorker(index));
          return;
        }
        case 'db-outage':
          if (--active.db === 0) await proxy!.restore();
          return;
        case 'redis-outage':
          if (--active.redis === 0) await redis!.resume();
          return;
        default:
          return;
      }
    };
    const users = (await stack.rc.inventory(tenantId, { sha256: false })).extensions
      .filter((e) => e.type === 'User')
      .map((e) => e.extensionNumber)
      .sort();
    const addActivity = (event: ActivityEvent) => {
      stack.rc.addActivity({
        accountId: tenantId,
        extensionNumber: users[event.extensionIndex % users.length] ?? '101',
        calls: event.calls,
        recordedCalls: event.recordedCalls,
        ...(event.lateRecordingDelaySeconds > 0
          ? { lateRecordingDelaySeconds: event.lateRecordingDelaySeconds }
          : {}),
        voicemails: event.voicemails,
        faxes: event.faxes,
        sms: event.sms,
        mms: event.mms,
      });
    };

    type Step = { at: number; run: () => Promise<void> | void };
    const steps: Step[] = [
      ...plan.activity.map((a) => ({ at: a.at, run: () => addActivity(a) })),
      ...plan.faults.flatMap((f) => [
        { at: f.at, run: () => startFault(f) },
        ...(f.durationMs > 0 ? [{ at: f.at + f.durationMs, run: () => endFault(f) }] : []),
      ]),
    ].sort((a, b) => a.at - b.at);
    const chaosStart = Date.now();
    // The admin reads the "reconnect RingCentral" alert and reconnects, unless the revocation the
    // schedule made is still on (its own reconnect comes at its end).
    let alertReconnects = 0;
    let scheduleDone = false;
    const admin = (async () => {
      while (!scheduleDone) {
        await sleep(1_000);
        if (active.revoked > 0 || scheduleDone) continue;
        const tenant = await stack.services.store.getTenant(tenantId).catch(() => null);
        if (tenant?.status !== 'needs_reconnect') continue;
        if (await answerAlert()) alertReconnects += 1;
      }
    })();
    for (const step of steps) {
      const wait = chaosStart + step.at - Date.now();
      if (wait > 0) await sleep(wait);
      try {
        await step.run();
      } catch (error) {
        notes.push(`schedule step failed: ${String(error).slice(0, 200)}`);
      }
    }
    const wait = chaosStart + plan.chaosMs - Date.now();
    if (wait > 0) await sleep(wait);
    scheduleDone = true;
    await admin;
    if (alertReconnects)
      notes.push(
        `the admin reconnected RingCentral ${alertReconnects} time(s) after an alert during the schedule`,
      );
    log(`seed ${seed}: schedule done in ${Math.round((Date.now() - chaosStart) / 1000)} s; going quiet`);

    // --- Quiet: every fault off, both workers up, the admin reconnects if asked ----------------
    while (pending.size) await Promise.all([...pending]);
    cutsCounted += cutsDelivered();
    stack.rc.setFaults({ reset: true });
    await stack.dbx.setFaults({ reset: true });
    await stack.dbx.setQuota(EMAIL, BIG_QUOTA);
    await proxy.restore();
    await redis.resume();
    for (const index of [0, 1]) if (!slots[index]!.current) await startWorker(index);
    const quietStart = Date.now();
    const advance = (ms: number) => {
      stack.rc.advanceClock(ms);
      offset += ms;
      writeFileSync(offsetFile, String(offset));
    };
    // The day's late recordings appear; the retries of failed items fall due.
    advance(LATE_RECORDINGS_MS);
    let quietPolls = 0;
    let reconnects = 0;
    while (Date.now() - quietStart < QUIET_TIMEOUT_MS) {
      await sleep(1_000);
      const tenant = await stack.services.store.getTenant(tenantId);
      if (tenant?.status === 'needs_reconnect') {
        // The alert asks the admin to reconnect; they do.
        if (await answerAlert()) reconnects += 1;
        quietPolls = 0;
        continue;
      }
      const outstanding = (await stack.services.store.listOutstanding(tenantId, { limit: 1000 })).items;
      const waiting = outstanding.filter((o) => o.status !== 'skipped');
      const now = Date.now() + offset;
      const due = Math.max(0, ...waiting.map((o) => (o.nextAttemptAt?.getTime() ?? 0) - now));
      if (due > 0) {
        advance(due + 1_000);
        quietPolls = 0;
        continue;
      }
      const runs = (await stack.services.store.listRuns(tenantId, { limit: 3 })).items;
      const newest = runs[0];
      const idle =
        waiting.length === 0 &&
        newest !== undefined &&
        newest.finishedAt !== null &&
        newest.status === 'succeeded' &&
        newest.startedAt.getTime() > quietStart;
      quietPolls = idle ? quietPolls + 1 : 0;
      // Two idle looks, the second after a further run finished: nothing moves any more.
      if (quietPolls >= 3) break;
    }
    const quietMs = Date.now() - quietStart;
    if (quietPolls < 3) notes.push(`not quiet after ${Math.round(quietMs / 1000)} s`);
    if (reconnects) notes.push(`the admin reconnected RingCentral ${reconnects} time(s) after the faults`);
    // Workers go the way a deploy takes them: SIGTERM, drained.
    await Promise.all([stopWorker(0, 'SIGTERM'), stopWorker(1, 'SIGTERM')]);

    // --- Fault counts, from the simulators where they count them ------------------------------
    const rcStats = stack.rc.stats(tenantId);
    const listedDeletes = deleted.length;
    deleted.push(...rcStats.deletedOnDownload);
    const dbx = (await stack.dbx.stats(EMAIL)).accounts[0];
    const responses = dbx?.responses ?? {};
    counts['rc-5xx'] = rcStats.injectedErrors;
    counts['rc-429'] = Object.values(rcStats.rateLimited).reduce((a, b) => a + b, 0);
    counts['rc-account-429'] = rcStats.accountRateLimited;
    counts['rc-cut'] = cutsCounted;
    counts['rc-delete'] = deleted.length;
    counts['dbx-5xx'] = (responses['500'] ?? 0) + (responses['503'] ?? 0);
    counts['dbx-429'] = responses['429'] ?? 0;
    counts['dbx-cap'] = responses['403'] ?? 0;
    const runs = (await stack.services.store.listRuns(tenantId, { limit: 10_000 })).items;
    counts['dbx-write-ops'] = runs.reduce(
      (n, r) => n + Number((r.stats.destination as Record<string, number> | undefined)?.entriesRequeued ?? 0),
      0,
    );

    const logs: ProcessLog[] = processes.map((p) => ({
      name: p.name,
      output: p.spawned.output(),
      unexpectedExit:
        p.stoppedByDriver || p.spawned.child.exitCode === null ? null : p.spawned.child.exitCode,
    }));
    if (web.spawned.child.exitCode !== null) notes.push('the web process exited');
    // CHAOS_LOGS_DIR keeps every process's output, to read after a replay.
    const keep = process.env.CHAOS_LOGS_DIR;
    if (keep) {
      mkdirSync(keep, { recursive: true });
      for (const l of logs)
        writeFileSync(join(keep, `seed-${seed}-${l.name.replace(/\W+/g, '-')}.log`), l.output);
    }
    const facts = await collectFacts(stack, tenantId, EMAIL, { deleted, logs });
    const violations = judge(facts);
    const archivedDeleted = deleted.filter((d) =>
      facts.ledger.some((e) => e.sourceId === d.id && (e.kind === 'recording' || e.attachmentId !== '')),
    ).length;
    const skippedDeleted = deleted.filter((d) =>
      facts.outstanding.some((o) => o.sourceId === d.id && o.status === 'skipped'),
    ).length;
    notes.push(
      `${runs.length} runs; ${deleted.length} items deleted at RingCentral (${listedDeletes} by the driver, ` +
        `${deleted.length - listedDeletes} as their download began; ${archivedDeleted} archived before, ` +
        `${skippedDeleted} logged as skipped with the reason, ${deleted.length - archivedDeleted - skippedDeleted} never listed)`,
    );
    return {
      seed,
      faults: counts,
      items: facts.check.expected,
      violations,
      quietMs,
      totalMs: Date.now() - started,
      notes,
    };
  } finally {
    for (const p of processes) if (p.spawned.child.exitCode === null) p.spawned.child.kill('SIGKILL');
    await Promise.all(processes.map((p) => p.spawned.exited()));
    await proxy?.close();
    await redis?.pause().catch(() => undefined);
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Deletes up to `count` items whose binary the archive does not have yet, preferring those a run
 * has listed (their record is archived) and not yet downloaded. Chosen by the event's own draw,
 * among the items in id order, so the same moment picks the same items.
 */
async function deleteListed(
  stack: TestStack,
  tenantId: string,
  count: number,
  pick: number,
  deleted: DeletedItem[],
): Promise<void> {
  const inventory = await stack.rc.inventory(tenantId, { sha256: false });
  const archived = new Set((await allLedger(stack, tenantId)).map((e) => `${e.sourceId}|${e.attachmentId}`));
  // Listed: the record's JSON is archived (records go before their recordings and attachments)
  // and its binary is not yet: the run that listed it is about to download it.
  const listed: DeletedItem[] = [];
  const unlisted: DeletedItem[] = [];
  for (const c of inventory.callLog) {
    if (!c.recording || archived.has(`${c.recording.id}|`)) continue;
    (archived.has(`${c.id}|`) ? listed : unlisted).push({ kind: 'recording', id: c.recording.id });
  }
  for (const m of inventory.messages) {
    if (!m.attachments.some((a) => !archived.has(`${m.id}|${a.id}`))) continue;
    (archived.has(`${m.id}|`) ? listed : unlisted).push({ kind: 'message', id: m.id });
  }
  const byId = (a: DeletedItem, b: DeletedItem) => (a.id < b.id ? -1 : 1);
  const candidates = listed.length ? listed.sort(byId) : unlisted.sort(byId);
  const rng = mulberry32(pick);
  for (let i = 0; i < count && candidates.length > 0; i += 1) {
    const [item] = candidates.splice(rng.int(0, candidates.length - 1), 1);
    if (stack.rc.deleteItem({ accountId: tenantId, kind: item!.kind, id: item!.id })) deleted.push(item!);
  }
}
