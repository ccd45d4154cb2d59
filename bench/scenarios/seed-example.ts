import { DAY_MS } from '../../src/archive/windows.ts';
import { DEFAULT_RATE_LIMITS } from '../../src/lib/rate-limiter.ts';
import type { RcSimAccountSummary } from '../../src/sandbox/ringcentral/index.ts';
import {
  GUIDE_RECORDED_CALLS_PER_USER_PER_DAY,
  GUIDE_USERS,
  guideCompany,
  RINGCENTRAL_RECORDING_CAP,
} from '../../src/sandbox/ringcentral/seed/guide-company.ts';
import { addRingCentralUser } from '../../src/tenants/ringcentral-users.ts';
import { BrowserFlow } from '../../test/support/browser-flow.ts';
import type { TestStack } from '../../test/support/stack.ts';
import { createArchiver } from '../support/archiver.ts';
import { startBenchStack } from '../support/bench-stack.ts';
import { figure, type Figure } from '../support/figures.ts';
import { onboardTenant } from '../support/onboard.ts';
import { compressedTime, seconds } from '../support/scale.ts';
import type { Scenario } from '../support/scenario.ts';

/**
 * The company of RingCentral's archiving guide: 4,000 users × 10 recorded calls a day = 40,000
 * recordings a day, 2.8 times what one connected user can download (10 Heavy requests per 60 s =
 * 14,400 a day), and a 100,000-recording cap that fills in two and a half days.
 *
 * One stated factor, SCALE = 1/100, shrinks the company (40 users, 400 recordings a day), the cap
 * (1,000) and the limits (one user: 144 downloads a day), so inflow ÷ one user's Heavy capacity
 * stays 400 ÷ 144 = 2.78. Time is compressed on top: a simulated day lasts DAY_WALL_MS, and
 * RingCentral's window is stretched to keep 10 Heavy requests per window at 144 a day (a 5 s
 * window for a 72 s day). The product learns the window from RingCentral's headers and is told
 * the cap (RINGCENTRAL_RECORDING_CAP), as a deployment would be.
 *
 * Phase 1, one user: the first run's forecast must name the loss and the users needed before
 * RingCentral has deleted any recording. Phase 2, a second company of the same size with that many
 * users, archived run after run for at least three simulated days: nothing lost, archived per day
 * ≥ inflow per day, no 429, and the pooled Heavy budget used ≥ 0.9 while a backlog exists.
 */
const SCALE = 1 / 100;
const DAY_WALL_MS = 72_000;
const HEAVY = DEFAULT_RATE_LIMITS.Heavy;
const PER_USER_PER_DAY = Math.round(14_400 * SCALE);
const WINDOW_SECONDS = DAY_WALL_MS / 1000 / (PER_USER_PER_DAY / HEAVY);
const SIM_DAYS = 3;
const INFLOW_PER_DAY = GUIDE_USERS * GUIDE_RECORDED_CALLS_PER_USER_PER_DAY * SCALE;
const CAP = RINGCENTRAL_RECORDING_CAP * SCALE;
/** A run works this long (wall time) before it stops and the next takes over. */
const RUN_WALL_SECONDS = 48;

const note = (extra: string) =>
  `scaled by 1/100 (company ${GUIDE_USERS * SCALE} users, ${INFLOW_PER_DAY} recordings/day, cap ${CAP}, ` +
  `${PER_USER_PER_DAY} downloads/day per user); a simulated day lasts ${seconds(DAY_WALL_MS)}, ` +
  `RingCentral's window ${WINDOW_SECONDS} s (${HEAVY} Heavy per window per user); ${extra}`;

async function addUsers(stack: TestStack, tenantId: string, logins: readonly string[]): Promise<void> {
  const { store, connections } = stack.services;
  const browser = new BrowserFlow(stack);
  const flow = connections.provider('ringcentral').flow;
  for (const login of logins) {
    const start = await flow.start();
    const callback = await browser.consent(new URL(start.url), { login, decision: 'allow' });
    const code = callback.searchParams.get('code');
    if (!code || callback.searchParams.get('state') !== start.state) throw new Error('no code for ' + login);
    const auth = await flow.finish(code, start.verifier);
    await addRingCentralUser({ store, connections }, tenantId, auth, 'bench');
  }
}

/** Recordings RingCentral dropped (its cap, its 90 days) that the archive does not have. */
async function lost(stack: TestStack, tenantId: string): Promise<number> {
  const archived = new Set<string>();
  let after: string | null = null;
  do {
    const page = await stack.services.store.listLedger(tenantId, { kind: 'recording', limit: 1000, after });
    for (const e of page.items) archived.add(e.sourceId);
    after = page.next;
  } while (after);
  return stack.rc.droppedRecordings(tenantId).filter((d) => !archived.has(d.id)).length;
}

async function backlog(stack: TestStack, tenantId: string): Promise<number> {
  const held = stack.rc.recordingsHeld(tenantId);
  const inventory = await stack.rc.inventory(tenantId, { sha256: false });
  const ids = inventory.callLog.filter((c) => c.recording).map((c) => c.recording!.id);
  const archived = await stack.services.store.getLedgerEntries(
    tenantId,
    ids.map((id) => ({ kind: 'recording', sourceId: id, attachmentId: '' })),
  );
  return Math.max(0, held - archived.length);
}

const company = (stack: TestStack, seed: number, name: string): RcSimAccountSummary =>
  stack.rc.createAccount({
    ...guideCompany({ seed, scale: SCALE, dayMs: DAY_WALL_MS, days: 1, companyName: name }),
    // Every user may read the company call log and recordings, so any of them can share the work.
    nonAdminShare: 0,
  });

/** Calls and recordings only: the company makes no messages, and its mailboxes are not read. */
const SETTINGS = { dataTypes: { voicemail: false, fax: false, sms: false } };

export const seedExample: Scenario = {
  name: 'seed-example',
  async run() {
    const scale = compressedTime(WINDOW_SECONDS);
    const stack = await startBenchStack({
      scale,
      env: {
        RUN_TIME_BOX_MINUTES: String(RUN_WALL_SECONDS / 60),
        RINGCENTRAL_RECORDING_CAP: String(CAP),
      },
    });
    try {
      const archiver = createArchiver(stack, scale);
      const figures: Figure[] = [];

      // Phase 1: one user.
      const alone = company(stack, 71, 'Guide Example Co (one user)');
      const one = await onboardTenant(stack, alone, { settings: SETTINGS });
      const { run: first } = await archiver.run(one.tenantId);
      const forecast = first.stats.capacity as Record<string, number | boolean | null>;
      const lostBefore = await lost(stack, one.tenantId);
      const usersNeeded = Number(forecast.usersNeeded ?? 0);
      const firstLossIn = Number(forecast.firstLossAt ?? 0) - first.finishedAt!.getTime();
      const ratio = Number(forecast.inflowPerDay) / Number(forecast.capacityPerDay);
      const phase1 = note(
        `one user, first run of ${seconds(first.finishedAt!.getTime() - first.startedAt.getTime())}: ` +
          `forecast inflow ${Math.round(Number(forecast.inflowPerDay) / (DAY_MS / DAY_WALL_MS))}/sim-day, ` +
          `capacity ${Math.round(Number(forecast.capacityPerDay) / (DAY_MS / DAY_WALL_MS))}/sim-day ` +
          `(ratio ${ratio.toFixed(2)}), projected loss ${String(forecast.projectedLoss)}, first loss in ` +
          `${(firstLossIn / DAY_WALL_MS).toFixed(2)} sim-days, ${usersNeeded} users needed; ` +
          `recordings RingCentral had dropped by then: ${lostBefore}`,
      );
      figures.push(
        figure('seed-example', {
          metric: 'one user: projected loss named in the first run, before any loss',
          value: Number(forecast.projectedLoss ?? 0),
          target: '> 0, with 0 lost so far',
          ceiling: null,
          pass: Number(forecast.projectedLoss ?? 0) > 0 && lostBefore === 0 && firstLossIn > 0,
          note: phase1,
        }),
        figure('seed-example', {
          metric: 'one user: users needed, as the first run forecasts',
          value: usersNeeded,
          target: `= ceil(${ratio.toFixed(2)}) = ${Math.ceil(INFLOW_PER_DAY / PER_USER_PER_DAY)}`,
          ceiling: { value: Math.ceil(INFLOW_PER_DAY / PER_USER_PER_DAY), what: 'ceil(inflow ÷ one user)' },
          pass: usersNeeded === Math.ceil(INFLOW_PER_DAY / PER_USER_PER_DAY),
          note: phase1,
        }),
      );

      // Phase 2: a company of the same size with that many users.
      const shared = company(stack, 72, 'Guide Example Co (pooled)');
      const pooled = await onboardTenant(stack, shared, { settings: SETTINGS });
      const users = Math.max(1, usersNeeded);
      await addUsers(
        stack,
        pooled.tenantId,
        Array.from({ length: users - 1 }, (_, i) => `${shared.accountId}:${102 + i}`),
      );
      stack.rc.setFaults({ logRequests: 100_000 });
      stack.rc.resetStats();
      const start = stack.rc.now();
      const runs: Array<{ at: number; backlog: number }> = [];
      const archivedAtStart = 0;
      let archived = archivedAtStart;
      while (stack.rc.now() - start < SIM_DAYS * DAY_WALL_MS) {
        const { run } = await archiver.run(pooled.tenantId);
        const kinds = run.stats.kinds as Record<string, { items: number }>;
        archived += kinds.recording?.items ?? 0;
        runs.push({ at: stack.rc.now(), backlog: await backlog(stack, pooled.tenantId) });
      }
      const end = stack.rc.now();
      const simDays = (end - start) / DAY_WALL_MS;
      const lostPooled = await lost(stack, pooled.tenantId);
      const rc = stack.rc.stats(pooled.tenantId);
      const rateLimited = Object.values(rc.rateLimited).reduce((n, c) => n + c, 0);
      const requests = Object.values(rc.requests).reduce((n, c) => n + c, 0);
      // Pooled use while a backlog exists: from the phase's start to the last run end with one.
      const lastWithBacklog = [...runs].reverse().find((r) => r.backlog > 0)?.at ?? start;
      const heavy = stack.rc
        .requestLog(pooled.tenantId)
        .filter(
          (r) => r.group === 'Heavy' && r.outcome === 'counted' && r.at >= start && r.at <= lastWithBacklog,
        );
      const ceilingRequests = (users * HEAVY * (lastWithBacklog - start)) / (WINDOW_SECONDS * 1000);
      const use = ceilingRequests > 0 ? heavy.length / ceilingRequests : 0;
      const archivedPerDay = archived / simDays;
      const inflowPerDay = INFLOW_PER_DAY;
      const phase2 = note(
        `${users} users, ${runs.length} runs over ${simDays.toFixed(2)} sim-days; ${archived} recordings archived; ` +
          `backlog after each run ${runs.map((r) => r.backlog).join(', ')}; ` +
          `${heavy.length} Heavy requests in ${seconds(lastWithBacklog - start)} with a backlog ` +
          `(ceiling ${Math.round(ceilingRequests)}); RingCentral dropped ${stack.rc.droppedRecordings(pooled.tenantId).length} recordings by its cap`,
      );
      figures.push(
        figure('seed-example', {
          metric: `${users} users: recordings lost`,
          value: lostPooled,
          target: '= 0',
          ceiling: {
            value: stack.rc.droppedRecordings(pooled.tenantId).length,
            what: 'recordings RingCentral dropped',
          },
          pass: lostPooled === 0,
          note: phase2,
        }),
        figure('seed-example', {
          metric: `${users} users: archived per day ÷ inflow per day`,
          value: archivedPerDay / inflowPerDay,
          target: '>= 1',
          ceiling: { value: (users * PER_USER_PER_DAY) / inflowPerDay, what: 'pooled capacity ÷ inflow' },
          pass: archivedPerDay >= inflowPerDay,
          note: phase2,
        }),
        figure('seed-example', {
          metric: `${users} users: 429 answers`,
          value: rateLimited,
          target: '= 0',
          ceiling: { value: requests, what: 'requests sent' },
          pass: rateLimited === 0,
          note: phase2,
        }),
        figure('seed-example', {
          metric: `${users} users: pooled Heavy use while a backlog exists`,
          value: use,
          target: '>= 0.9',
          ceiling: { value: 1, what: `${users} × ${HEAVY} Heavy per window` },
          pass: use >= 0.9 && lastWithBacklog > start,
          note: phase2,
        }),
      );
      return figures;
    } finally {
      await stack.close();
    }
  },
};
