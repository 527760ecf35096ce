/** When one write of a key expires; `seq` tells a current write from an overwritten one. */
export interface Expiry {
  readonly key: string;
  readonly expiresAt: number;
  readonly seq: number;
}

/**
 * A binary min-heap of expiries, soonest first. The memory store keeps it next to
 * its map so both "sweep what has expired" and "evict the entry expiring soonest"
 * cost O(log n) per entry instead of a scan of up to `maxEntries` entries.
 * Overwritten and deleted keys leave stale items behind; the owner skips them
 * (by `seq`) and rebuilds the heap when they pile up.
 */
export class ExpiryHeap {
  #items: Expiry[] = [];

  get size(): number {
    return this.#items.length;
  }

  peek(): Expiry | undefined {
    return this.#items[0];
  }

  push(item: Expiry): void {
    this.#items.push(item);
    this.#up(this.#items.length - 1);
  }

  pop(): Expiry | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (top !== undefined && last !== undefined && items.length > 0) {
      items[0] = last;
      this.#down(0);
    }
    return top;
  }

  /** Replaces the contents with `items` in O(n) (Floyd's heapify). */
  rebuild(items: Iterable<Expiry>): void {
    this.#items = [...items];
    for (let i = (this.#items.length >> 1) - 1; i >= 0; i--) this.#down(i);
  }

  clear(): void {
    this.#items = [];
  }

  #less(a: number, b: number): boolean {
    return (this.#items[a]?.expiresAt ?? 0) < (this.#items[b]?.expiresAt ?? 0);
  }

  #swap(a: number, b: number): void {
    const items = this.#items;
    [items[a], items[b]] = [items[b] as Expiry, items[a] as Expiry];
  }

  #up(index: number): void {
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #down(index: number): void {
    const length = this.#items.length;
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < length && this.#less(left, smallest)) smallest = left;
      if (right < length && this.#less(right, smallest)) smallest = right;
      if (smallest === i) return;
      this.#swap(i, smallest);
      i = smallest;
    }
  }
}
