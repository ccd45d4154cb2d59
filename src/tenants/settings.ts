import { DATA_TOGGLES } from '../archive/kinds/registry.ts';
import { canonicalTimezone, isCalendarDay, localDay } from '../archive/local-time.ts';
import { earliestBackfillDay, RETENTION_NOTE } from '../archive/retention.ts';
import { type TenantSettings, settingsSchema, shorten } from '../archive/settings.ts';

export * from '../archive/settings.ts';
export { PLACEHOLDERS } from '../archive/template.ts';

/**
 * The settings page's form → settings. HTML forms send strings (a field sent twice arrives as an
 * array) and leave unticked checkboxes out, so this turns the form into candidate settings and lets
 * the schema judge them; every problem comes back as one message per field, for the page to show
 * beside that field.
 *
 * Inputs the page sends (names):
 *   one per DATA_TOGGLES key (callLog, sms …)  checkboxes; present and not "0"/"off"/"false" = on
 *   extensionsMode                              all | include | exclude
 *   extensionIds                                extension ids, several fields or one text separated by
 *                                               commas, spaces or new lines
 *   folderTemplate, fileTemplate                templates; a field left out keeps the default
 *   backfillFrom                                YYYY-MM-DD, empty = everything RingCentral still has
 *   timezone                                    IANA name
 *   lookbackHours                               whole number 1–168
 *   notificationEmails                          up to 5 addresses, separated like extensionIds
 * Other fields (the CSRF token) are ignored.
 */

export type SettingsForm = Record<string, string | string[] | undefined>;

/** Where a message goes on the page: `dataTypes` is the group of data-type checkboxes. */
type SettingsFormField =
  | 'dataTypes'
  | 'extensionsMode'
  | 'extensionIds'
  | 'folderTemplate'
  | 'fileTemplate'
  | 'backfillFrom'
  | 'timezone'
  | 'lookbackHours'
  | 'notificationEmails';

type SettingsFormErrors = Partial<Record<SettingsFormField, string>>;

type SettingsFormResult = { ok: true; settings: TenantSettings } | { ok: false; errors: SettingsFormErrors };

/** Longer list fields are refused before they are split (a 1 MB paste is not worth parsing). */
const MAX_LIST_FIELD_LENGTH = 50_000;

export function validateSettingsForm(form: SettingsForm, options: { now?: number } = {}): SettingsFormResult {
  const errors: SettingsFormErrors = {};
  const single = (field: SettingsFormField): string | undefined => {
    const value = form[field];
    if (!Array.isArray(value)) return value;
    if (value.length <= 1) return value[0];
    errors[field] = 'This field was sent more than once; reload the page and try again.';
    return undefined;
  };
  const list = (field: SettingsFormField): string[] | undefined => {
    const value = form[field];
    if (value === undefined) return undefined;
    const text = Array.isArray(value) ? value.join(',') : value;
    if (text.length > MAX_LIST_FIELD_LENGTH) {
      errors[field] = `This list is ${text.length.toLocaleString('en-US')} characters long; shorten it.`;
      return undefined;
    }
    return text.split(/[\s,;]+/).filter(Boolean);
  };

  const candidate: Record<string, unknown> = {
    dataTypes: Object.fromEntries(DATA_TOGGLES.map(({ key }) => [key, checkbox(form[key])])),
    extensions: { mode: single('extensionsMode') || undefined, ids: list('extensionIds') },
    folderTemplate: single('folderTemplate'),
    fileTemplate: single('fileTemplate'),
    timezone: single('timezone')?.trim(),
    lookbackHours: hours(single('lookbackHours')),
    notificationEmails: dedupeIgnoringCase(list('notificationEmails')),
  };
  const backfill = single('backfillFrom')?.trim();
  candidate.backfillFrom = backfill ? backfill : null;
  const dateProblem = backfill
    ? backfillOutOfRange(backfill, candidate.timezone, options.now ?? Date.now())
    : null;
  if (dateProblem) errors.backfillFrom = dateProblem;

  const parsed = settingsSchema.safeParse(candidate);
  if (parsed.success && Object.keys(errors).length === 0) return { ok: true, settings: parsed.data };
  for (const issue of parsed.error?.issues ?? []) {
    const field = formField(issue.path);
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}

function checkbox(value: string | string[] | undefined): boolean {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  // A hidden "0" before the checkbox (a common pattern) arrives as ["0", "on"] when ticked.
  return values.some((v) => !['', '0', 'off', 'false'].includes(v.trim().toLowerCase()));
}

/** A whole number as typed, or something the schema rejects with the right message. */
function hours(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return /^\d{1,6}$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

function dedupeIgnoringCase(emails: string[] | undefined): string[] | undefined {
  if (!emails) return undefined;
  const byKey = new Map<string, string>();
  for (const email of emails) if (!byKey.has(email.toLowerCase())) byKey.set(email.toLowerCase(), email);
  return [...byKey.values()];
}

/**
 * A backfill start after today, or before anything RingCentral still holds (a start in year 1 would
 * only walk empty history). Days are the tenant's: that is whose calendar the admin means.
 */
function backfillOutOfRange(day: string, timezone: unknown, now: number): string | null {
  if (!isCalendarDay(day)) return null; // the schema reports it
  const zone = (typeof timezone === 'string' && canonicalTimezone(timezone)) || 'UTC';
  const today = localDay(new Date(now).toISOString(), zone);
  if (day > today)
    return `${shorten(day)} is in the future. Choose today or an earlier day, or leave it empty to archive everything RingCentral still has.`;
  const earliest = earliestBackfillDay(now, zone);
  if (day < earliest)
    return `${shorten(day)} is before anything RingCentral still holds: ${RETENTION_NOTE}. Choose ${earliest} or a later day, or leave it empty to archive everything RingCentral still has.`;
  return null;
}

function formField(path: readonly PropertyKey[]): SettingsFormField {
  const [top, inner] = path;
  if (top === 'extensions') return inner === 'mode' ? 'extensionsMode' : 'extensionIds';
  if (top === 'dataTypes') return 'dataTypes';
  return (typeof top === 'string' ? top : 'dataTypes') as SettingsFormField;
}
