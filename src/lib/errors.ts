/**
 * Errors the product raises on purpose. Each carries a message written for the person who has to
 * act on it; none ever carries a token, code or secret.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Input a user sent that we refuse; rendered as a 4xx with the message shown. */
export class UserInputError extends Error {
  override name = 'UserInputError';
  readonly status: number;
  constructor(message: string, status = 400) {
    super(message);
    this.status = status;
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What to reject with when `signal` aborted: its reason, as an Error (as fetch and timers do). */
export function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason));
}
