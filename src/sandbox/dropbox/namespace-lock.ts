/**
 * Dropbox serializes writes per namespace: a commit that arrives while another is running in the
 * same account fails with `too_many_write_operations` instead of waiting. This is that lock.
 */
export class NamespaceLocks {
  readonly #held = new Set<string>();

  /** A release function, or null when the namespace is busy. */
  tryAcquire(namespaceKey: string): (() => void) | null {
    if (this.#held.has(namespaceKey)) return null;
    this.#held.add(namespaceKey);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#held.delete(namespaceKey);
    };
  }

  isHeld(namespaceKey: string): boolean {
    return this.#held.has(namespaceKey);
  }
}
