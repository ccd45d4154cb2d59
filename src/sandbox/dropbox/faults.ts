import { z } from 'zod';

/**
 * Faults a test or the demo can switch on at run time (`POST /__sim/faults` or `sim.setFaults`).
 * Each field is documented in docs/simulators/dropbox.md; counters (`...Next`, `corruptUploads`,
 * `tooManyRequests.next`) count down as they fire.
 */

interface TooManyRequestsFault {
  /** The next N API calls (any token) get 429 `too_many_requests`. */
  next: number;
  /** At most `limit` calls per `windowSeconds` per app and account; the rest get 429. */
  limit: number | null;
  windowSeconds: number;
  /** Fixed `Retry-After`; by default 1 s for `next` and the time left in the window for `limit`. */
  retryAfterSeconds: number | null;
  /** Answer in Dropbox's plain-text 429 form instead of JSON. */
  plainText: boolean;
}

export interface DropboxSimFaults {
  latencyMs: number;
  errorRate: number;
  errorNext: number;
  errorStatus: number;
  errorRoutes: string[] | null;
  dropResponsesNext: number;
  tooManyRequests: TooManyRequestsFault | null;
  commitLatencyMs: number;
  corruptUploads: number;
  batchEntryFailureRate: number;
  /** Accounts (e-mail, lowercase) whose team has used its monthly data transport calls. */
  dataTransportCapped: string[];
}

const count = z.number().int().min(0);
const rate = z.number().min(0).max(1);

const tooManyRequestsInput = z.union([
  count,
  z.null(),
  z
    .object({
      next: count.optional(),
      limit: z.number().int().min(1).nullable().optional(),
      windowSeconds: z.number().positive().optional(),
      retryAfterSeconds: z.number().int().min(0).nullable().optional(),
      plainText: z.boolean().optional(),
    })
    .strict(),
]);

export const faultsInputSchema = z
  .object({
    reset: z.boolean().optional(),
    latencyMs: count.optional(),
    errorRate: rate.optional(),
    errorNext: count.optional(),
    errorStatus: z.number().int().min(500).max(599).optional(),
    errorRoutes: z.array(z.string()).nullable().optional(),
    dropResponsesNext: count.optional(),
    tooManyRequests: tooManyRequestsInput.optional(),
    commitLatencyMs: count.optional(),
    corruptUploads: count.optional(),
    batchEntryFailureRate: rate.optional(),
    dataTransportCapped: z.array(z.string().min(1)).optional(),
    revokeTokensFor: z.string().optional(),
  })
  .strict();

export type DropboxSimFaultsInput = z.input<typeof faultsInputSchema>;

const none = (): DropboxSimFaults => ({
  latencyMs: 0,
  errorRate: 0,
  errorNext: 0,
  errorStatus: 500,
  errorRoutes: null,
  dropResponsesNext: 0,
  tooManyRequests: null,
  commitLatencyMs: 0,
  corruptUploads: 0,
  batchEntryFailureRate: 0,
  dataTransportCapped: [],
});

export class Faults {
  #current = none();

  get current(): DropboxSimFaults {
    return structuredClone(this.#current);
  }

  get latencyMs(): number {
    return this.#current.latencyMs;
  }

  get commitLatencyMs(): number {
    return this.#current.commitLatencyMs;
  }

  get tooManyRequests(): TooManyRequestsFault | null {
    return this.#current.tooManyRequests;
  }

  /** Merges a validated input into the current faults (`reset` first clears them all). */
  apply(input: z.output<typeof faultsInputSchema>): void {
    const { reset, revokeTokensFor: _action, tooManyRequests, dataTransportCapped, ...rest } = input;
    if (reset) this.#current = none();
    const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    Object.assign(this.#current, defined);
    if (dataTransportCapped !== undefined)
      this.#current.dataTransportCapped = dataTransportCapped.map((e) => e.trim().toLowerCase());
    if (tooManyRequests !== undefined) this.#current.tooManyRequests = toTooManyRequests(tooManyRequests);
  }

  /** The 5xx status to answer this call with, or null. `errorNext` fires before `errorRate`. */
  takeError(route: string): number | null {
    if (!this.#applies(route)) return null;
    if (this.#current.errorNext > 0) {
      this.#current.errorNext -= 1;
      return this.#current.errorStatus;
    }
    return Math.random() < this.#current.errorRate ? this.#current.errorStatus : null;
  }

  /** Whether to process this call and then drop the connection without answering. */
  takeDrop(route: string): boolean {
    if (this.#current.dropResponsesNext === 0 || !this.#applies(route)) return false;
    this.#current.dropResponsesNext -= 1;
    return true;
  }

  /**
   * Whether this call is refused by the monthly data transport cap: every upload and upload
   * session route counts as a data transport call, and the cap is the team's, whatever the app.
   */
  transportCapped(email: string, route: string): boolean {
    if (route !== 'files/upload' && !route.startsWith('files/upload_session/')) return false;
    return this.#current.dataTransportCapped.includes(email.trim().toLowerCase());
  }

  takeCorruption(): boolean {
    if (this.#current.corruptUploads === 0) return false;
    this.#current.corruptUploads -= 1;
    return true;
  }

  batchEntryFails(): boolean {
    return Math.random() < this.#current.batchEntryFailureRate;
  }

  #applies(route: string): boolean {
    return this.#current.errorRoutes === null || this.#current.errorRoutes.includes(route);
  }
}

function toTooManyRequests(input: z.output<typeof tooManyRequestsInput>): TooManyRequestsFault | null {
  if (input === null) return null;
  const given = typeof input === 'number' ? { next: input } : input;
  return {
    next: given.next ?? 0,
    limit: given.limit ?? null,
    windowSeconds: given.windowSeconds ?? 60,
    retryAfterSeconds: given.retryAfterSeconds ?? null,
    plainText: given.plainText ?? false,
  };
}
