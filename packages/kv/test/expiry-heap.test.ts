import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Expiry, ExpiryHeap } from "../src/expiry-heap.ts";

const expiries = fc.array(
  fc.record({
    key: fc.string({ maxLength: 2 }),
    expiresAt: fc.integer({ min: 0, max: 1_000 }),
    seq: fc.nat(),
  }),
  { maxLength: 200 },
);

function drain(heap: ExpiryHeap): number[] {
  const out: number[] = [];
  for (let item = heap.pop(); item !== undefined; item = heap.pop()) out.push(item.expiresAt);
  return out;
}

const ascending = (items: readonly Expiry[]) => items.map((i) => i.expiresAt).sort((a, b) => a - b);

describe("given any expiries", () => {
  it("when pushed one by one and popped, then they come out soonest first", () => {
    fc.assert(
      fc.property(expiries, (items) => {
        const heap = new ExpiryHeap();
        for (const item of items) heap.push(item);
        expect(heap.size).toBe(items.length);
        expect(drain(heap)).toEqual(ascending(items));
      }),
    );
  });

  it("when rebuilt at once and popped, then they come out soonest first", () => {
    fc.assert(
      fc.property(expiries, (items) => {
        const heap = new ExpiryHeap();
        heap.rebuild(items);
        expect(drain(heap)).toEqual(ascending(items));
      }),
    );
  });
});
