import { newAccountId, newNamespaceId, newUid } from './ids.ts';
import { Namespace } from './namespace.ts';

/** A Dropbox user as the simulator knows it: identity, quota and its own namespace of files. */
export interface Account {
  accountId: string;
  uid: string;
  email: string;
  givenName: string;
  surname: string;
  displayName: string;
  rootNamespaceId: string;
  allocatedBytes: number;
  namespace: Namespace;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const isEmail = (value: string): boolean => EMAIL.test(value) && value.length <= 254;

/** "jane.doe@example.com" becomes "Jane Doe": a plausible display name for consent pages and FullAccount. */
function namesFromEmail(email: string): { givenName: string; surname: string } {
  const words = (email.split('@')[0] ?? '')
    .split(/[._+-]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1));
  return { givenName: words[0] ?? 'User', surname: words.slice(1).join(' ') };
}

export class Accounts {
  readonly #byId = new Map<string, Account>();
  readonly #byEmail = new Map<string, Account>();
  #defaultQuota: number;

  constructor(defaultQuotaBytes: number) {
    this.#defaultQuota = defaultQuotaBytes;
  }

  findByEmail(email: string): Account | undefined {
    return this.#byEmail.get(email.trim().toLowerCase());
  }

  get(accountId: string): Account | undefined {
    return this.#byId.get(accountId);
  }

  all(): Account[] {
    return [...this.#byId.values()];
  }

  /** The account for an email, created with a fresh id and the default quota when it is new. */
  ensure(email: string): Account {
    const existing = this.findByEmail(email);
    if (existing) return existing;
    const normalized = email.trim().toLowerCase();
    const { givenName, surname } = namesFromEmail(normalized);
    const account: Account = {
      accountId: newAccountId(),
      uid: newUid(),
      email: normalized,
      givenName,
      surname,
      displayName: `${givenName} ${surname}`.trim(),
      rootNamespaceId: newNamespaceId(),
      allocatedBytes: this.#defaultQuota,
      namespace: new Namespace(),
    };
    this.#byId.set(account.accountId, account);
    this.#byEmail.set(normalized, account);
    return account;
  }
}
