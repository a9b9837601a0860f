/**
 * @module finished-actions
 * A bounded memory of finished actions (oldest forgotten first), so a long-running
 * agent's memory does not grow without bound.
 */

/** Insertion-ordered map that keeps at most `capacity` entries. */
export class FinishedActions<T> {
  readonly #capacity: number;
  readonly #items = new Map<string, T>();

  /** @param capacity how many entries to keep */
  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
  }

  /** Remembers `value` under `id`, forgetting the oldest entry when full. */
  add(id: string, value: T): void {
    this.#items.delete(id);
    this.#items.set(id, value);
    if (this.#items.size > this.#capacity) {
      const oldest = this.#items.keys().next().value;
      if (oldest !== undefined) this.#items.delete(oldest);
    }
  }

  /** The remembered value, if any. */
  get(id: string): T | undefined {
    return this.#items.get(id);
  }

  /** Number of entries kept. */
  get size(): number {
    return this.#items.size;
  }
}
