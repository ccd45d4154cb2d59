/** True for a unique-key violation from either adapter (PostgreSQL 23505, MongoDB 11000). */
export function isDuplicateKeyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 11000 || code === 11001;
}

/**
 * A write of a run whose lease another run has taken since (its fencing token is no longer the
 * company's): the store refused it, so a worker that stalled past its lease writes nothing.
 */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
  readonly tenantId: string;
  constructor(tenantId: string, token: number) {
    super(`The run lease of ${tenantId} (token ${token}) is held by another run now; write refused.`);
    this.tenantId = tenantId;
  }
}
