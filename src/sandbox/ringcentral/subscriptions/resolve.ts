/**
 * Which of a request's event filters the subscription gets. A filter the simulator does not know,
 * or one naming another account, makes the request a 400 CMN-101 `[eventFilters]`; a filter the
 * app or user may not have is kept out and listed in `disabledFilters` (the spec's "event filters
 * the user is not subscribed to due to certain limitations"): message stores need the app's
 * ReadMessages and, for another extension's mailbox, an admin (and the simulator's
 * `adminCanReadOtherMailboxes`); account telephony sessions need the app's CallControl and an
 * admin.
 */
import type { ApiContext } from '../api-route.ts';
import { rcErrors } from '../errors.ts';
import { MAILBOX_TYPES } from '../model.ts';
import { expandFilter, parseFilter, type ParsedFilter } from './filters.ts';
import type { DisabledFilter } from './registry.ts';

interface ResolvedFilters {
  eventFilters: string[];
  parsed: ParsedFilter[];
  disabledFilters: DisabledFilter[];
}

const appMessage = (permission: string) =>
  `In order to call this API endpoint, application needs to have [${permission}] permission`;
const userMessage = (permission: string) =>
  `In order to call this API endpoint, user needs to have [${permission}] permission for requested resource.`;

function disabledReason(ctx: ApiContext, filter: ParsedFilter): Omit<DisabledFilter, 'filter'> | null {
  const permission = filter.kind === 'message-store' ? 'ReadMessages' : 'CallControl';
  if (!ctx.client.permissions.includes(permission))
    return { reason: 'InsufficientPermissions', message: appMessage(permission) };
  if (filter.kind === 'telephony')
    return ctx.user.admin ? null : { reason: 'InsufficientPermissions', message: userMessage('CallControl') };
  const ext = /^\d+$/.test(filter.extension) ? ctx.account.extById.get(Number(filter.extension)) : undefined;
  if (!ext) return { reason: 'NotFound', message: `Resource for parameter [extensionId] is not found` };
  if (!MAILBOX_TYPES.has(ext.type))
    return { reason: 'FeatureNotAvailable', message: 'The feature is not available for this extension type' };
  if (ext.id === ctx.user.id) return null;
  if (!ctx.user.admin || !ctx.state.faults.adminCanReadOtherMailboxes)
    return { reason: 'InsufficientPermissions', message: userMessage('ReadMessages') };
  return null;
}

export function resolveFilters(ctx: ApiContext, filters: string[]): ResolvedFilters {
  const out: ResolvedFilters = { eventFilters: [], parsed: [], disabledFilters: [] };
  const seen = new Set<string>();
  for (const raw of filters) {
    const expanded = expandFilter(raw, ctx.account.id, ctx.user.id);
    const parsed = parseFilter(expanded);
    if (!parsed || parsed.account !== ctx.account.id) throw rcErrors.invalidParameter('eventFilters', raw);
    if (seen.has(expanded)) continue;
    seen.add(expanded);
    const disabled = disabledReason(ctx, parsed);
    if (disabled) out.disabledFilters.push({ filter: expanded, ...disabled });
    else {
      out.eventFilters.push(expanded);
      out.parsed.push(parsed);
    }
  }
  return out;
}
