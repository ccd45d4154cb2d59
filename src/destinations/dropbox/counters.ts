/** What the adapter counts for the run report; every key is always present (zero until used). */
const COUNTER_NAMES = [
  /** Calls that commit files: finish_batch_v2 (the only commit route the adapter uses). */
  'commitCalls',
  'startCalls',
  'appendCalls',
  'deleteCalls',
  'metadataCalls',
  'downloadCalls',
  'listCalls',
  'spaceUsageCalls',
  /** files/get_temporary_link, for playback. */
  'linkCalls',
  /** 429 responses seen, whatever their reason. */
  'rateLimited',
  /** Calls sent again after a retryable failure (429, 5xx, network, corrupted in transit). */
  'retries',
  /** Batch entries put back for the next batch after a per-entry `too_many_write_operations`. */
  'entriesRequeued',
  /** Lost responses settled by asking Dropbox what happened (offsets, closed sessions, lost commits). */
  'reconciled',
  /** Committed files whose content_hash differed from the one computed while streaming. */
  'hashMismatches',
  'filesCommitted',
  /** Request body bytes sent, retries included. */
  'bytesSent',
  /** Sizes of the files confirmed committed. */
  'bytesCommitted',
] as const;

export type CounterName = (typeof COUNTER_NAMES)[number];

export class Counters {
  readonly #values = new Map<CounterName, number>(COUNTER_NAMES.map((name) => [name, 0]));

  add(name: CounterName, n = 1): void {
    this.#values.set(name, (this.#values.get(name) ?? 0) + n);
  }

  snapshot(): Record<CounterName, number> {
    return Object.fromEntries(this.#values) as Record<CounterName, number>;
  }
}
