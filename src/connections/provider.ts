import { randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { Connection, Store } from '../store/types.ts';
import type { RefreshCoordinator } from './refresh.ts';
import type { Vault } from './vault.ts';

/**
 * A provider is one service a company connects: its source (RingCentral) or where the archive goes
 * (Dropbox, an SFTP server). Each registers itself in registry.ts and declares how an admin
 * connects it (an OAuth flow, or a form), how its stored credentials stay alive and how its grant
 * is ended. Everything that is the same for every provider (sealing in the vault, storing,
 * disconnecting, the daily keep-alive, the /connect/:provider routes) is written once against this.
 */

export type ProviderRole = 'source' | 'destination';

/** What a finished connection hands over: the vault seals `secret`, the store keeps the rest. */
export interface Authorization<Secret extends object = object> {
  provider: string;
  /** The provider's own id for the connected account (RingCentral account, Dropbox account, host). */
  accountId: string;
  /** What the admin recognises: a user name, an e-mail address, user@host. */
  accountLabel: string;
  /** Tokens, or a form's credentials: sealed in the vault, never stored or logged in plain text. */
  secret: Secret;
  accessExpiresAt: Date | null;
  refreshExpiresAt: Date | null;
}

export interface AuthorizationStart {
  url: string;
  state: string;
  verifier: string;
}

/** Authorization code with PKCE; the provider sends the browser back to /connect/<id>/callback. */
export interface OAuthFlow<A extends Authorization = Authorization> {
  readonly kind: 'oauth';
  start(): Promise<AuthorizationStart>;
  /** Exchanges the code and reads who connected. Stores nothing. */
  finish(code: string, verifier: string): Promise<A>;
}

export interface FormField {
  name: string;
  label: string;
  type: 'text' | 'number' | 'password' | 'textarea';
  required: boolean;
  help?: string;
  /** Never shown again once sent (a password, a private key): the form comes back without it. */
  secret?: boolean;
  placeholder?: string;
}

/** Credentials an admin types in (host, user, key ...), checked by connecting before anything is kept. */
export interface FormFlow<A extends Authorization = Authorization> {
  readonly kind: 'form';
  readonly fields: readonly FormField[];
  /** Checks the answers against the service; throws ConnectionRefused with words for the admin. */
  check(answers: Record<string, string>): Promise<A>;
}

export interface ConnectionProvider<A extends Authorization = Authorization> {
  readonly id: string;
  readonly displayName: string;
  readonly role: ProviderRole;
  readonly flow: OAuthFlow<A> | FormFlow<A>;
  /**
   * Renews the stored credentials now, even if they are not due, so they outlive a quiet company
   * (the daily keep-alive). Absent for credentials that do not expire.
   */
  keepAlive?(connection: Connection): Promise<void>;
  /** Ends the grant behind these credentials at the provider; errors are the caller's to ignore. */
  revoke?(secret: A['secret']): Promise<void>;
}

/** What every provider is built from: the process's config, store, vault and token refresher. */
export interface ProviderDeps {
  config: Config;
  store: Store;
  vault: Vault;
  refresh: RefreshCoordinator;
  clock: Clock;
  logger: Logger;
}

/** The refusal of a connection attempt, in words for the admin (shown on the form or problem page). */
export class ConnectionRefused extends Error {
  override name = 'ConnectionRefused';
}

/** Where a provider's OAuth flow returns to; also what its app registration must list. */
export function callbackPath(providerId: string): string {
  return `/connect/${providerId}/callback`;
}

export function newState(): string {
  return randomBytes(24).toString('base64url');
}
