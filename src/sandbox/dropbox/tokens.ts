import type { SimClock } from './clock.ts';
import type { Account } from './accounts.ts';
import type { JsonObject } from './errors.ts';
import { newAccessToken, newAuthCode, newRefreshToken } from './ids.ts';

/**
 * Authorization codes, grants (one per consent: an app linked to an account) and the tokens a grant
 * issues. Revoking a grant disables its refresh token and every access token it ever issued, which
 * is what `/2/auth/token/revoke` promises.
 */

/** RFC 6749 recommends at most 10 minutes; Dropbox does not publish its figure. */
const AUTH_CODE_TTL_MS = 10 * 60 * 1000;

/** What an app may ask for when it names no scope: the scopes of a typical file-archiving app. */
export const DEFAULT_APP_SCOPES = [
  'account_info.read',
  'files.content.read',
  'files.content.write',
  'files.metadata.read',
  'files.metadata.write',
];

export interface Grant {
  appKey: string;
  accountId: string;
  scopes: string[];
  refreshToken: string | null;
  /** Obtained with a PKCE verifier and no secret: its refreshes may omit the secret too. */
  publicClient: boolean;
  revoked: boolean;
}

export interface AccessTokenRecord {
  grant: Grant;
  scopes: string[];
  expiresAt: number;
}

export interface AuthCode {
  appKey: string;
  accountId: string;
  redirectUri: string | null;
  scopes: string[];
  offline: boolean;
  challenge: string | null;
  challengeMethod: 'S256' | 'plain';
  expiresAt: number;
}

export class TokenStore {
  readonly #clock: SimClock;
  readonly #accessTtlSeconds: number;
  readonly #codes = new Map<string, AuthCode>();
  readonly #access = new Map<string, AccessTokenRecord>();
  readonly #refresh = new Map<string, Grant>();
  readonly #grants: Grant[] = [];

  constructor(clock: SimClock, accessTtlSeconds: number) {
    this.#clock = clock;
    this.#accessTtlSeconds = accessTtlSeconds;
  }

  issueCode(details: Omit<AuthCode, 'expiresAt'>): string {
    const code = newAuthCode();
    this.#codes.set(code, { ...details, expiresAt: this.#clock.now() + AUTH_CODE_TTL_MS });
    return code;
  }

  /** The code if it exists and has not expired; it is not consumed until `consumeCode`. */
  peekCode(code: string): AuthCode | undefined {
    const record = this.#codes.get(code);
    if (record && record.expiresAt <= this.#clock.now()) {
      this.#codes.delete(code);
      return undefined;
    }
    return record;
  }

  consumeCode(code: string): void {
    this.#codes.delete(code);
  }

  createGrant(code: AuthCode, publicClient: boolean): Grant {
    const grant: Grant = {
      appKey: code.appKey,
      accountId: code.accountId,
      scopes: code.scopes,
      refreshToken: code.offline ? newRefreshToken() : null,
      publicClient,
      revoked: false,
    };
    if (grant.refreshToken) this.#refresh.set(grant.refreshToken, grant);
    this.#grants.push(grant);
    return grant;
  }

  issueAccessToken(
    grant: Grant,
    scopes = grant.scopes,
  ): { token: string; expiresIn: number; scopes: string[] } {
    const token = newAccessToken();
    this.#access.set(token, {
      grant,
      scopes,
      expiresAt: this.#clock.now() + this.#accessTtlSeconds * 1000,
    });
    return { token, expiresIn: this.#accessTtlSeconds, scopes };
  }

  findAccessToken(token: string): AccessTokenRecord | undefined {
    return this.#access.get(token);
  }

  findRefreshToken(token: string): Grant | undefined {
    return this.#refresh.get(token);
  }

  revokeGrant(grant: Grant): void {
    grant.revoked = true;
  }

  /** The user unlinked every app (or support revoked them): all of the account's grants end. */
  revokeAccount(accountId: string): number {
    let count = 0;
    for (const grant of this.#grants) {
      if (grant.accountId === accountId && !grant.revoked) {
        grant.revoked = true;
        count += 1;
      }
    }
    return count;
  }
}

/**
 * The token endpoint's success body. Dropbox's own refresh responses are observed to carry only
 * `access_token`, `token_type` and `expires_in`; the simulator adds the account fields to every
 * response because this product's brief asks for them, so clients should not depend on their absence.
 */
export function tokenResponse(
  issued: { token: string; expiresIn: number; scopes: string[] },
  account: Account,
  refreshToken: string | null,
): JsonObject {
  return {
    access_token: issued.token,
    token_type: 'bearer',
    expires_in: issued.expiresIn,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    scope: issued.scopes.join(' '),
    uid: account.uid,
    account_id: account.accountId,
  };
}
