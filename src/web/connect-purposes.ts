import type { Authorization, ConnectionProvider, RingCentralAuthorization } from '../connections/index.ts';
import {
  connectDestination,
  MissingPermissionsError,
  NotAdminError,
  signInWithRingCentral,
  type TenantDeps,
} from '../tenants/install.ts';
import { addRingCentralUser, AddUserRefused } from '../tenants/ringcentral-users.ts';

/**
 * What a finished connection is for. The routes in routes/connect.ts run every provider's flow
 * the same way (OAuth or form); what happens with the result is the purpose's: the RingCentral
 * sign-in installs or signs in a company, a destination becomes where the archive goes. A purpose
 * other than a provider's usual one travels as `?purpose=` through the flow (kept with the OAuth
 * state), e.g. adding another RingCentral user to a company.
 */

export type SessionUser = { tenantId: string; extensionId: string; name: string };

interface ConnectOutcome {
  flash: string;
  /** Sign this user in (a fresh session) before going on. */
  signIn?: SessionUser;
  /** Where to go next (the dashboard unless said). */
  redirect?: string;
}

/** A refusal the admin must read, with the page's status and heading. */
export class ConnectProblem extends Error {
  override name = 'ConnectProblem';
  readonly status: number;
  readonly heading: string;
  readonly extra: object;
  constructor(status: number, heading: string, message: string, extra: object = {}) {
    super(message);
    this.status = status;
    this.heading = heading;
    this.extra = extra;
  }
}

export interface ConnectPurpose {
  /** Only the RingCentral sign-in itself starts without a signed-in admin. */
  needsUser: boolean;
  /** The heading of the problem page when the attempt fails. */
  failed: string;
  /** Where to start again, in words ("from the home page"). */
  startAgain: string;
  /** Keeps the result; throws ConnectProblem for a refusal the admin must read. */
  complete(auth: Authorization, user: SessionUser | null): Promise<ConnectOutcome>;
}

const SIGNED_IN: Record<string, string> = {
  installed: 'RingCentral is connected. Now connect where the archive should go.',
  reinstalled:
    'Welcome back. RingCentral is connected again; connect where the archive goes to resume backups.',
  reconnected: 'RingCentral is reconnected.',
  'signed-in': 'Signed in.',
};

export const actorOf = (user: { extensionId: string } | null | undefined): string =>
  `ringcentral:${user?.extensionId ?? 'unknown'}`;

function ringCentralSignIn(deps: TenantDeps): ConnectPurpose {
  return {
    needsUser: false,
    failed: 'That sign-in could not be completed',
    startAgain: 'from the home page',
    async complete(auth) {
      try {
        const { tenant, outcome } = await signInWithRingCentral(deps, auth as RingCentralAuthorization);
        return {
          flash: SIGNED_IN[outcome] ?? 'Signed in.',
          signIn: {
            tenantId: tenant.id,
            extensionId: tenant.installedBy.extensionId,
            name: tenant.installedBy.name,
          },
        };
      } catch (error) {
        if (error instanceof NotAdminError)
          throw new ConnectProblem(
            403,
            'An administrator is needed',
            'Archiving reads the whole company’s call log, recordings and messages, which RingCentral only allows an administrator to do.',
            { adminHelp: true },
          );
        if (error instanceof MissingPermissionsError)
          throw new ConnectProblem(
            403,
            'The RingCentral app is missing permissions',
            'RingCentral did not grant the app every permission archiving needs.',
            { missing: error.missing },
          );
        throw error;
      }
    },
  };
}

function destination(deps: TenantDeps, provider: ConnectionProvider): ConnectPurpose {
  return {
    needsUser: true,
    failed: `${provider.displayName} could not be connected`,
    startAgain: 'from the dashboard',
    async complete(auth, user) {
      await connectDestination(deps, user!.tenantId, auth, actorOf(user));
      return {
        flash: `${provider.displayName} connected (${auth.accountLabel}). The first backup starts now.`,
      };
    },
  };
}

/** One more RingCentral user of the company shares the archive's work (settings page). */
function ringCentralUser(deps: TenantDeps): ConnectPurpose {
  return {
    needsUser: true,
    failed: 'That RingCentral user could not be added',
    startAgain: 'from the settings page',
    async complete(auth, user) {
      try {
        const label = await addRingCentralUser(
          deps,
          user!.tenantId,
          auth as RingCentralAuthorization,
          actorOf(user),
        );
        return {
          flash: `${label} now shares the archive’s work: its RingCentral budget is used from the next backup on.`,
          redirect: '/settings#ringcentral-users',
        };
      } catch (error) {
        if (error instanceof AddUserRefused)
          throw new ConnectProblem(
            error.refusal === 'already-connected' ? 409 : 403,
            'That RingCentral user could not be added',
            error.message,
            { permission: error.permission, back: '/settings#ringcentral-users' },
          );
        throw error;
      }
    },
  };
}

/**
 * The purposes, by "<provider>" (its usual one), "<provider>:<purpose>", or "role:<role>" for every
 * provider of a role without its own. A new purpose is one entry here.
 */
const PURPOSES: Record<string, (deps: TenantDeps, provider: ConnectionProvider) => ConnectPurpose> = {
  ringcentral: ringCentralSignIn,
  'ringcentral:add-user': ringCentralUser,
  'role:destination': destination,
};

export function findPurpose(
  deps: TenantDeps,
  provider: ConnectionProvider,
  purpose: string,
): ConnectPurpose | null {
  const make = purpose
    ? PURPOSES[`${provider.id}:${purpose}`]
    : (PURPOSES[provider.id] ?? PURPOSES[`role:${provider.role}`]);
  return make ? make(deps, provider) : null;
}
