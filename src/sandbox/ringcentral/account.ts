/**
 * One simulated RingCentral account: its extensions, call log and message store, with the indexes
 * the API needs, and the rules that depend on the simulator clock (late recordings, retention,
 * the per-account recording cap). History is generated on first use, anchored at the creation
 * time, so creating hundreds of accounts at run time costs almost nothing.
 */
import { IdAllocator } from './ids.ts';
import type { CallRecord, Extension, Message } from './model.ts';
import type { RcAccountSpec } from './options.ts';
import {
  callEnd,
  dayLength,
  generateExtensions,
  generateHistory,
  generateLiveDay,
} from './seed/generator.ts';

const DAY_MS = 86_400_000;

/** Told about changes made after creation (new activity, deletions): the notification source. */
interface AccountListener {
  added(calls: CallRecord[], messages: Message[]): void;
  messageChanged(message: Message): void;
}

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
  /** Live accounts: the next simulated day (0 = the day that starts at creation) not generated yet. */
  private nextLiveDay = 0;
  /** Bumped on every change, so cached derived values know when to recompute. */
  version = 0;
  /** Numbers `/__sim/activity` calls so each draws its own deterministic PRNG stream. */
  activityCount = 0;
  private capCache: { now: number; version: number; cutoff: number } | null = null;
  listener: AccountListener | null = null;

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

  /**
   * Generates history on first use and, for a live account, every simulated day the clock has
   * reached (`now`), so a company of any size costs memory only for the days that have begun.
   */
  private ensure(now?: number): void {
    if (!this.materialized) {
      this.materialized = true;
      const { calls, messages } = generateHistory(this.ids, this.spec, this.extensions, this.createdAt);
      this.indexAll(calls, messages);
    }
    if (!this.spec.live || now === undefined) return;
    const reached = Math.floor((now - this.createdAt) / dayLength(this.spec));
    while (this.nextLiveDay <= reached) {
      const ctx = { ids: this.ids, spec: this.spec, extensions: this.extensions };
      const { calls, messages } = generateLiveDay(
        ctx,
        this.spec,
        this.extensions,
        this.createdAt,
        this.nextLiveDay++,
      );
      this.indexAll(calls, messages);
      this.version++;
    }
  }

  private indexAll(calls: CallRecord[], messages: Message[]): void {
    calls.sort((a, b) => a.startTime - b.startTime);
    messages.sort((a, b) => a.creationTime - b.creationTime);
    for (const call of calls) this.insertCall(call);
    for (const message of messages) this.insertMessage(message);
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
  add(calls: CallRecord[], messages: Message[], now?: number): void {
    this.ensure(now);
    for (const call of [...calls].sort((a, b) => a.startTime - b.startTime)) this.insertCall(call);
    for (const message of messages) this.insertMessage(message);
    this.version++;
    this.listener?.added(calls, messages);
  }

  /** Keeps the lists ascending: usually an append; a live day generated ahead of now moves new calls in. */
  private insertCall(call: CallRecord): void {
    this.indexCall(call);
    placeLast(this.callList, (c) => c.startTime);
    placeLast(this.callsByExt.get(call.extensionId)!, (c) => c.startTime);
  }

  private insertMessage(message: Message): void {
    this.indexMessage(message);
    placeLast(this.messagesByExt.get(message.extensionId)!, (m) => m.creationTime);
  }

  /** A record exists once its call has ended, until the call-log retention drops it. */
  private callExists(c: CallRecord, now: number): boolean {
    const retentionMs = (this.spec.callLogRetentionDays ?? 365) * DAY_MS;
    return callEnd(c) <= now && now - c.startTime < retentionMs;
  }

  /** All call records (ascending by startTime) that exist at `now`. */
  calls(now: number): CallRecord[] {
    this.ensure(now);
    return this.callList.filter((c) => this.callExists(c, now));
  }

  callsOf(extensionId: number, now: number): CallRecord[] {
    this.ensure(now);
    return (this.callsByExt.get(extensionId) ?? []).filter((c) => this.callExists(c, now));
  }

  call(id: string, now: number): CallRecord | undefined {
    this.ensure(now);
    const call = this.callById.get(id);
    return call && this.callExists(call, now) ? call : undefined;
  }

  /** The call whose recording has this id, if that recording is visible at `now`. */
  recording(id: string, now: number): CallRecord | undefined {
    this.ensure(now);
    const call = this.recordingCall.get(id);
    return call && this.recordingVisible(call, now) ? call : undefined;
  }

  /** Messages of one extension (ascending by creationTime), whatever their availability. */
  messagesOf(extensionId: number, now: number): Message[] {
    this.ensure(now);
    return (this.messagesByExt.get(extensionId) ?? []).filter((m) => m.creationTime <= now);
  }

  message(id: number): Message | undefined {
    this.ensure();
    return this.messageById.get(id);
  }

  allMessages(now: number): Message[] {
    this.ensure(now);
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
   * Recordings RingCentral no longer keeps at `now` by its own rules (90 days, the cap), oldest
   * first: what an archive that missed them has lost. Deletions through the API are not listed.
   */
  droppedRecordings(
    now: number,
  ): Array<{ id: string; callId: string; startTime: number; rule: 'retention' | 'cap' }> {
    this.ensure(now);
    const retentionMs = (this.spec.recordingRetentionDays ?? 90) * DAY_MS;
    const cutoff = this.capCutoff(now);
    const out: Array<{ id: string; callId: string; startTime: number; rule: 'retention' | 'cap' }> = [];
    for (const call of this.callList) {
      const rec = call.recording;
      if (!rec || rec.deleted || rec.availableAt > now) continue;
      if (now - call.startTime >= retentionMs)
        out.push({ id: rec.id, callId: call.id, startTime: call.startTime, rule: 'retention' });
      else if (call.startTime < cutoff)
        out.push({ id: rec.id, callId: call.id, startTime: call.startTime, rule: 'cap' });
    }
    return out;
  }

  /** Recordings the account holds at `now` (what counts towards the cap). */
  recordingsHeld(now: number): number {
    this.ensure(now);
    let held = 0;
    for (const call of this.callList) if (call.recording && this.recordingVisible(call, now)) held++;
    return held;
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
    this.ensure(now);
    const message = this.messageById.get(id);
    if (!message || message.availability === 'Purged') return false;
    message.availability = mode;
    message.lastModifiedTime = Math.max(now, message.lastModifiedTime + 1);
    this.version++;
    this.listener?.messageChanged(message);
    return true;
  }
}

/** Moves the last element of an ascending list back to its place (a binary search, then one splice). */
function placeLast<T>(list: T[], key: (item: T) => number): void {
  const item = list[list.length - 1];
  if (item === undefined || list.length < 2 || key(list[list.length - 2]!) <= key(item)) return;
  list.pop();
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(list[mid]!) <= key(item)) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, item);
}
