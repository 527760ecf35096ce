import { createServer, type Server, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { createClient } from "redis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createRedisKeyValueStore,
  type KeyValueStore,
  KeyValueUnavailableError,
  type RedisKeyValueStoreOptions,
} from "../src/index.ts";
import { dropNamespace, runNamespace, testRedisUrl } from "./support/redis.ts";

const opened: KeyValueStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

function open(options: RedisKeyValueStoreOptions): KeyValueStore {
  const store = createRedisKeyValueStore(options);
  opened.push(store);
  return store;
}

/** Runs `operation` and returns how long it took to reject, and with what. */
async function rejection(operation: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  try {
    await operation();
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
  throw new Error("expected the operation to reject, it resolved");
}

async function expectUnavailableQuickly(store: KeyValueStore): Promise<void> {
  const results = await Promise.all([
    rejection(() => store.setIfAbsent("k", "v", 1_000)),
    rejection(() => store.set("k", "v", 1_000)),
    rejection(() => store.get("k")),
    rejection(() => store.take("k")),
    rejection(() => store.delete("k")),
  ]);
  for (const { error, ms } of results) {
    expect(error).toBeInstanceOf(KeyValueUnavailableError);
    expect((error as Error).name).toBe("KeyValueUnavailableError");
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(ms).toBeLessThan(2_500);
  }
}

describe("given invalid Redis store options", () => {
  it("when the URL is not a redis URL, then creating the store throws", () => {
    expect(() => createRedisKeyValueStore({ url: "http://127.0.0.1:6379" })).toThrow();
  });

  it.each([{ connectTimeoutMs: 0 }, { commandTimeoutMs: -5 }, { commandTimeoutMs: 0.5 }])(
    "when the store is created with %o, then it throws RangeError",
    (timeouts) => {
      expect(() => createRedisKeyValueStore({ url: "redis://127.0.0.1:1", ...timeouts })).toThrow(RangeError);
    },
  );
});

// These need no Redis server: they are about the absence of one.
describe("given a Redis URL where nothing listens", () => {
  it("when operations run, then each rejects with KeyValueUnavailableError within a couple of seconds, again and again", async () => {
    const warn = vi.fn();
    const store = open({ url: "redis://127.0.0.1:1", logger: { warn } });
    await expectUnavailableQuickly(store);
    await sleep(300); // a few reconnect attempts later
    await expectUnavailableQuickly(store);
    expect(warn).toHaveBeenCalledTimes(1); // once per outage, not per reconnect attempt
    expect(warn.mock.calls[0]?.[0]).toHaveProperty("err");
    // The client's own rejection says only "offline"; the message names the real cause.
    await expect(store.get("k")).rejects.toThrow(/ECONNREFUSED/);
  });

  it("when the store is closed after failing, then close resolves and later operations still reject", async () => {
    const store = createRedisKeyValueStore({ url: "redis://127.0.0.1:1" });
    await expect(store.get("k")).rejects.toBeInstanceOf(KeyValueUnavailableError);
    await expect(store.close()).resolves.toBeUndefined();
    await expect(store.get("k")).rejects.toBeInstanceOf(KeyValueUnavailableError);
    await expect(store.close()).resolves.toBeUndefined();
  });

  it("when the store is closed right away, then close resolves", async () => {
    const store = createRedisKeyValueStore({ url: "redis://127.0.0.1:1" });
    await expect(store.close()).resolves.toBeUndefined();
  });
});

describe("given a server that accepts connections but never answers", () => {
  let server: Server;
  const sockets: Socket[] = [];
  let url: string;
  beforeAll(async () => {
    server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    url = `redis://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("when operations run, then they reject with KeyValueUnavailableError instead of hanging", async () => {
    const warn = vi.fn();
    const store = open({ url, connectTimeoutMs: 300, commandTimeoutMs: 300, logger: { warn } });
    await expectUnavailableQuickly(store);
    expect(warn).toHaveBeenCalledWith({}, expect.stringMatching(/not ready/));
  });
});

const url = testRedisUrl();

describe.runIf(url)("given a Redis server (REDIS_URL)", () => {
  const namespace = runNamespace();
  const raw = createClient({ url: url as string });
  beforeAll(async () => {
    await raw.connect();
  });
  afterAll(async () => {
    await raw.close();
    await dropNamespace(url as string, namespace);
  });

  it("when a key is set, then the server holds it under the prefix with a PX expiry", async () => {
    const store = open({ url: url as string, prefix: `${namespace}p:` });
    await store.set("pending:1", "stars", 10_000);
    expect(await raw.get(`${namespace}p:pending:1`)).toBe("stars");
    const ttl = await raw.pTTL(`${namespace}p:pending:1`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10_000);
    expect(await raw.exists("pending:1")).toBe(0);
  });

  it("when the key holds another type, then the server's error surfaces as is, not as unavailable", async () => {
    const store = open({ url: url as string, prefix: `${namespace}t:` });
    await raw.hSet(`${namespace}t:hash`, "field", "value");
    const error = await store.get("hash").catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(KeyValueUnavailableError);
    expect((error as Error).message).toMatch(/WRONGTYPE/);
  });

  it("when its connection is killed, then operations fail fast meanwhile and work again after the reconnect", async () => {
    const warn = vi.fn();
    const clientName = `kvtest-${process.pid}-${Date.now()}`;
    const store = open({ url: url as string, prefix: `${namespace}r:`, clientName, logger: { warn } });
    await store.set("k", "before", 60_000);
    const list = await raw.clientList();
    const victim = list.find((client) => client.name === clientName);
    expect(victim).toBeDefined();
    await raw.clientKill({ filter: "ID", id: Number(victim?.id) });

    const deadline = Date.now() + 5_000;
    let value: string | null = null;
    while (Date.now() < deadline) {
      const started = performance.now();
      try {
        value = await store.get("k");
        break;
      } catch (error) {
        expect(error).toBeInstanceOf(KeyValueUnavailableError);
        expect(performance.now() - started).toBeLessThan(1_500);
        await sleep(50);
      }
    }
    expect(value).toBe("before");
    expect(warn.mock.calls.length).toBeLessThanOrEqual(1);
  });
});
