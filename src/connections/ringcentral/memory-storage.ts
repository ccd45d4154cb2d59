/**
 * A private Storage for one RingCentral SDK instance. By default every SDK instance in a process
 * shares one in-memory store (and one key prefix), so a second tenant's SDK would see the first
 * tenant's tokens; giving each instance its own storage makes that impossible.
 */
export class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();

  get length(): number {
    return this.items.size;
  }

  clear(): void {
    this.items.clear();
  }

  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }

  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }

  removeItem(key: string): void {
    this.items.delete(key);
  }

  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
}
