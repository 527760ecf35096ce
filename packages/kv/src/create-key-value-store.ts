import { createMemoryKeyValueStore } from "./memory-store.ts";
import { createRedisKeyValueStore } from "./redis-store.ts";
import type { KeyValueLogger, KeyValueStore } from "./types.ts";

/** Options of {@link createKeyValueStore}. */
export interface CreateKeyValueStoreOptions {
  /** REDIS_URL. Set: Redis (production, several processes). Unset or empty: in memory (embedded mode). */
  readonly redisUrl?: string | undefined;
  /** Namespace prepended to every key, e.g. "tgbot:". */
  readonly prefix?: string;
  /** Told about Redis connection errors. */
  readonly logger?: KeyValueLogger;
}

/** The key-value store the configuration asks for: Redis when a URL is given, else in memory. */
export function createKeyValueStore(options: CreateKeyValueStoreOptions = {}): KeyValueStore {
  const { redisUrl, prefix, logger } = options;
  const common = { ...(prefix === undefined ? {} : { prefix }) };
  // An empty string counts as unset: `REDIS_URL=` in an env file means "no Redis".
  if (redisUrl === undefined || redisUrl.trim() === "") return createMemoryKeyValueStore(common);
  return createRedisKeyValueStore({ url: redisUrl, ...common, ...(logger === undefined ? {} : { logger }) });
}
