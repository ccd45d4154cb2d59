/**
 * Calls per route per account, so a benchmark can report e.g. commit calls per 100 small files.
 * Calls whose token could not be tied to an account are counted under `unattributed`.
 */
export interface CallStats {
  calls: Record<string, number>;
  responses: Record<string, number>;
  /** Calls to routes that commit (upload, upload_session/finish, finish_batch*, create_folder_v2, delete_v2). */
  commitCalls: number;
  /** Files written by those commits (identical re-uploads that change nothing are not counted). */
  filesCommitted: number;
  bytesReceived: number;
}

const empty = (): CallStats => ({
  calls: {},
  responses: {},
  commitCalls: 0,
  filesCommitted: 0,
  bytesReceived: 0,
});

export class Stats {
  #accounts = new Map<string, CallStats>();
  #unattributed = empty();

  for(accountId: string | null): CallStats {
    if (accountId === null) return this.#unattributed;
    let stats = this.#accounts.get(accountId);
    if (!stats) this.#accounts.set(accountId, (stats = empty()));
    return stats;
  }

  call(accountId: string | null, route: string, commit: boolean): void {
    const stats = this.for(accountId);
    stats.calls[route] = (stats.calls[route] ?? 0) + 1;
    if (commit) stats.commitCalls += 1;
  }

  response(accountId: string | null, status: number): void {
    const stats = this.for(accountId);
    stats.responses[status] = (stats.responses[status] ?? 0) + 1;
  }

  snapshot(accountId: string | null): CallStats {
    return structuredClone(this.for(accountId));
  }

  reset(): void {
    this.#accounts = new Map();
    this.#unattributed = empty();
  }
}
