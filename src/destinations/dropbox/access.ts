import type { Dropbox } from 'dropbox';

/**
 * How the Dropbox adapter gets an SDK client. The connections module implements `call` so that the
 * access token is refreshed before it expires, a 401 is answered by one refresh and one retry, and a
 * grant that is gone surfaces as an error with `kind: 'auth'`. The adapter never sees a token.
 */
export interface DropboxClientAccess {
  call<T>(fn: (client: Dropbox) => Promise<T>): Promise<T>;
}

/**
 * An access object over one ready client, with nothing added: the SDK refreshes only shortly before
 * `accessTokenExpiresAt`, and a 401 is reported as it is. For the demo, the benchmark and tests;
 * the worker uses the connections module's access object.
 */
export function directAccess(client: Dropbox): DropboxClientAccess {
  return { call: (fn) => fn(client) };
}
