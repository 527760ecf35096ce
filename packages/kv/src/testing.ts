import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { KeyValueUnavailableError } from "./errors.ts";
import { createMemoryKeyValueStore } from "./memory-store.ts";
import type { KeyValueStore } from "./types.ts";

/** What {@link keyValueContract} needs from one adapter. */
export interface KeyValueHarness {
  /** Opens a store on a namespace no other store of this run uses. */
  open(): Promise<KeyValueStore>;
  /** Lets `ms` pass for the stores: advances an injected clock, or sleeps for a real server. */
  elapse(ms: number): Promise<void>;
  /** A TTL the backend honours reliably yet is quick to wait out. */
  readonly shortTtlMs: number;
  /** Runs once after the suite, e.g. to drop leftover keys. */
  dispose?(): Promise<void>;
}

/** Harness for the in-memory adapter: one fake clock shared by its stores, so nothing sleeps. */
export function memoryHarness(): KeyValueHarness {
  let clock = Date.UTC(2026, 0, 1);
  let next = 0;
  return {
    shortTtlMs: 1_000,
    async open() {
      next++;
      return createMemoryKeyValueStore({ prefix: `test:${next}:`, now: () => clock });
    },
    async elapse(ms) {
      clock += ms;
    },
  };
}

/**
 * The behaviour every {@link KeyValueStore} adapter must have. Each adapter's test
 * file calls this with its harness: the same assertions run in memory always and
 * against Redis when REDIS_URL is set.
 */
export function keyValueContract(name: string, createHarness: () => Promise<KeyValueHarness>): void {
  describe(`given a ${name} key-value store`, () => {
    let harness: KeyValueHarness;
    const opened: KeyValueStore[] = [];
    const open = async (): Promise<KeyValueStore> => {
      const store = await harness.open();
      opened.push(store);
      return store;
    };

    beforeAll(async () => {
      harness = await createHarness();
    });
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
    });
    afterAll(async () => {
      await harness?.dispose?.();
    });

    describe("given an absent key", () => {
      it("when it is read, taken or deleted, then get and take return null and delete succeeds", async () => {
        const store = await open();
        expect(await store.get("nothing")).toBeNull();
        expect(await store.take("nothing")).toBeNull();
        await expect(store.delete("nothing")).resolves.toBeUndefined();
      });

      it("when setIfAbsent runs twice, then only the first call sets it and the first value stays", async () => {
        const store = await open();
        expect(await store.setIfAbsent("limit:42", "first", 60_000)).toBe(true);
        expect(await store.setIfAbsent("limit:42", "second", 60_000)).toBe(false);
        expect(await store.get("limit:42")).toBe("first");
      });

      it("when many callers run setIfAbsent at once, then exactly one gets true", async () => {
        const store = await open();
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => store.setIfAbsent("race", `caller-${i}`, 60_000)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.get("race")).toBe(`caller-${results.indexOf(true)}`);
      });
    });

    describe("given a key set with a TTL", () => {
      it("when it is set again, then get returns the new value", async () => {
        const store = await open();
        await store.set("pending:7", "amount", 60_000);
        expect(await store.get("pending:7")).toBe("amount");
        await store.set("pending:7", "confirm", 60_000);
        expect(await store.get("pending:7")).toBe("confirm");
      });

      it("when setIfAbsent runs on it, then it is refused and the value is unchanged", async () => {
        const store = await open();
        await store.set("k", "v", 60_000);
        expect(await store.setIfAbsent("k", "other", 60_000)).toBe(false);
        expect(await store.get("k")).toBe("v");
      });

      it("when it is taken, then its value is returned once and the key is gone", async () => {
        const store = await open();
        await store.set("k", "v", 60_000);
        expect(await store.take("k")).toBe("v");
        expect(await store.take("k")).toBeNull();
        expect(await store.get("k")).toBeNull();
      });

      it("when many callers take it at once, then exactly one gets the value", async () => {
        const store = await open();
        await store.set("k", "only-once", 60_000);
        const taken = await Promise.all(Array.from({ length: 20 }, () => store.take("k")));
        expect(taken.filter((value) => value !== null)).toEqual(["only-once"]);
      });

      it("when it is deleted, then it is gone and setIfAbsent sets it again", async () => {
        const store = await open();
        await store.set("k", "v", 60_000);
        await store.delete("k");
        expect(await store.get("k")).toBeNull();
        expect(await store.setIfAbsent("k", "again", 60_000)).toBe(true);
      });

      it("when the value is empty or not ASCII, then it round-trips unchanged", async () => {
        const store = await open();
        await store.set("empty", "", 60_000);
        await store.set("unicode", "⭐ 50 Stars — ok", 60_000);
        expect(await store.get("empty")).toBe("");
        expect(await store.take("unicode")).toBe("⭐ 50 Stars — ok");
      });
    });

    describe("given a key whose TTL passes", () => {
      it("when it is read or taken, then it is absent", async () => {
        const store = await open();
        await store.set("a", "v", harness.shortTtlMs);
        await store.set("b", "v", harness.shortTtlMs);
        expect(await store.get("a")).toBe("v");
        await harness.elapse(harness.shortTtlMs * 2);
        expect(await store.get("a")).toBeNull();
        expect(await store.take("b")).toBeNull();
      });

      it("when setIfAbsent runs again, then it sets the key again (the once-per-period limit reopens)", async () => {
        const store = await open();
        expect(await store.setIfAbsent("limit", "1", harness.shortTtlMs)).toBe(true);
        expect(await store.setIfAbsent("limit", "2", harness.shortTtlMs)).toBe(false);
        await harness.elapse(harness.shortTtlMs * 2);
        expect(await store.setIfAbsent("limit", "3", harness.shortTtlMs)).toBe(true);
        expect(await store.get("limit")).toBe("3");
      });

      it("when a long-lived key was overwritten with a short TTL, then the short TTL applies", async () => {
        const store = await open();
        await store.set("k", "long", 60_000);
        await store.set("k", "short", harness.shortTtlMs);
        await harness.elapse(harness.shortTtlMs * 2);
        expect(await store.get("k")).toBeNull();
      });
    });

    describe("given two stores with different prefixes on the same backend", () => {
      it("when both use the same key, then neither sees nor changes the other's entry", async () => {
        const first = await open();
        const second = await open();
        await first.set("shared", "first", 60_000);
        expect(await second.get("shared")).toBeNull();
        expect(await second.setIfAbsent("shared", "second", 60_000)).toBe(true);
        expect(await second.take("shared")).toBe("second");
        await second.delete("shared");
        expect(await first.get("shared")).toBe("first");
      });
    });

    describe("given invalid arguments", () => {
      it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
        "when the TTL is %s, then set and setIfAbsent reject with RangeError",
        async (ttlMs) => {
          const store = await open();
          await expect(store.set("k", "v", ttlMs)).rejects.toBeInstanceOf(RangeError);
          await expect(store.setIfAbsent("k", "v", ttlMs)).rejects.toBeInstanceOf(RangeError);
          expect(await store.get("k")).toBeNull();
        },
      );

      it("when the key is empty, then every operation rejects with RangeError", async () => {
        const store = await open();
        await expect(store.set("", "v", 1_000)).rejects.toBeInstanceOf(RangeError);
        await expect(store.setIfAbsent("", "v", 1_000)).rejects.toBeInstanceOf(RangeError);
        await expect(store.get("")).rejects.toBeInstanceOf(RangeError);
        await expect(store.take("")).rejects.toBeInstanceOf(RangeError);
        await expect(store.delete("")).rejects.toBeInstanceOf(RangeError);
      });
    });

    describe("given a closed store", () => {
      it("when an operation runs, then it rejects with KeyValueUnavailableError, and closing again is fine", async () => {
        const store = await open();
        await store.set("k", "v", 60_000);
        await store.close();
        await expect(store.get("k")).rejects.toBeInstanceOf(KeyValueUnavailableError);
        await expect(store.setIfAbsent("k", "v", 60_000)).rejects.toBeInstanceOf(KeyValueUnavailableError);
        await expect(store.close()).resolves.toBeUndefined();
      });
    });
  });
}
