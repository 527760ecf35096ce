import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { createClient } from "redis";
import { createRedisKeyValueStore, type RedisKeyValueStoreOptions } from "../../src/index.ts";
import type { KeyValueHarness } from "../../src/testing.ts";

/** REDIS_URL when set and non-empty; Redis suites run only then (CI sets it). */
export function testRedisUrl(): string | undefined {
  const url = process.env.REDIS_URL?.trim();
  return url ? url : undefined;
}

/** A namespace unique to this run, so parallel runs on one server never collide. */
export function runNamespace(): string {
  return `kvtest:${process.pid}:${randomUUID().slice(0, 8)}:`;
}

/** Deletes every key under `namespace`. */
export async function dropNamespace(url: string, namespace: string): Promise<void> {
  const raw = createClient({ url });
  await raw.connect();
  try {
    for await (const keys of raw.scanIterator({ MATCH: `${namespace}*`, COUNT: 500 })) {
      if (keys.length > 0) await raw.del(keys);
    }
  } finally {
    await raw.close();
  }
}

/** Contract harness on a real server: each store gets its own prefix; time passes for real. */
export function redisHarness(
  url: string,
  options: Omit<RedisKeyValueStoreOptions, "url" | "prefix"> = {},
): KeyValueHarness {
  const namespace = runNamespace();
  let next = 0;
  return {
    shortTtlMs: 150,
    async open() {
      next++;
      return createRedisKeyValueStore({ ...options, url, prefix: `${namespace}${next}:` });
    },
    async elapse(ms) {
      await sleep(ms);
    },
    dispose: () => dropNamespace(url, namespace),
  };
}
