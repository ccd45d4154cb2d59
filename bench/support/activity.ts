import type { ActivityInput, ActivityResult, RcSim } from '../../src/sandbox/ringcentral/index.ts';

/**
 * New activity on many extensions of a simulated account. Extension numbers are 101 + index;
 * the simulator's default pattern makes most indexes ordinary users (the others are departments,
 * fax-only, IVR, voicemail-only and park locations), and only users get every kind of message.
 */
export function isUserIndex(i: number): boolean {
  const mod10 = i % 10;
  return (i === 0 || [0, 1, 2, 3, 5].includes(mod10)) && i % 20 !== 9 && i % 25 !== 24;
}

export function userExtensionNumbers(extensions: number): string[] {
  return Array.from({ length: extensions }, (_, i) => i)
    .filter(isUserIndex)
    .map((i) => String(101 + i));
}

export interface SpreadActivity {
  extensions: number;
  count: number;
  recordedCalls?: number;
  recordingSize?: number;
}

/** One kind of message on each of `count` users, spread evenly over the account, the kinds rotating. */
export function messagesOnUsers(rc: RcSim, accountId: string, options: SpreadActivity): ActivityResult[] {
  return Array.from({ length: options.count }, (_, n) => messageOnUser(rc, accountId, options, n));
}

/** The `n`th item of messagesOnUsers: a message, and on every so many a recorded call. */
export function messageOnUser(
  rc: RcSim,
  accountId: string,
  options: SpreadActivity,
  n: number,
): ActivityResult {
  const users = userExtensionNumbers(options.extensions);
  const step = Math.max(1, Math.floor(users.length / options.count));
  const kinds: Array<Partial<ActivityInput>> = [
    { voicemails: 1 },
    { sms: 1 },
    { mms: 1 },
    { faxes: 1 },
    { pager: 1 },
  ];
  const extensionNumber = users[(n * step) % users.length]!;
  // The recorded calls spread over the items too (every tenth of 400 for 40), so over time as well.
  const calls = options.recordedCalls ?? 0;
  const every = Math.max(1, Math.floor(options.count / Math.max(calls, 1)));
  const recorded = n % every === 0 && n / every < calls ? 1 : 0;
  return rc.addActivity({
    accountId,
    extensionNumber,
    ...kinds[n % kinds.length],
    recordedCalls: recorded,
    ...(recorded && options.recordingSize ? { recordingSize: options.recordingSize } : {}),
  });
}
