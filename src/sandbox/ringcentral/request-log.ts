/**
 * The last requests of each account, kept only when a test asks for them (the `logRequests` fault):
 * who sent what and when, so a test can see that every user of a company went quiet after an
 * account-level 429. Not a RingCentral feature.
 */
import type { RateGroup } from './options.ts';

export interface LoggedRequest {
  /** Simulator time the request was answered or refused. */
  at: number;
  extensionId: number;
  group: RateGroup;
  /** The route answered, as `GET /restapi/v1.0/account/:accountId/extension`: calls counted by endpoint. */
  endpoint: string;
  /** counted: within the user-level limit; rate-limited / account-limited: refused with 429. */
  outcome: 'counted' | 'rate-limited' | 'account-limited';
}

export class RequestLog {
  private readonly byAccount = new Map<string, LoggedRequest[]>();
  private readonly capacity: () => number;

  constructor(capacity: () => number) {
    this.capacity = capacity;
  }

  log(accountId: string, entry: LoggedRequest): void {
    const keep = this.capacity();
    if (keep <= 0) return;
    let list = this.byAccount.get(accountId);
    if (!list) this.byAccount.set(accountId, (list = []));
    list.push(entry);
    if (list.length > keep) list.splice(0, list.length - keep);
  }

  of(accountId: string): LoggedRequest[] {
    return [...(this.byAccount.get(accountId) ?? [])];
  }

  clear(): void {
    this.byAccount.clear();
  }
}
