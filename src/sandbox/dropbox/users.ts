import type { RouteDef } from './context.ts';
import { json } from './errors.ts';

/** users/get_current_account and users/get_space_usage (Void-argument RPC routes). */

export const getCurrentAccount: RouteDef = {
  name: 'users/get_current_account',
  style: 'rpc',
  scope: 'account_info.read',
  commit: false,
  voidArg: true,
  handle: ({ account }) => {
    const initials = `${account.givenName.charAt(0)}${account.surname.charAt(0)}`.toUpperCase();
    return Promise.resolve(
      json({
        account_id: account.accountId,
        name: {
          given_name: account.givenName,
          surname: account.surname,
          familiar_name: account.givenName,
          display_name: account.displayName,
          abbreviated_name: initials,
        },
        email: account.email,
        email_verified: true,
        disabled: false,
        country: 'US',
        locale: 'en',
        referral_link: `https://db.tt/${account.uid}`,
        is_paired: false,
        account_type: { '.tag': 'basic' },
        root_info: {
          '.tag': 'user',
          root_namespace_id: account.rootNamespaceId,
          home_namespace_id: account.rootNamespaceId,
        },
      }),
    );
  },
};

export const getSpaceUsage: RouteDef = {
  name: 'users/get_space_usage',
  style: 'rpc',
  scope: 'account_info.read',
  commit: false,
  voidArg: true,
  handle: ({ account }) =>
    Promise.resolve(
      json({
        used: account.namespace.usedBytes,
        allocation: { '.tag': 'individual', allocated: account.allocatedBytes },
      }),
    ),
};
