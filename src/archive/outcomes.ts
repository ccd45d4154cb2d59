import { DestinationError, type DestinationIdentity } from '../destinations/types.ts';
import { errorMessage } from '../lib/errors.ts';
import { LeaseLostError } from '../store/errors.ts';
import type { Provider } from '../store/types.ts';
import { SourceError } from './sources/source-error.ts';

/**
 * Errors are classified once (ARCHITECTURE.md, "One archive run"): retry the item later, skip it
 * for good and say why, or stop the tenant's whole run and tell the admin.
 */

/** Automatic retries of a failed item: 5 min, 20 min, 1 h, 3 h, then daily; then it is Failed. */
export const RETRY_DELAYS_MS = [5 * 60_000, 20 * 60_000, 3_600_000, 3 * 3_600_000, 24 * 3_600_000];

/** The archive log's words for an item RingCentral deleted before the archive could copy it. */
export const DELETED_BY_RINGCENTRAL = 'Deleted by RingCentral before it could be archived.';

export function nextAttemptDelay(attempts: number): number | null {
  return RETRY_DELAYS_MS[attempts - 1] ?? null;
}

/** reconnect: an authorization is gone; full: no room; capped: the destination refuses uploads
 *  until its period ends (Dropbox Business's monthly data transport cap); lease-lost: another run
 *  holds the company now (this one stalled past its lease). */
export type StopReason = 'reconnect' | 'full' | 'capped' | 'lease-lost';

/** Stops the tenant's run: nothing more can be archived until someone acts. */
export class StopRun extends Error {
  override name = 'StopRun';
  readonly reason: StopReason;
  readonly provider: Provider | null;
  constructor(reason: StopReason, message: string, provider: Provider | null = null) {
    super(message);
    this.reason = reason;
    this.provider = provider;
  }
}

type ItemVerdict =
  | { action: 'skip'; reason: string }
  | { action: 'retry'; reason: string }
  | { action: 'stop'; error: StopRun }
  | { action: 'abandon' };

export function classifyItemError(error: unknown, signal: AbortSignal): ItemVerdict {
  if (signal.aborted) return { action: 'abandon' };
  if (error instanceof StopRun) return { action: 'stop', error };
  // The store refused a write: a peer holds the company, so this run must write nothing more.
  if (error instanceof LeaseLostError)
    return {
      action: 'stop',
      error: new StopRun('lease-lost', 'Another worker took over this company; this run stopped.'),
    };
  if (error instanceof DestinationError) {
    const { displayName, id } = error.destination;
    if (error.kind === 'auth')
      return {
        action: 'stop',
        error: new StopRun(
          'reconnect',
          error.forAdmin ?? `${displayName} refused our access; reconnect ${displayName}.`,
          id,
        ),
      };
    if (error.kind === 'full') return { action: 'stop', error: destinationFull(error.destination) };
    if (error.kind === 'capped') return { action: 'stop', error: destinationCapped(error) };
    return { action: 'retry', reason: error.message };
  }
  if (error instanceof SourceError) {
    if (error.kind === 'auth')
      return {
        action: 'stop',
        error: new StopRun(
          'reconnect',
          'RingCentral refused our access; reconnect RingCentral.',
          'ringcentral',
        ),
      };
    if (error.kind === 'gone') return { action: 'skip', reason: DELETED_BY_RINGCENTRAL };
    return { action: 'retry', reason: error.message };
  }
  // An authorization that is gone for good (connections' ReconnectRequiredError carries kind 'auth').
  const { kind, provider } = (error ?? {}) as { kind?: unknown; provider?: unknown };
  if (kind === 'auth')
    return {
      action: 'stop',
      error: new StopRun('reconnect', errorMessage(error), typeof provider === 'string' ? provider : null),
    };
  return { action: 'retry', reason: errorMessage(error) };
}

/** The destination has no room left: nothing more can be archived until someone frees some. */
export function destinationFull(destination: DestinationIdentity): StopRun {
  return new StopRun(
    'full',
    `${destination.displayName} is full. Free up space or upgrade it; backups resume on their own.`,
  );
}

/** The destination refuses uploads until its period ends: pause the company, tell the admin. */
function destinationCapped(error: DestinationError): StopRun {
  const name = error.destination.displayName;
  return new StopRun(
    'capped',
    `${name} refuses uploads: the team has used its monthly allowance of upload calls (${error.message}). ` +
      `Backups are paused and resume on their own when ${name} accepts uploads again (next month, or once the plan allows more).`,
  );
}
