import { z } from 'zod';
import { DATA_TOGGLES, ITEM_KINDS, type DataToggleKey } from './kinds/registry.ts';
import { canonicalTimezone, isCalendarDay } from './local-time.ts';
import { type TemplateRole, parseTemplate, placeholdersIn } from './template.ts';

/**
 * A tenant's settings: what to archive and where it goes. Stored as JSON on the tenant row and
 * read back with `parseSettings`, which fills in defaults for fields that older versions did not
 * write, so adding a setting never needs a data migration. Every message is written for the admin
 * who sees it on the settings page.
 */

const DEFAULT_FOLDER_TEMPLATE = '{company}/{yyyy}/{yyyy}-{mm}/{yyyy}-{mm}-{dd}/{extension}/{type}';
const DEFAULT_FILE_TEMPLATE = '{date}T{time}Z_{direction}_{from}_to_{to}_{id}';
const MAX_EXTENSION_IDS = 500;
export const MAX_NOTIFICATION_EMAILS = 5;
const MIN_LOOKBACK_HOURS = 1;
const MAX_LOOKBACK_HOURS = 168;

/** Shown inside messages, so that a pasted novel does not end up on the page. */
export const shorten = (text: string, max = 40): string =>
  text.length > max ? `${text.slice(0, max)}…` : text;

const template = (role: TemplateRole, fallback: string) =>
  z
    .string({ message: 'must be text' })
    .superRefine((value, ctx) => {
      const parsed = parseTemplate(value, role);
      if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
    })
    .default(fallback);

/** One switch per setting of the kinds registry, each on unless the admin turns it off. */
const dataTypes = z
  .object(
    Object.fromEntries(DATA_TOGGLES.map((t) => [t.key, z.boolean().default(true)])) as Record<
      DataToggleKey,
      z.ZodDefault<z.ZodBoolean>
    >,
  )
  .prefault({})
  .refine((types) => Object.values(types).some(Boolean), {
    message:
      'Turn on at least one kind of data to archive (to stop archiving for a while, pause the archive).',
  });

/** "call log records, call recordings, voicemails, faxes, SMS and MMS": the kinds a {type} keeps apart. */
const ITEM_KINDS_TEXT = (() => {
  const labels = ITEM_KINDS.map((k) => (k.label === k.label.toUpperCase() ? k.label : k.label.toLowerCase()));
  return `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`;
})();

const extensionIds = z
  .array(z.string())
  .superRefine((ids, ctx) => {
    if (ids.length > MAX_EXTENSION_IDS) {
      ctx.addIssue({
        code: 'custom',
        message: `You listed ${ids.length.toLocaleString('en-US')} extensions; at most ${MAX_EXTENSION_IDS} can be listed. To archive most extensions, choose "all except" and list the ones to leave out.`,
      });
      return;
    }
    const bad = ids.find((id) => !/^\d{1,19}$/.test(id));
    if (bad !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `"${shorten(bad)}" is not a RingCentral extension id; ids are digits only, such as 62264425004.`,
      });
    }
  })
  // The same extension listed twice means it once; order is kept as the admin wrote it.
  .transform((ids) => [...new Set(ids)])
  .default([]);

const extensions = z
  .object({
    /** all: every extension; include: only `ids`; exclude: every extension except `ids`. */
    mode: z
      .enum(['all', 'include', 'exclude'], {
        message: 'Choose all extensions, only the listed extensions, or all except the listed ones.',
      })
      .default('all'),
    ids: extensionIds,
  })
  .prefault({})
  .superRefine((value, ctx) => {
    if (value.mode === 'include' && value.ids.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['ids'],
        message: 'List at least one extension to archive, or choose all extensions.',
      });
    }
  });

const backfillFrom = z
  .string({ message: 'must be a date written YYYY-MM-DD' })
  .refine(isCalendarDay, {
    message: 'The backfill start is not a real date. Write it as YYYY-MM-DD, such as 2026-01-31.',
  })
  .nullable()
  .default(null);

const timezone = z
  .string({ message: 'must be a time zone name' })
  .transform((value, ctx) => {
    const canonical = canonicalTimezone(value.trim());
    if (canonical) return canonical;
    ctx.addIssue({
      code: 'custom',
      message: `"${shorten(value)}" is not a time zone. Use a name such as America/New_York, Europe/Berlin or UTC.`,
    });
    return z.NEVER;
  })
  .default('UTC');

const lookbackHours = z
  .number({ message: `Enter a whole number of hours from ${MIN_LOOKBACK_HOURS} to ${MAX_LOOKBACK_HOURS}.` })
  .int({ message: `Enter a whole number of hours from ${MIN_LOOKBACK_HOURS} to ${MAX_LOOKBACK_HOURS}.` })
  .min(MIN_LOOKBACK_HOURS, { message: `The lookback must be at least ${MIN_LOOKBACK_HOURS} hour.` })
  .max(MAX_LOOKBACK_HOURS, {
    message: `The lookback can be at most ${MAX_LOOKBACK_HOURS} hours (one week).`,
  })
  .default(48);

const notificationEmails = z
  .array(z.string())
  .superRefine((emails, ctx) => {
    if (emails.length > MAX_NOTIFICATION_EMAILS) {
      ctx.addIssue({
        code: 'custom',
        message: `Enter at most ${MAX_NOTIFICATION_EMAILS} e-mail addresses (you entered ${emails.length}).`,
      });
      return;
    }
    const bad = emails.find((email) => email.length > 254 || !z.email().safeParse(email).success);
    if (bad !== undefined) {
      ctx.addIssue({ code: 'custom', message: `"${shorten(bad)}" is not an e-mail address.` });
    }
  })
  .default([]);

export const settingsSchema = z
  .object({
    dataTypes,
    extensions,
    /** Folders below the archive root; date and time placeholders use `timezone`. */
    folderTemplate: template('folder', DEFAULT_FOLDER_TEMPLATE),
    /** The file name without its extension; date and time placeholders use UTC. */
    fileTemplate: template('file', DEFAULT_FILE_TEMPLATE),
    /** Archive history from this day on (YYYY-MM-DD); null: everything RingCentral still has. */
    backfillFrom,
    /** IANA zone whose calendar names the date folders and daily reports. */
    timezone,
    /** How far back each run looks again for records that changed or arrived late. */
    lookbackHours,
    /** Who gets e-mail alerts (reconnect needed, Dropbox full, recordings about to be deleted). */
    notificationEmails,
  })
  .superRefine((settings, ctx) => {
    // A recording and a voicemail may share an id: only the type keeps their files apart.
    const folder = parseTemplate(settings.folderTemplate, 'folder');
    const file = parseTemplate(settings.fileTemplate, 'file');
    if (folder.ok && file.ok && !placeholdersIn([...folder.segments, ...file.segments]).has('type')) {
      ctx.addIssue({
        code: 'custom',
        path: ['folderTemplate'],
        message: `Use {type} in the folder template or the file name template, so that ${ITEM_KINDS_TEXT} with the same id cannot collide.`,
      });
    }
  });

export type TenantSettings = z.output<typeof settingsSchema>;

/** The settings of a new tenant. Frozen: copy it (structuredClone) before changing anything. */
export const DEFAULT_SETTINGS: TenantSettings = deepFreeze(settingsSchema.parse({}));

/** Stored settings that no longer validate; `errors` has one message per setting. */
export class InvalidSettingsError extends Error {
  override name = 'InvalidSettingsError';
  readonly errors: Record<string, string>;
  constructor(errors: Record<string, string>) {
    super(
      `The saved settings are invalid (${Object.entries(errors)
        .map(([field, message]) => `${field}: ${message}`)
        .join(' ')}) Open the settings page, correct them and save.`,
    );
    this.errors = errors;
  }
}

/**
 * Settings as stored (JSON written by this or an older version) → complete settings. Missing
 * fields get their defaults; a value that is present but invalid throws InvalidSettingsError rather
 * than being silently replaced, because guessing could archive less than the admin chose.
 */
export function parseSettings(json: unknown): TenantSettings {
  const parsed = settingsSchema.safeParse(json ?? {});
  if (parsed.success) return parsed.data;
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path.filter((key) => typeof key !== 'number').join('.') || 'settings';
    errors[field] ??= issue.message;
  }
  throw new InvalidSettingsError(errors);
}

/** Whether the settings archive this extension (by RingCentral extension id). */
export function includesExtension(
  settings: Pick<TenantSettings, 'extensions'>,
  extensionId: string,
): boolean {
  const { mode, ids } = settings.extensions;
  if (mode === 'all') return true;
  return ids.includes(extensionId) === (mode === 'include');
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
