import type { ActivityInput, RcSim } from '../../src/sandbox/ringcentral/index.ts';
import { userExtensionNumbers } from './activity.ts';
import type { TimeScale } from './scale.ts';

/**
 * A company's steady day at the pace of a time scale: every `everyRealMs` one recorded call ends
 * and one message arrives (SMS, voicemail and fax in turn), on the users in turn. Every
 * `lateEvery`-th recording is attached `lateRealMs` after its call ends, as RingCentral attaches
 * recordings a little after the call; the others exist at the call's end. What came when is kept
 * on the simulator's clock, for the delays.
 */
export interface Traffic {
  /** Recording id → its call's end. */
  calls: Map<string, number>;
  /** Message id → its arrival. */
  messages: Map<string, number>;
  /** Recordings attached late. */
  late: number;
  stop(): void;
}

const MESSAGE_KINDS: Array<Partial<ActivityInput>> = [{ sms: 1 }, { voicemails: 1 }, { faxes: 1 }];

export function steadyTraffic(
  rc: RcSim,
  accountId: string,
  options: {
    scale: TimeScale;
    extensions: number;
    everyRealMs: number;
    /** Wall-clock time (performance.now()) after which nothing more happens. */
    until: number;
    lateEvery: number;
    lateRealMs: number;
    recordingSize: number;
  },
): Traffic {
  const users = userExtensionNumbers(options.extensions);
  const traffic: Traffic = {
    calls: new Map(),
    messages: new Map(),
    late: 0,
    stop: () => clearInterval(timer),
  };
  let tick = 0;
  const timer = setInterval(() => {
    if (performance.now() >= options.until) return;
    const n = tick++;
    const late = n % options.lateEvery === options.lateEvery - 1;
    const at = rc.now();
    const call = rc.addActivity({
      accountId,
      extensionNumber: users[n % users.length]!,
      recordedCalls: 1,
      recordingSize: options.recordingSize,
      ...(late ? { lateRecordingDelaySeconds: options.lateRealMs / options.scale.factor / 1000 } : {}),
    });
    for (const c of call.calls) if (c.recordingId) traffic.calls.set(c.recordingId, at);
    if (late) traffic.late += 1;
    const message = rc.addActivity({
      accountId,
      extensionNumber: users[(n + 1) % users.length]!,
      ...MESSAGE_KINDS[n % MESSAGE_KINDS.length],
    });
    for (const m of message.messages) traffic.messages.set(m.id, at);
  }, options.everyRealMs / options.scale.factor);
  return traffic;
}
