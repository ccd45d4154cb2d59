import { Router, type Request } from 'express';
import type { Connections } from '../../connections/index.ts';
import { DATA_TOGGLES } from '../../archive/kinds/registry.ts';
import { canonicalTimezone } from '../../archive/local-time.ts';
import { earliestBackfillDay, RETENTION_NOTE } from '../../archive/retention.ts';
import { knownExtensions, rememberExtensions, type KnownExtension } from '../../archive/extension-list.ts';
import { listExtensions } from '../../archive/sources/extensions.ts';
import { createRingCentralApi } from '../../archive/sources/api.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import { RateLimiter } from '../../lib/rate-limiter.ts';
import type { Store } from '../../store/types.ts';
import {
  parseSettings,
  PLACEHOLDERS,
  validateSettingsForm,
  type SettingsForm,
  type TenantSettings,
} from '../../tenants/settings.ts';
import { takeFlash } from '../flash.ts';
import { requireFields } from '../middleware/form.ts';
import { requireUser } from '../middleware/require-user.ts';
import { sendPage, type Views } from '../views.ts';
import { pushView } from '../view-models/push.ts';
import { examplePath, TIME_ZONES } from '../view-models/settings.ts';
import { ringCentralUsersView } from '../view-models/ringcentral-users.ts';

/**
 * The tenant's archive settings. A save is all or nothing: any invalid field re-shows the form
 * with a message beside it (400) and changes nothing.
 */
interface SettingsDeps {
  store: Store;
  subscriptions: { enabled: boolean };
  connections: Connections;
  views: Views;
  clock: Clock;
  logger: Logger;
}

/** A background listing that takes longer than this is given up (the next run lists them anyway). */
const EXTENSION_LIST_TIMEOUT_MS = 30_000;

/** What the settings page always sends; checkboxes and the extension list may be left out. */
const SETTINGS_FORM_FIELDS = [
  'extensionsMode',
  'folderTemplate',
  'fileTemplate',
  'timezone',
  'lookbackHours',
];

export function settingsRoutes(deps: SettingsDeps): Router {
  const router = Router();
  const { store, views, clock } = deps;
  const extensionsFor = extensionChoices(deps);

  const page = async (req: Request, settings: TenantSettings, extra: object = {}) => {
    const tenant = (await store.getTenant(req.session.user!.tenantId))!;
    const runs = (await store.listRuns(tenant.id, { limit: 20 })).items.filter((r) => r.trigger !== 'verify');
    return {
      tenant,
      settings,
      push: await pushView({ store, enabled: deps.subscriptions.enabled, now: clock.now() }, tenant.id, runs),
      extensions: await extensionsFor(tenant.id),
      dataToggles: DATA_TOGGLES,
      placeholders: Object.entries(PLACEHOLDERS),
      timeZones: TIME_ZONES,
      example: examplePath(tenant.companyName, settings, clock.now()),
      earliestBackfill: earliestBackfillDay(clock.now(), canonicalTimezone(settings.timezone) || 'UTC'),
      retentionNote: RETENTION_NOTE,
      ringcentralUsers: await ringCentralUsersView(store, tenant.id, clock.now()),
      flash: takeFlash(req),
      errors: {},
      ...extra,
    };
  };

  router.get('/settings', requireUser, async (req, res) => {
    const tenant = await store.getTenant(req.session.user!.tenantId);
    if (!tenant) return res.redirect(303, '/');
    sendPage(
      res,
      views,
      'settings',
      await page(req, parseSettings(tenant.settings), { saved: req.query.saved === '1' }),
    );
  });

  router.post('/settings', requireUser, requireFields(...SETTINGS_FORM_FIELDS), async (req, res) => {
    const tenantId = req.session.user!.tenantId;
    const tenant = await store.getTenant(tenantId);
    if (!tenant) return res.redirect(303, '/');
    const current = parseSettings(tenant.settings);
    const form = { ...(req.body as SettingsForm) };
    // Recipients are managed on their own page; this form does not carry them.
    form.notificationEmails ??= current.notificationEmails.join(',');
    const result = validateSettingsForm(form, { now: clock.now() });
    if (!result.ok) {
      const echoed = { ...current, ...echo(form) } as TenantSettings;
      return sendPage(res, views, 'settings', await page(req, echoed, { errors: result.errors }), 400);
    }
    const settings = result.settings;
    await store.updateTenant(tenantId, { settings: settings });
    await store.appendAudit(tenantId, {
      actor: `ringcentral:${req.session.user!.extensionId}`,
      action: 'settings.changed',
      details: { changed: changedKeys(current, settings) },
    });
    res.redirect(303, '/settings?saved=1');
  });

  // Read-only: renders the example path for the templates being typed (the page calls it).
  router.get('/settings/example-path', requireUser, async (req, res) => {
    const tenant = await store.getTenant(req.session.user!.tenantId);
    if (!tenant) return res.status(404).json({ error: 'No such company' });
    const current = parseSettings(tenant.settings);
    const q = req.query as Record<string, unknown>;
    const text = (v: unknown, fallback: string) => (typeof v === 'string' && v.length <= 1000 ? v : fallback);
    res.json(
      examplePath(
        tenant.companyName,
        {
          folderTemplate: text(q.folderTemplate, current.folderTemplate),
          fileTemplate: text(q.fileTemplate, current.fileTemplate),
          timezone: text(q.timezone, current.timezone),
        },
        clock.now(),
      ),
    );
  });

  return router;
}

/**
 * The extensions to choose from: the list the last run saw, from the store, so the page never
 * waits for RingCentral nor depends on it answering (a run may be using the whole rate budget).
 * Runs keep it fresh; until the first one has listed them, this page asks RingCentral in the
 * background (once at a time per company) and the page says the list is on its way.
 */
function extensionChoices(deps: SettingsDeps): (tenantId: string) => Promise<KnownExtension[] | null> {
  const refreshing = new Set<string>();
  const refresh = async (tenantId: string) => {
    const platform = await deps.connections.provider('ringcentral').platform(tenantId);
    const api = createRingCentralApi(platform, {
      limiter: new RateLimiter({ clock: deps.clock }),
      logger: deps.logger,
      signal: AbortSignal.timeout(EXTENSION_LIST_TIMEOUT_MS),
      maxRetries: 1,
    });
    try {
      await rememberExtensions(deps.store, tenantId, await listExtensions(api));
    } finally {
      api.close();
    }
  };
  return async (tenantId) => {
    const known = await knownExtensions(deps.store, tenantId);
    if (known === null && !refreshing.has(tenantId)) {
      refreshing.add(tenantId);
      refresh(tenantId)
        .catch((error: unknown) =>
          deps.logger.warn(
            { tenantId, err: { message: (error as Error).message } },
            'extension list not refreshed for the settings page',
          ),
        )
        .finally(() => refreshing.delete(tenantId));
    }
    return known;
  };
}

/** What the admin typed, so an invalid form comes back as they left it. */
function echo(form: SettingsForm): Partial<Record<keyof TenantSettings, unknown>> {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const ids = form.extensionIds;
  return {
    folderTemplate: one(form.folderTemplate) ?? '',
    fileTemplate: one(form.fileTemplate) ?? '',
    timezone: one(form.timezone) ?? 'UTC',
    backfillFrom: one(form.backfillFrom) || null,
    lookbackHours: one(form.lookbackHours),
    extensions: {
      mode: (one(form.extensionsMode) ?? 'all') as TenantSettings['extensions']['mode'],
      ids: (Array.isArray(ids) ? ids : (ids ?? '').split(/[\s,;]+/)).filter(Boolean).slice(0, 1000),
    },
    dataTypes: Object.fromEntries(DATA_TOGGLES.map(({ key }) => [key, form[key] !== undefined])),
  };
}

function changedKeys(before: TenantSettings, after: TenantSettings): string[] {
  return (Object.keys(after) as Array<keyof TenantSettings>).filter(
    (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  );
}
