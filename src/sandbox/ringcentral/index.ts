/**
 * The RingCentral simulator: a high-fidelity stand-in for platform.ringcentral.com and
 * media.ringcentral.com that tests, the benchmark and the demo point the real @ringcentral/sdk at.
 * See docs/simulators/ringcentral.md for every option, route, fault and assumption.
 */
import {
  addActivity as addActivityTo,
  activityInputSchema,
  type ActivityInput,
  type ActivityResult,
} from './activity.ts';
import { accountSpecSchema, applyFaults, deleteItem, deleteSchema, droppedRecordings } from './admin.ts';
import { faultsInputSchema, type FaultsInput, type FaultsView } from './faults.ts';
import { buildInventory, type Inventory } from './inventory.ts';
import type { RcAccountSpec, RcSimOptions } from './options.ts';
import { baseUrl, closeServer, listen, mediaApp, platformApp } from './server.ts';
import type { LoggedRequest } from './request-log.ts';
import { SimState } from './state.ts';
import type { AccountStats, StatsSnapshot } from './stats.ts';
import {
  simDeliveriesView,
  simSubscriptionsView,
  type SimDeliveryView,
  type SimSubscriptionView,
} from './subscriptions/sim-view.ts';

export type {
  ExtensionType,
  MessageKind,
  RateGroup,
  RcAccountSpec,
  RcSimClient,
  RcSimOptions,
} from './options.ts';
export type { ActivityInput, ActivityResult } from './activity.ts';
export type { FaultsInput, FaultsView } from './faults.ts';
export type { Inventory } from './inventory.ts';
export type { LoggedRequest } from './request-log.ts';
export { guideCompany } from './seed/guide-company.ts';
export type { SimDeliveryView, SimSubscriptionView } from './subscriptions/sim-view.ts';
export type { WebhookOptions } from './subscriptions/hub.ts';

/** A recording RingCentral no longer keeps by its own rules (`rule`: 90 days, or the cap). */
interface DroppedRecording {
  id: string;
  callId: string;
  startTime: string;
  rule: 'retention' | 'cap';
}
type RcSimAccountStats = AccountStats & { accountId: string };
type RcSimStats = StatsSnapshot;

export interface RcSimAccountSummary {
  accountId: string;
  adminExtensionNumber: string;
  /** `accountId:extensionNumber`: the consent-page login that names this account unambiguously. */
  adminLogin: string;
  companyName: string;
}

export interface RcSim {
  /** Platform base, e.g. http://127.0.0.1:PORT (pass it to the SDK as `server`). */
  url: string;
  /** Media base; content URIs point here. */
  mediaUrl: string;
  accounts(): RcSimAccountSummary[];
  close(): Promise<void>;
  /** Same as GET /__sim/inventory; `sha256: false` skips hashing. */
  inventory(accountId?: string, opts?: { sha256?: boolean }): Promise<Inventory>;
  /** Same as POST /__sim/faults. */
  setFaults(faults: FaultsInput): { faults: FaultsView; revokedSessions: number };
  faults(): FaultsView;
  /** Same as POST /__sim/activity. */
  addActivity(input: ActivityInput): ActivityResult;
  /** Same as POST /__sim/clock; returns the new simulator time (ms). */
  advanceClock(ms: number): number;
  now(): number;
  /** Same as POST /__sim/accounts. */
  createAccount(spec: RcAccountSpec): RcSimAccountSummary;
  /** Same as POST /__sim/delete; false when there was nothing live to delete. */
  deleteItem(input: {
    accountId?: string;
    kind: 'recording' | 'message';
    id: string | number;
    mode?: 'Deleted' | 'Purged';
  }): boolean;
  /** Same as GET /__sim/stats?accountId=…: one account's counters. */
  stats(accountId: string): RcSimAccountStats;
  /** Same as GET /__sim/stats: totals, every account, and requests no account could be told for. */
  stats(): RcSimStats;
  resetStats(): void;
  /** Same as GET /__sim/requests: the account's last requests, when the `logRequests` fault keeps them. */
  requestLog(accountId: string): LoggedRequest[];
  /** Same as GET /__sim/recordings/dropped: what the 90-day rule and the cap have removed, oldest first. */
  droppedRecordings(accountId: string): DroppedRecording[];
  /** Recordings the account holds now (what counts towards the cap). */
  recordingsHeld(accountId: string): number;
  /** Same as GET /__sim/subscriptions: live subscriptions of one account, or of all. */
  subscriptions(accountId?: string): SimSubscriptionView[];
  /** Same as GET /__sim/deliveries: the latest WebHook deliveries, oldest first. */
  deliveries(filter?: { accountId?: string; subscriptionId?: string; limit?: number }): SimDeliveryView[];
}

export async function startRingCentralSimulator(options: RcSimOptions): Promise<RcSim> {
  const state = new SimState(options);
  const host = options.host ?? '127.0.0.1';
  const shownHost = options.publicHost ?? host;
  const platform = await listen(platformApp(state), options.port ?? 0, host);
  const media = await listen(mediaApp(state), options.mediaPort ?? 0, host);
  state.urls.platform = baseUrl(platform, shownHost);
  state.urls.media = baseUrl(media, shownHost);

  const summary = (a: {
    id: string;
    admin: { extensionNumber: string };
    companyName: string;
  }): RcSimAccountSummary => ({
    accountId: a.id,
    adminExtensionNumber: a.admin.extensionNumber,
    adminLogin: `${a.id}:${a.admin.extensionNumber}`,
    companyName: a.companyName,
  });
  const requireAccount = (accountId?: string) => {
    const account = state.account(accountId);
    if (!account) throw new Error(`no account ${accountId ?? '(none created)'}`);
    return account;
  };

  return {
    url: state.urls.platform,
    mediaUrl: state.urls.media,
    accounts: () => state.accountList.map(summary),
    close: async () => {
      state.webhooks.close();
      await Promise.all([closeServer(platform), closeServer(media)]);
    },
    inventory: (accountId, opts) =>
      buildInventory(requireAccount(accountId), state.now(), state.digests, opts?.sha256 ?? true),
    setFaults: (faults) => applyFaults(state, faultsInputSchema.parse(faults)),
    faults: () => state.faults.view(),
    addActivity: (input) => {
      const parsed = activityInputSchema.parse(input);
      const result = addActivityTo(requireAccount(parsed.accountId), parsed, state.now());
      if (!result) throw new Error('no such extension');
      return result;
    },
    advanceClock: (ms) => {
      state.clock.advance(ms);
      return state.now();
    },
    now: () => state.now(),
    createAccount: (spec) => summary(state.createAccount(accountSpecSchema.parse(spec))),
    deleteItem: (input) => deleteItem(state, deleteSchema.parse(input)),
    stats: ((accountId?: string) =>
      accountId === undefined ? state.stats.snapshot() : state.stats.account(accountId)) as RcSim['stats'],
    resetStats: () => state.stats.reset(),
    requestLog: (accountId) => state.requests.of(accountId),
    droppedRecordings: (accountId) => droppedRecordings(requireAccount(accountId), state.now()),
    recordingsHeld: (accountId) => requireAccount(accountId).recordingsHeld(state.now()),
    subscriptions: (accountId) => simSubscriptionsView(state, accountId),
    deliveries: (filter = {}) => simDeliveriesView(state, filter),
  };
}
