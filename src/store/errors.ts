/** True for a unique-key violation from either adapter (PostgreSQL 23505, MongoDB 11000). */
export function isDuplicateKeyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 11000 || code === 11001;
}
