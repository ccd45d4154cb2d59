import { Router } from 'express';
import { removeRingCentralUser, type UsersDeps } from '../../tenants/ringcentral-users.ts';
import { actorOf } from '../connect-purposes.ts';
import { requireUser } from '../middleware/require-user.ts';

/**
 * Removing one of the further RingCentral users from the settings page: its grant is revoked at
 * RingCentral and its tokens forgotten; runs from then on use the others. (Adding one is the
 * OAuth flow at /connect/ringcentral?purpose=add-user.)
 */
export function ringCentralUserRoutes(deps: UsersDeps): Router {
  const router = Router();
  router.post('/settings/ringcentral-users/:extensionId/remove', requireUser, async (req, res) => {
    const user = req.session.user!;
    const removed = await removeRingCentralUser(
      deps,
      user.tenantId,
      String(req.params.extensionId),
      actorOf(user),
    );
    req.session.flash = removed
      ? { kind: 'ok', message: `${removed} was removed and its RingCentral sign-in ended.` }
      : { kind: 'warn', message: 'That RingCentral user was not connected.' };
    req.session.save(() => res.redirect(303, '/settings#ringcentral-users'));
  });
  return router;
}
