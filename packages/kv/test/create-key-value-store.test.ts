import { createClient } from "redis";
import { afterEach, describe, expect, it } from "vitest";
import { createKeyValueStore, type KeyValueStore, KeyValueUnavailableError } from "../src/index.ts";
import { dropNamespace, runNamespace, testRedisUrl } from "./support/redis.ts";

const opened: KeyValueStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

function open(options: Parameters<typeof createKeyValueStore>[0]): KeyValueStore {
  const store = createKeyValueStore(options);
  opened.push(store);
  return store;
}

describe("given no Redis URL", () => {
  it.each([{}, { redisUrl: undefined }, { redisUrl: "" }, { redisUrl: "  " }])(
    "when the store is created from %o, then it is the in-memory store",
    async (options) => {
      const store = open({ ...options, prefix: "tgbot:" });
      expect(store).toHaveProperty("sweep");
      expect(await store.setIfAbsent("k", "v", 1_000)).toBe(true);
    },
  );
});

describe("given a Redis URL", () => {
  it("when the store is created, then it talks to Redis (here: unreachable, so it rejects as unavailable)", async () => {
    const store = open({ redisUrl: "redis://127.0.0.1:1" });
    expect(store).not.toHaveProperty("sweep");
    await expect(store.get("k")).rejects.toBeInstanceOf(KeyValueUnavailableError);
  });

  const url = testRedisUrl();
  it.runIf(url)("when REDIS_URL points at a server, then keys land there under the prefix", async () => {
    const namespace = runNamespace();
    const store = open({ redisUrl: url as string, prefix: namespace });
    await store.set("k", "v", 10_000);
    const raw = createClient({ url: url as string });
    await raw.connect();
    try {
      expect(await raw.get(`${namespace}k`)).toBe("v");
    } finally {
      await raw.close();
      await dropNamespace(url as string, namespace);
    }
  });
});
