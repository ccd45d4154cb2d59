import pMap from 'p-map';
import { lostUsers } from '../connections/index.ts';
import type { Clock } from '../lib/clock.ts';
import { errorMessage, UserInputError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { Provider, Store, Tenant } from '../store/types.ts';
import type { NotificationEvent, OpenAlerts } from './alerts.ts';
import type { Mailer } from './mailer.ts';
import { companyDestination } from '../connections/company-destination.ts';
import { composeAlert, composeTest, type MessageContext } from './messages.ts';
import { markUnsent, planNotifications } from './plan.ts';
import { alertRecipients } from './recipients.ts';
import { assessTenant } from './rules.ts';
import { readAlertState, writeAlertState } from './state.ts';

/**
 * Decides and sends a tenant's alert e-mails. Told when a run finishes and when an authorization
 * is lost; the worker also sweeps hourly for reminders and recoveries no run brings. It never
 * throws into its caller: a mail server outage must not fail a backup run.
 */
export interface Notifier {
  /** False without SMTP_URL: alerts are tracked and logged but not e-mailed. */
  readonly emailEnabled: boolean;
  connectionLost(tenantId: string, provider: Provider): Promise<void>;
  runFinished(tenantId: string): Promise<void>;
  /** A further RingCentral user was set aside, removed or added. */
  usersChanged(tenantId: string): Promise<void>;
  /** Re-assesses every active or waiting tenant with an open alert (reminders, recoveries). */
  sweep(): Promise<{ assessed: number }>;
  /** Sends the test e-mail to the tenant's recipients; throws a UserInputError when it cannot. */
  sendTest(tenant: Tenant): Promise<{ recipients: number }>;
  openAlerts(tenantId: string): Promise<OpenAlerts>;
  close(): void;
}

interface NotifierDeps {
  store: Store;
  mailer: Mailer;
  logger: Logger;
  clock: Clock;
  baseUrl: string;
}

/** Enough runs to see a failure streak through a few interrupted ones. */
const RUNS_ASSESSED = 10;
/** Compare-and-swap attempts before giving up on a busy tenant (the next event retries). */
const WRITE_ATTEMPTS = 3;
const TEST_INTERVAL_MS = 60_000;

export function createNotifier(deps: NotifierDeps): Notifier {
  const { store, mailer, clock } = deps;
  const log = deps.logger.child({ module: 'notifications' });
  const lastTest = new Map<string, number>();

  const context = async (tenant: Tenant): Promise<MessageContext> => ({
    companyName: tenant.companyName,
    destination: (await companyDestination(store, tenant.id))?.displayName ?? null,
    baseUrl: deps.baseUrl,
  });

  /** Sends each event to every recipient; returns the ones that could not be sent. */
  const deliver = async (tenant: Tenant, events: NotificationEvent[]): Promise<NotificationEvent[]> => {
    const recipients = alertRecipients(tenant);
    if (recipients.length === 0) {
      log.warn({ tenantId: tenant.id, alerts: events.length }, 'no alert recipients; e-mail not sent');
      return [];
    }
    const failed: NotificationEvent[] = [];
    for (const event of events) {
      try {
        await mailer.send(recipients, composeAlert(event, await context(tenant)));
        log.info({ tenantId: tenant.id, kind: event.kind, type: event.type }, 'alert e-mail handled');
      } catch (error) {
        failed.push(event);
        log.warn(
          { tenantId: tenant.id, kind: event.kind, type: event.type, err: { message: errorMessage(error) } },
          'alert e-mail could not be sent; it is tried again at the next check',
        );
      }
    }
    return failed;
  };

  const assess = async (tenantId: string, lostProvider: Provider | null): Promise<void> => {
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt += 1) {
      const tenant = await store.getTenant(tenantId);
      if (!tenant) return;
      const state = await readAlertState(store, tenantId);
      // Paused by an admin: they know. Uninstalled: nobody to tell, and nothing to remember.
      if (tenant.status === 'paused') return;
      if (tenant.status === 'uninstalled') {
        if (Object.keys(state.open).length > 0) await writeAlertState(store, tenantId, state, {});
        return;
      }
      const runs = (await store.listRuns(tenantId, { limit: RUNS_ASSESSED })).items;
      const setAsideUsers = Object.values(await lostUsers(store, tenantId)).map(({ label, reason }) => ({
        label,
        reason,
      }));
      const assessments = assessTenant({
        status: tenant.status,
        lostProvider,
        runs,
        open: state.open,
        setAsideUsers,
      });
      const plan = planNotifications(state.open, assessments, clock.now());
      if (plan.events.length === 0 && JSON.stringify(plan.open) === JSON.stringify(state.open)) return;
      // Claim first, then send: a peer that lost the race sees the claim and sends nothing.
      if (!(await writeAlertState(store, tenantId, state, plan.open))) continue;
      const failed = await deliver(tenant, plan.events);
      if (failed.length > 0) await rememberUnsent(tenantId, failed);
      return;
    }
    log.warn({ tenantId }, 'alert state kept changing under us; the next check will try again');
  };

  const rememberUnsent = async (tenantId: string, failed: NotificationEvent[]) => {
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt += 1) {
      const state = await readAlertState(store, tenantId);
      if (await writeAlertState(store, tenantId, state, markUnsent(state.open, failed))) return;
    }
  };

  const safely = async (what: string, tenantId: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      log.error({ tenantId, err: { message: errorMessage(error) } }, `alert check failed (${what})`);
    }
  };

  return {
    emailEnabled: mailer.enabled,
    connectionLost: (tenantId, provider) =>
      safely('connection lost', tenantId, () => assess(tenantId, provider)),
    runFinished: (tenantId) => safely('run finished', tenantId, () => assess(tenantId, null)),
    usersChanged: (tenantId) => safely('users changed', tenantId, () => assess(tenantId, null)),

    async sweep() {
      const tenants = await store.listTenants({ status: ['active', 'needs_reconnect'] });
      let assessed = 0;
      await pMap(
        tenants,
        async (tenant) => {
          const { open } = await readAlertState(store, tenant.id);
          if (Object.keys(open).length === 0) return;
          assessed += 1;
          await safely('sweep', tenant.id, () => assess(tenant.id, null));
        },
        { concurrency: 4 },
      );
      return { assessed };
    },

    async sendTest(tenant) {
      const recipients = alertRecipients(tenant);
      if (recipients.length === 0)
        throw new UserInputError('Add at least one recipient first; the test goes to the saved recipients.');
      const now = clock.now();
      if (now - (lastTest.get(tenant.id) ?? -Infinity) < TEST_INTERVAL_MS)
        throw new UserInputError(
          'A test e-mail was sent less than a minute ago. Check your inbox, then try again.',
          429,
        );
      lastTest.set(tenant.id, now);
      try {
        await mailer.send(recipients, composeTest(await context(tenant)));
      } catch (error) {
        lastTest.delete(tenant.id);
        log.warn({ tenantId: tenant.id, err: { message: errorMessage(error) } }, 'test e-mail failed');
        throw new UserInputError(
          'The mail server did not accept the test e-mail. Ask whoever runs this service to check the SMTP settings (SMTP_URL, MAIL_FROM).',
          502,
        );
      }
      return { recipients: recipients.length };
    },

    openAlerts: async (tenantId) => (await readAlertState(store, tenantId)).open,
    close: () => mailer.close(),
  };
}
