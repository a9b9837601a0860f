/**
 * @module deadlines
 * One timer for any number of deadlines: a min-heap of due times and a single clock
 * timer armed for the earliest. Waiting on 10,000 actions costs one timer.
 */
import type { Clock } from "../util/clock.js";

interface Entry {
  at: number;
  key: string;
  seq: number;
}

/** Schedules keyed deadlines on one {@link Clock} timer. */
export class DeadlineScheduler {
  readonly #clock: Clock;
  readonly #onDue: (key: string) => void;
  readonly #heap: Entry[] = [];
  /** Live entry sequence numbers per key; entries not in here are stale (lazily dropped). */
  readonly #live = new Map<string, Set<number>>();
  #seq = 0;
  #timer: unknown = undefined;
  #armedAt = Number.POSITIVE_INFINITY;

  /** `onDue(key)` is called once per scheduled deadline that was not cancelled. */
  constructor(clock: Clock, onDue: (key: string) => void) {
    this.#clock = clock;
    this.#onDue = onDue;
  }

  /** Adds a deadline for `key` at `at` (ms since epoch). A key may have several. */
  schedule(key: string, at: number): void {
    const entry: Entry = { at, key, seq: ++this.#seq };
    let set = this.#live.get(key);
    if (!set) {
      set = new Set();
      this.#live.set(key, set);
    }
    set.add(entry.seq);
    this.#push(entry);
    if (at < this.#armedAt) this.#arm();
  }

  /** Drops every deadline of `key`. */
  cancel(key: string): void {
    this.#live.delete(key);
  }

  /** Number of keys with at least one live deadline. */
  get size(): number {
    return this.#live.size;
  }

  /** Cancels everything and the timer. */
  clear(): void {
    this.#live.clear();
    this.#heap.length = 0;
    this.#disarm();
  }

  #arm(): void {
    this.#disarm();
    this.#dropStale();
    const top = this.#heap[0];
    if (!top) return;
    this.#armedAt = top.at;
    this.#timer = this.#clock.setTimeout(
      () => this.#fire(),
      Math.max(0, top.at - this.#clock.now()),
    );
  }

  #disarm(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
  }

  #fire(): void {
    this.#timer = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
    const now = this.#clock.now();
    const due: string[] = [];
    for (;;) {
      this.#dropStale();
      const top = this.#heap[0];
      if (!top || top.at > now) break;
      this.#pop();
      const set = this.#live.get(top.key);
      set?.delete(top.seq);
      if (set && set.size === 0) this.#live.delete(top.key);
      due.push(top.key);
    }
    this.#arm();
    for (const key of due) this.#onDue(key);
  }

  #isLive(entry: Entry): boolean {
    return this.#live.get(entry.key)?.has(entry.seq) ?? false;
  }

  #dropStale(): void {
    while (this.#heap.length > 0 && !this.#isLive(this.#heap[0]!)) this.#pop();
  }

  #push(entry: Entry): void {
    const h = this.#heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.at <= h[i]!.at) break;
      [h[parent], h[i]] = [h[i]!, h[parent]!];
      i = parent;
    }
  }

  #pop(): Entry | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]!.at < h[m]!.at) m = l;
        if (r < h.length && h[r]!.at < h[m]!.at) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }
}
