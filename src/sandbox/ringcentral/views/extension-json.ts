/** Extensions as RingCentral's GetExtensionListInfoResponse / GetExtensionInfoResponse. */
import type { Account } from '../account.ts';
import type { Extension } from '../model.ts';
import type { Urls } from '../urls.ts';

export function extensionJson(
  account: Account,
  ext: Extension,
  urls: Urls,
  detailed: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    uri: urls.extension(account.id, ext.id),
    id: ext.id,
    extensionNumber: ext.extensionNumber,
    name: ext.name,
    type: ext.type,
    status: ext.status,
    contact: {
      firstName: ext.firstName,
      lastName: ext.lastName,
      company: account.companyName,
      email: ext.email,
      businessPhone: ext.phoneNumber,
    },
    permissions: { admin: { enabled: ext.admin }, internationalCalling: { enabled: false } },
    hidden: false,
    creationTime: new Date(ext.creationTime).toISOString(),
  };
  if (detailed) {
    out.account = { id: account.id, uri: urls.account(account.id) };
    out.setupWizardState = 'Completed';
  }
  return out;
}
