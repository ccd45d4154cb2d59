/**
 * Who may read what. The account in a path must be the token's own (or `~`); another extension's
 * data needs an admin (non-admins get 403 CMN-404); reading another extension's message store as
 * an admin depends on the `adminCanReadOtherMailboxes` setting (refused: 403 CMN-408), because
 * RingCentral does not document it; extension types without a mailbox get 403 CMN-403.
 */
import type { Account } from './account.ts';
import type { ApiContext } from './api-route.ts';
import { rcErrors } from './errors.ts';
import { MAILBOX_TYPES, type Extension } from './model.ts';

export function resolveAccount(ctx: ApiContext, param: string | undefined): Account {
  if (param === '~' || param === ctx.account.id) return ctx.account;
  throw rcErrors.notFound('accountId', param);
}

export function resolveExtension(ctx: ApiContext, account: Account, param: string | undefined): Extension {
  if (param === '~') return ctx.user;
  const ext = param !== undefined && /^\d+$/.test(param) ? account.extById.get(Number(param)) : undefined;
  if (!ext) throw rcErrors.notFound('extensionId', param);
  return ext;
}

/** Account-wide data (company call log, recordings of others, export) needs an admin. */
export function requireAdmin(ctx: ApiContext, permission: string): void {
  if (!ctx.user.admin) throw rcErrors.userPermission(permission);
}

export function checkExtensionAccess(ctx: ApiContext, ext: Extension, kind: 'callLog' | 'messages'): void {
  if (ext.id === ctx.user.id) return;
  if (!ctx.user.admin) throw rcErrors.anotherExtension();
  if (kind === 'messages' && !ctx.state.faults.adminCanReadOtherMailboxes) {
    throw rcErrors.userPermission('ReadMessages');
  }
}

export function requireMailbox(ext: Extension): void {
  if (!MAILBOX_TYPES.has(ext.type)) throw rcErrors.featureForExtensionType();
}
