import type { Json, Tenant } from '../store/types.ts';
import { MAX_NOTIFICATION_EMAILS, settingsSchema } from '../archive/settings.ts';

/** The settings rule for the recipient list (at most five valid addresses). */
export const recipientsSchema = settingsSchema.shape.notificationEmails;

/** The recipients saved in a tenant's settings; a list that no longer validates counts as none. */
export function savedRecipients(settings: Record<string, Json>): string[] {
  const parsed = recipientsSchema.safeParse(settings.notificationEmails);
  return parsed.success ? parsed.data : [];
}

/**
 * Who gets a tenant's alerts: the saved recipients, or else the admin who installed the archive
 * (when RingCentral told us their address), so an admin who never opened the settings still
 * hears that backups stopped.
 */
export function alertRecipients(tenant: Pick<Tenant, 'settings' | 'installedBy'>): string[] {
  const saved = savedRecipients(tenant.settings);
  if (saved.length > 0) return saved.slice(0, MAX_NOTIFICATION_EMAILS);
  const installer = tenant.installedBy.email;
  return installer && recipientsSchema.safeParse([installer]).success ? [installer] : [];
}
