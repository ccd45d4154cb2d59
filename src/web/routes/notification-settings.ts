import { companyDestination } from '../../connections/company-destination.ts';
import { Router, type Request, type Response } from 'express';
import { UserInputError } from '../../lib/errors.ts';
import type { Notifier } from '../../notifications/index.ts';
import { alertRecipients, recipientsSchema, savedRecipients } from '../../notifications/recipients.ts';
import type { Store, Tenant } from '../../store/types.ts';
import { MAX_NOTIFICATION_EMAILS, shorten } from '../../archive/settings.ts';
import { requireUser } from '../middleware/require-user.ts';
import { sendPage, type Views } from '../views.ts';

/**
 * Who receives the tenant's alert e-mails: add or remove one address at a time (at most five),
 * and send a test. Scoped to the signed-in admin's own tenant; a refused change saves nothing and
 * answers 400 with the reason beside the field.
 *
 * Form fields (POST /settings/notifications): action = add | remove, email.
 */
interface NotificationSettingsDeps {
  store: Store;
  views: Views;
  notifier: Notifier;
}

const PATH = '/settings/notifications';

export function notificationSettingsRoutes(deps: NotificationSettingsDeps): Router {
  const router = Router();
  const { store, views, notifier } = deps;

  const show = (res: Response, tenant: Tenant, extra: object = {}, status = 200) => {
    const recipients = savedRecipients(tenant.settings);
    sendPage(
      res,
      views,
      'notification-settings',
      {
        recipients,
        max: MAX_NOTIFICATION_EMAILS,
        // Without saved recipients alerts still go to the installing admin (see recipients.ts).
        fallback: recipients.length === 0 ? (alertRecipients(tenant)[0] ?? null) : null,
        emailEnabled: notifier.emailEnabled,
        error: null,
        value: '',
        flash: null,
        ...extra,
      },
      status,
    );
  };

  router.get(PATH, requireUser, async (req, res) => {
    const tenant = await store.getTenant(req.session.user!.tenantId);
    if (!tenant) return res.redirect(303, '/');
    const destination = (await companyDestination(store, tenant.id))?.displayName ?? null;
    show(res, tenant, { flash: takeFlash(req), destination });
  });

  router.post(PATH, requireUser, async (req, res) => {
    const tenant = await store.getTenant(req.session.user!.tenantId);
    if (!tenant) return res.redirect(303, '/');
    const body = req.body as Record<string, unknown>;
    const email = typeof body.email === 'string' ? body.email.trim() : '';
    const current = savedRecipients(tenant.settings);
    const refuse = (error: string) => show(res, tenant, { error, value: email }, 400);

    let next: string[];
    if (body.action === 'add') {
      if (!email) return refuse('Enter an e-mail address.');
      if (current.some((r) => r.toLowerCase() === email.toLowerCase()))
        return refuse(`${shorten(email)} already receives alerts.`);
      next = [...current, email];
    } else if (body.action === 'remove') {
      next = current.filter((r) => r.toLowerCase() !== email.toLowerCase());
      if (next.length === current.length)
        return refuse(`${email ? shorten(email) : 'That address'} is not a recipient.`);
    } else {
      return refuse('Choose to add or remove a recipient.');
    }
    const parsed = recipientsSchema.safeParse(next);
    if (!parsed.success) return refuse(parsed.error.issues[0]?.message ?? 'That address was refused.');

    await store.updateTenant(tenant.id, {
      settings: { ...tenant.settings, notificationEmails: parsed.data },
    });
    await store.appendAudit(tenant.id, {
      actor: `ringcentral:${req.session.user!.extensionId}`,
      action: body.action === 'add' ? 'alerts.recipient.added' : 'alerts.recipient.removed',
      details: { email, recipients: parsed.data.length },
    });
    req.session.flash = {
      kind: 'ok',
      message:
        body.action === 'add' ? `${email} now receives alerts.` : `${email} no longer receives alerts.`,
    };
    res.redirect(303, PATH);
  });

  router.post(`${PATH}/test`, requireUser, async (req, res) => {
    const tenant = await store.getTenant(req.session.user!.tenantId);
    if (!tenant) return res.redirect(303, '/');
    if (!notifier.emailEnabled) {
      req.session.flash = {
        kind: 'warn',
        message: 'E-mail is off on this server (SMTP_URL is not set), so nothing was sent.',
      };
      return res.redirect(303, PATH);
    }
    try {
      const { recipients } = await notifier.sendTest(tenant);
      req.session.flash = {
        kind: 'ok',
        message: `Test e-mail sent to ${recipients} ${recipients === 1 ? 'recipient' : 'recipients'}. It should arrive within a few minutes; check spam folders too.`,
      };
    } catch (error) {
      if (!(error instanceof UserInputError)) throw error;
      req.session.flash = { kind: 'bad', message: error.message };
    }
    res.redirect(303, PATH);
  });

  return router;
}

function takeFlash(req: Request) {
  const flash = req.session.flash;
  delete req.session.flash;
  return flash ?? null;
}
