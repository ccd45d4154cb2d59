/**
 * Identifier allocation. Ids follow RingCentral's shapes (call log and recording ids are strings,
 * message/attachment/extension ids are JSON numbers below 2^53) and are unique across every
 * account in one simulator: each account gets a numeric base from its creation order, and every
 * id of that account is derived from the base plus a per-account counter.
 */

const MASK64 = (1n << 64n) - 1n;
const SCRAMBLE = 0x9e3779b97f4a7c15n; // odd, so multiplication mod 2^64 is a bijection
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function base62(value: bigint): string {
  let out = '';
  let v = value;
  do {
    out = ALPHABET[Number(v % 62n)]! + out;
    v /= 62n;
  } while (v > 0n);
  return out;
}

/** Account number k (1-based creation order) → numeric account id. */
export function accountBase(k: number): number {
  return 300_000_008 + k * 1000;
}

export class IdAllocator {
  readonly base: number;
  private extensionCounter = 0;
  private messageCounter = 0;
  private callCounter = 0;
  private recordingCounter = 0;

  constructor(base: number) {
    this.base = base;
  }

  extensionId(): number {
    this.extensionCounter++;
    return this.base * 100_000 + this.extensionCounter;
  }

  /** Message and attachment ids share one sequence, so both are unique within the account. */
  messageId(): number {
    this.messageCounter++;
    if (this.messageCounter >= 10_000_000) throw new Error('message id space of the account exhausted');
    return this.base * 10_000_000 + this.messageCounter;
  }

  /** Returns the call id, its numeric session id and a telephony session id. */
  call(): { id: string; sessionId: string; telephonySessionId: string } {
    this.callCounter++;
    const raw = ((BigInt(this.base) << 24n) | BigInt(this.callCounter)) & MASK64;
    const scrambled = (raw * SCRAMBLE) & MASK64;
    return {
      id: base62(scrambled).padStart(11, '0'),
      sessionId: `${this.base}${String(this.callCounter).padStart(8, '0')}`,
      telephonySessionId: `s-a0${scrambled.toString(16).padStart(16, '0')}z${this.callCounter.toString(16)}`,
    };
  }

  recordingId(): string {
    this.recordingCounter++;
    return `${this.base}${String(this.recordingCounter).padStart(8, '0')}`;
  }

  conversationId(extensionId: number, peer: string): number {
    // Stable per (extension, peer); kept below 2^53 so JSON numbers stay exact.
    let h = 0n;
    for (const c of `${extensionId}:${peer}`) h = (h * 131n + BigInt(c.charCodeAt(0))) & MASK64;
    return Number(h % (1n << 52n)) + 1;
  }
}
