import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createMemoryKeyValueStore, type MemoryKeyValueStore } from "../src/index.ts";

const opened: MemoryKeyValueStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  vi.useRealTimers();
});

/** A memory store on a clock the test moves by hand. */
function storeWithClock(options: { maxEntries?: number; sweepIntervalMs?: number } = {}) {
  let clock = 1_000_000;
  const store = createMemoryKeyValueStore({ ...options, now: () => clock });
  opened.push(store);
  return {
    store,
    elapse(ms: number) {
      clock += ms;
    },
  };
}

describe("given an in-memory store bounded to three entries", () => {
  it("when a fourth key is written, then the entry expiring soonest is dropped", async () => {
    const { store } = storeWithClock({ maxEntries: 3 });
    await store.set("a", "1", 30_000);
    await store.set("b", "2", 10_000);
    await store.set("c", "3", 20_000);
    await store.set("d", "4", 5_000);
    expect(store.size).toBe(3);
    expect(await store.get("b")).toBeNull();
    expect([await store.get("a"), await store.get("c"), await store.get("d")]).toEqual(["1", "3", "4"]);
  });

  it("when it is full but some entries expired, then the expired go first and live entries stay", async () => {
    const { store, elapse } = storeWithClock({ maxEntries: 3 });
    await store.set("short", "1", 1_000);
    await store.set("long", "2", 60_000);
    await store.set("longer", "3", 90_000);
    elapse(2_000);
    expect(await store.setIfAbsent("new", "4", 1_000)).toBe(true);
    expect([await store.get("long"), await store.get("longer"), await store.get("new")]).toEqual([
      "2",
      "3",
      "4",
    ]);
  });

  it("when a held key is overwritten, then nothing is evicted", async () => {
    const { store } = storeWithClock({ maxEntries: 3 });
    await store.set("a", "1", 1_000);
    await store.set("b", "2", 2_000);
    await store.set("c", "3", 3_000);
    await store.set("a", "1b", 1_000);
    expect([await store.get("a"), await store.get("b"), await store.get("c")]).toEqual(["1b", "2", "3"]);
  });
});

describe("given an in-memory store after thousands of overwrites and deletes", () => {
  it("when it is full, then it still evicts the live entry expiring soonest (stale expiries are skipped)", async () => {
    const { store } = storeWithClock({ maxEntries: 2 });
    for (let i = 0; i < 5_000; i++) {
      await store.set("hot", String(i), 1 + (i % 7));
      await store.set(`gone-${i}`, "x", 1);
      await store.delete(`gone-${i}`);
    }
    await store.set("hot", "last", 50_000);
    await store.set("soon", "1", 10_000);
    await store.set("new", "2", 20_000);
    expect([await store.get("hot"), await store.get("soon"), await store.get("new")]).toEqual([
      "last",
      null,
      "2",
    ]);
  });
});

describe("given an in-memory store with expired entries", () => {
  it("when sweep runs, then exactly the expired entries are removed", async () => {
    const { store, elapse } = storeWithClock();
    await store.set("a", "1", 1_000);
    await store.set("b", "2", 1_000);
    await store.set("c", "3", 5_000);
    await store.set("a", "overwritten", 1_000);
    elapse(1_000);
    expect(store.size).toBe(3);
    expect(store.sweep()).toBe(2);
    expect(store.size).toBe(1);
    expect(await store.get("c")).toBe("3");
  });

  it("when the sweep interval passes, then the background sweep removes them", async () => {
    vi.useFakeTimers();
    const { store, elapse } = storeWithClock({ sweepIntervalMs: 5_000 });
    await store.set("a", "1", 1_000);
    elapse(2_000);
    expect(store.size).toBe(1);
    vi.advanceTimersByTime(5_000);
    expect(store.size).toBe(0);
  });
});

describe("given invalid memory store options", () => {
  it.each([{ maxEntries: 0 }, { maxEntries: 1.5 }, { sweepIntervalMs: -1 }])(
    "when the store is created with %o, then it throws RangeError",
    (options) => {
      expect(() => createMemoryKeyValueStore(options)).toThrow(RangeError);
    },
  );
});

type Op =
  | { kind: "set" | "setIfAbsent"; key: string; value: string; ttl: number }
  | { kind: "get" | "take" | "delete"; key: string }
  | { kind: "elapse"; ms: number };

const key = fc.constantFrom("a", "b", "c", "d");
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constantFrom("set" as const, "setIfAbsent" as const),
    key,
    value: fc.string({ maxLength: 3 }),
    ttl: fc.integer({ min: 1, max: 100 }),
  }),
  fc.record({ kind: fc.constantFrom("get" as const, "take" as const, "delete" as const), key }),
  fc.record({ kind: fc.constant("elapse" as const), ms: fc.integer({ min: 0, max: 150 }) }),
);

describe("given any sequence of operations and clock moves", () => {
  it("when run on an unbounded store and a naive model, then every result matches", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 60 }), async (ops) => {
        let clock = 0;
        const store = createMemoryKeyValueStore({ now: () => clock });
        const model = new Map<string, { value: string; expiresAt: number }>();
        const alive = (k: string) => {
          const entry = model.get(k);
          return entry !== undefined && entry.expiresAt > clock ? entry : undefined;
        };
        try {
          for (const o of ops) {
            if (o.kind === "elapse") {
              clock += o.ms;
            } else if (o.kind === "set") {
              await store.set(o.key, o.value, o.ttl);
              model.set(o.key, { value: o.value, expiresAt: clock + o.ttl });
            } else if (o.kind === "setIfAbsent") {
              const expected = alive(o.key) === undefined;
              if (expected) model.set(o.key, { value: o.value, expiresAt: clock + o.ttl });
              expect(await store.setIfAbsent(o.key, o.value, o.ttl)).toBe(expected);
            } else if (o.kind === "get") {
              expect(await store.get(o.key)).toBe(alive(o.key)?.value ?? null);
            } else if (o.kind === "take") {
              expect(await store.take(o.key)).toBe(alive(o.key)?.value ?? null);
              model.delete(o.key);
            } else {
              await store.delete(o.key);
              model.delete(o.key);
            }
          }
        } finally {
          await store.close();
        }
      }),
    );
  });

  it("when run on a store bounded to two entries, then it never holds more than two", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 60 }), async (ops) => {
        let clock = 0;
        const store = createMemoryKeyValueStore({ now: () => clock, maxEntries: 2 });
        try {
          for (const o of ops) {
            if (o.kind === "elapse") clock += o.ms;
            else if (o.kind === "set" || o.kind === "setIfAbsent") await store[o.kind](o.key, o.value, o.ttl);
            else await store[o.kind](o.key);
            expect(store.size).toBeLessThanOrEqual(2);
          }
        } finally {
          await store.close();
        }
      }),
    );
  });
});
