/**
 * Request counters per account, read by `GET /__sim/stats`: the benchmark reports API calls per
 * rate-limit group and 429s from here, so every answered request is counted exactly once.
 */
import { RATE_GROUPS, type RateGroup } from './options.ts';

export interface AccountStats {
  requests: Record<RateGroup, number>;
  rateLimited: Record<RateGroup, number>;
  /** Of those, refused by the account-level emergency limit (no X-Rate-Limit-* headers). */
  accountRateLimited: number;
  injectedErrors: number;
  tokenGrants: { authorization_code: number; refresh_token: number };
  tokenErrors: number;
  mediaBytes: number;
  /** Items the `deleteOnDownload` fault deleted as their download began, in order. */
  deletedOnDownload: Array<{ kind: 'recording' | 'message'; id: string }>;
}

function zeroGroups(): Record<RateGroup, number> {
  return Object.fromEntries(RATE_GROUPS.map((g) => [g, 0])) as Record<RateGroup, number>;
}

function empty(): AccountStats {
  return {
    requests: zeroGroups(),
    rateLimited: zeroGroups(),
    accountRateLimited: 0,
    injectedErrors: 0,
    tokenGrants: { authorization_code: 0, refresh_token: 0 },
    tokenErrors: 0,
    mediaBytes: 0,
    deletedOnDownload: [],
  };
}

/** Requests that cannot be tied to an account (bad tokens, unknown clients) are kept apart. */
export const UNATTRIBUTED = '';

export interface StatsSnapshot {
  total: AccountStats;
  accounts: Array<AccountStats & { accountId: string }>;
  unattributed: AccountStats;
}

export class Stats {
  private readonly byAccount = new Map<string, AccountStats>();

  of(accountId: string): AccountStats {
    let s = this.byAccount.get(accountId);
    if (!s) this.byAccount.set(accountId, (s = empty()));
    return s;
  }

  request(accountId: string, group: RateGroup, limited: boolean): void {
    const s = this.of(accountId);
    s.requests[group]++;
    if (limited) s.rateLimited[group]++;
  }

  account(accountId: string): AccountStats & { accountId: string } {
    return { accountId, ...structuredClone(this.of(accountId)) };
  }

  snapshot(): StatsSnapshot {
    const total = empty();
    const accounts: StatsSnapshot['accounts'] = [];
    for (const [id, s] of this.byAccount) {
      for (const g of RATE_GROUPS) {
        total.requests[g] += s.requests[g];
        total.rateLimited[g] += s.rateLimited[g];
      }
      total.accountRateLimited += s.accountRateLimited;
      total.injectedErrors += s.injectedErrors;
      total.tokenGrants.authorization_code += s.tokenGrants.authorization_code;
      total.tokenGrants.refresh_token += s.tokenGrants.refresh_token;
      total.tokenErrors += s.tokenErrors;
      total.mediaBytes += s.mediaBytes;
      total.deletedOnDownload.push(...s.deletedOnDownload);
      if (id !== UNATTRIBUTED) accounts.push({ accountId: id, ...structuredClone(s) });
    }
    return { total, accounts, unattributed: structuredClone(this.byAccount.get(UNATTRIBUTED) ?? empty()) };
  }

  reset(): void {
    this.byAccount.clear();
  }
}
