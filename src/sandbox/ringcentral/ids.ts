/**
 * Identifier allocation. Ids follow RingCentral's shapes (call log and recording ids are strings,
 * message/attachment/extension ids are JSON numbers below 2^53) and are unique across every
 * account in one simulator: each account gets a numeric base from its creation order, and every
 * id of that account is derived from the base plus a per-account counter. Plain number
 * arithmetic only: the generator makes hundreds of thousands of ids and BigInt would dominate.
 */

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Fixed-width base62 of a non-negative integer below 62^width. */
function base62(value: number, width: number): string {
  let out = '';
  let v = value;
  for (let i = 0; i < width; i++) {
    out = ALPHABET[v % 62]! + out;
    v = Math.floor(v / 62);
  }
  return out;
}

/** murmur3's 32-bit finaliser: a bijection, so distinct counters give distinct ids. */
function scramble32(x: number): number {
  let h = x | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Account number k (1-based creation order) → numeric account id. */
export function accountBase(k: number): number {
  return 300_000_008 + k * 1000;
}

/** The numeric call session id of call `seq` of an account (a string in the API). */
export function sessionIdOf(base: number, seq: number): string {
  return `${base}${String(seq).padStart(8, '0')}`;
}

export function telephonySessionIdOf(base: number, seq: number): string {
  return `s-a0${scramble32(base).toString(16).padStart(8, '0')}${scramble32(seq ^ base)
    .toString(16)
    .padStart(8, '0')}z${seq.toString(16)}`;
}

function hashString32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class IdAllocator {
  readonly base: number;
  private readonly prefix: string;
  private extensionCounter = 0;
  private messageCounter = 0;
  private callCounter = 0;
  private recordingCounter = 0;

  constructor(base: number) {
    this.base = base;
    // 62^5 ≈ 916 million covers every account base the simulator hands out.
    this.prefix = base62(base % 916_132_832, 5);
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

  /** A call log id (an account prefix plus the scrambled counter) and its sequence number. */
  call(): { id: string; seq: number } {
    this.callCounter++;
    return { id: this.prefix + base62(scramble32(this.callCounter), 6), seq: this.callCounter };
  }

  recordingId(): string {
    this.recordingCounter++;
    return `${this.base}${String(this.recordingCounter).padStart(8, '0')}`;
  }

  conversationId(extensionId: number, peer: string): number {
    // Stable per (extension, peer); kept below 2^53 so JSON numbers stay exact.
    return hashString32(`${extensionId}:${peer}`) * 2 ** 20 + (extensionId % 2 ** 20) + 1;
  }
}
