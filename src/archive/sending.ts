/**
 * A put's two moments (see PutOptions.onSent): `sent`, once its bytes are all in the destination
 * and it waits only for its commit batch — or once it has ended sooner, failing with its error —
 * and `done`, once it is committed. A caller with nothing more to send flushes the destination after
 * the last `sent`, instead of waiting for the batch to fill.
 */
export function trackSending<T>(start: (onSent: () => void) => Promise<T>): {
  sent: Promise<void>;
  done: Promise<T>;
} {
  const sent = Promise.withResolvers<void>();
  const done = start(sent.resolve);
  return { sent: Promise.race([sent.promise, done.then(() => undefined)]), done };
}
