/**
 * One simulated RingCentral account: its extensions, call log and message store, with the indexes
 * the API needs, and the rules that depend on the simulator clock (late recordings, retention,
 * the per-account recording cap). History is generated on first use, anchored at the creation
 * time, so creating hundreds of accounts at run time costs almost nothing.
 */
import { IdAllocator } from './ids.ts';
import type { CallRecord, Extension, Message } from './model.ts';
import type { RcAccountSpec } from './options.ts';
import { generateExtensions, generateHistory } from './seed/generator.ts';

const DAY_MS = 86_400_000;

export class Account {
  readonly number: number;
  readonly id: string;
  readonly spec: RcAccountSpec;
  readonly createdAt: number;
  readonly ids: IdAllocator;
  readonly companyName: string;
  readonly mainNumber: string;
  readonly extensions: Extension[];
  readonly extById = new Map<number, Extension>();
  readonly extByNumber = new Map<string, Extension>();

  /** Ascending by startTime; new activity is appended (the clock only moves forward). */
  private callList: CallRecord[] = [];
  private readonly callById = new Map<string, CallRecord>();
  private readonly callsByExt = new Map<number, CallRecord[]>();
  private readonly recordingCall = new Map<string, CallRecord>();
  /** Per extension, ascending by creationTime. */
  private readonly messagesByExt = new Map<number, Message[]>();
  private readonly messageById = new Map<number, Message>();
  private materialized = false;
  /** Bumped on every change, so cached derived values know when to recompute. */
  version = 0;
  /** Numbers `/__sim/activity` calls so each draws its own deterministic PRNG stream. */
  activityCount = 0;
  private capCache: { now: number; version: number; cutoff: number } | null = null;

  constructor(accountNumber: number, base: number, spec: RcAccountSpec, createdAt: number) {
    this.number = accountNumber;
    this.id = String(base);
    this.spec = spec;
    this.createdAt = createdAt;
    this.ids = new IdAllocator(base);
    const generated = generateExtensions(this.ids, spec, createdAt);
    this.companyName = generated.companyName;
    this.mainNumber = generated.mainNumber;
    this.extensions = generated.extensions;
    for (const ext of this.extensions) {
      this.extById.set(ext.id, ext);
      this.extByNumber.set(ext.extensionNumber, ext);
    }
  }

  get admin(): Extension {
    return this.extensions[0]!;
  }

  private ensure(): void {
    if (this.materialized) return;
    this.materialized = true;
    const { calls, messages } = generateHistory(this.ids, this.spec, this.extensions, this.createdAt);
    calls.sort((a, b) => a.startTime - b.startTime);
    messages.sort((a, b) => a.creationTime - b.creationTime);
    for (const call of calls) this.indexCall(call);
    for (const message of messages) this.indexMessage(message);
  }

  private indexCall(call: CallRecord): void {
    this.callList.push(call);
    this.callById.set(call.id, call);
    let list = this.callsByExt.get(call.extensionId);
    if (!list) this.callsByExt.set(call.extensionId, (list = []));
    list.push(call);
    if (call.recording) this.recordingCall.set(call.recording.id, call);
  }

  private indexMessage(message: Message): void {
    let list = this.messagesByExt.get(message.extensionId);
    if (!list) this.messagesByExt.set(message.extensionId, (list = []));
    list.push(message);
    this.messageById.set(message.id, message);
  }

  /** Adds records made "now"; they are newer than everything already indexed. */
  add(calls: CallRecord[], messages: Message[]): void {
    this.ensure();
    for (const call of [...calls].sort((a, b) => a.startTime - b.startTime)) this.insertCall(call);
    for (const message of messages) this.insertMessage(message);
    this.version++;
  }

  private insertCall(call: CallRecord): void {
    const last = this.callList[this.callList.length - 1];
    this.indexCall(call);
    if (last && last.startTime > call.startTime) {
      // Only when the base clock was moved backwards by the embedder; keep the order invariant.
      this.callList.sort((a, b) => a.startTime - b.startTime);
      this.callsByExt.get(call.extensionId)!.sort((a, b) => a.startTime - b.startTime);
    }
  }

  private insertMessage(message: Message): void {
    this.indexMessage(message);
    const list = this.messagesByExt.get(message.extensionId)!;
    if (list.length > 1 && list[list.length - 2]!.creationTime > message.creationTime) {
      list.sort((a, b) => a.creationTime - b.creationTime);
    }
  }

  /** A record exists once its call has ended, until the call-log retention drops it. */
  private callExists(c: CallRecord, now: number): boolean {
    const retentionMs = (this.spec.callLogRetentionDays ?? 365) * DAY_MS;
    return c.startTime + c.duration * 1000 <= now && now - c.startTime < retentionMs;
  }

  /** All call records (ascending by startTime) that exist at `now`. */
  calls(now: number): CallRecord[] {
    this.ensure();
    return this.callList.filter((c) => this.callExists(c, now));
  }

  callsOf(extensionId: number, now: number): CallRecord[] {
    this.ensure();
    return (this.callsByExt.get(extensionId) ?? []).filter((c) => this.callExists(c, now));
  }

  call(id: string, now: number): CallRecord | undefined {
    this.ensure();
    const call = this.callById.get(id);
    return call && this.callExists(call, now) ? call : undefined;
  }

  /** The call whose recording has this id, if that recording is visible at `now`. */
  recording(id: string, now: number): CallRecord | undefined {
    this.ensure();
    const call = this.recordingCall.get(id);
    return call && this.recordingVisible(call, now) ? call : undefined;
  }

  /** Messages of one extension (ascending by creationTime), whatever their availability. */
  messagesOf(extensionId: number, now: number): Message[] {
    this.ensure();
    return (this.messagesByExt.get(extensionId) ?? []).filter((m) => m.creationTime <= now);
  }

  message(id: number): Message | undefined {
    this.ensure();
    return this.messageById.get(id);
  }

  allMessages(now: number): Message[] {
    this.ensure();
    const out: Message[] = [];
    for (const ext of this.extensions) out.push(...this.messagesOf(ext.id, now));
    return out;
  }

  recordingVisible(call: CallRecord, now: number): boolean {
    const rec = call.recording;
    if (!rec || rec.deleted || rec.availableAt > now) return false;
    const retentionMs = (this.spec.recordingRetentionDays ?? 90) * DAY_MS;
    if (now - call.startTime >= retentionMs) return false;
    return call.startTime >= this.capCutoff(now);
  }

  /**
   * Oldest startTime whose recording survives the per-account cap at `now`: RingCentral drops
   * the oldest recordings once an account holds more than the cap (100,000 by default).
   */
  private capCutoff(now: number): number {
    const cap = this.spec.recordingCap ?? 100_000;
    if (this.capCache && this.capCache.now === now && this.capCache.version === this.version) {
      return this.capCache.cutoff;
    }
    const retentionMs = (this.spec.recordingRetentionDays ?? 90) * DAY_MS;
    let cutoff = -Infinity;
    let kept = 0;
    // Newest first: the cap keeps the most recent recordings.
    for (let i = this.callList.length - 1; i >= 0; i--) {
      const call = this.callList[i]!;
      const rec = call.recording;
      if (!rec || rec.deleted || rec.availableAt > now || now - call.startTime >= retentionMs) continue;
      kept++;
      if (kept === cap) {
        cutoff = call.startTime;
        break;
      }
    }
    this.capCache = { now, version: this.version, cutoff };
    return cutoff;
  }

  /** lastModifiedTime moves when a late recording attaches to the record. */
  lastModified(call: CallRecord, now: number): number {
    const rec = call.recording;
    if (rec && !rec.deleted && rec.availableAt <= now && rec.availableAt > call.modifiedAt) {
      return rec.availableAt;
    }
    return call.modifiedAt;
  }

  deleteRecording(id: string): boolean {
    this.ensure();
    const call = this.recordingCall.get(id);
    if (!call?.recording || call.recording.deleted) return false;
    call.recording.deleted = true;
    this.version++;
    return true;
  }

  /** Deleted keeps the attachments (restorable); Purged drops them. Both leave the default list. */
  deleteMessage(id: number, mode: 'Deleted' | 'Purged', now: number): boolean {
    this.ensure();
    const message = this.messageById.get(id);
    if (!message || message.availability === 'Purged') return false;
    message.availability = mode;
    message.lastModifiedTime = Math.max(now, message.lastModifiedTime + 1);
    this.version++;
    return true;
  }
}
