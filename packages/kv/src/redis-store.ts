import { createClient, ErrorReply } from "redis";
import { KeyValueUnavailableError } from "./errors.ts";
import type { KeyValueLogger, KeyValueStore } from "./types.ts";
import { checkKey, checkWrite, positiveInteger } from "./validation.ts";

/** Options of {@link createRedisKeyValueStore}. */
export interface RedisKeyValueStoreOptions {
  /** `redis[s]://[[user][:password]@]host[:port][/db]`. */
  readonly url: string;
  /** Namespace prepended to every key, e.g. "tgbot:". Default "". */
  readonly prefix?: string;
  /** Told about connection errors, once per outage. */
  readonly logger?: KeyValueLogger;
  /** Bound on one TCP connect (and TLS handshake) attempt. Default 1_000 ms. */
  readonly connectTimeoutMs?: number;
  /** Bound on one command's round trip on a connection that went silent. Default 1_000 ms. */
  readonly commandTimeoutMs?: number;
  /** CLIENT SETNAME, so the connection can be told apart in CLIENT LIST. */
  readonly clientName?: string;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 1_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 1_000;
/** Longest pause between reconnect attempts: how late we notice Redis is back. */
const MAX_RECONNECT_DELAY_MS = 2_000;

/** Exponential backoff with jitter, never giving up: Redis restarts must heal by themselves. */
function reconnectDelay(retries: number): number {
  return Math.min(50 * 2 ** Math.min(retries, 10), MAX_RECONNECT_DELAY_MS) + Math.floor(Math.random() * 50);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A {@link KeyValueStore} on Redis (>= 6.2 for GETDEL), shared by every process of
 * the bot. It connects in the background and keeps reconnecting; it never throws
 * into the event loop. While Redis is unreachable, operations reject quickly with
 * {@link KeyValueUnavailableError} instead of queueing: the offline queue is off,
 * connects and commands are time-bounded. Server error replies (a bug, or an old
 * Redis without GETDEL) are rethrown as they are.
 *
 * @throws when `url` cannot be parsed; RangeError when a timeout is not a positive integer.
 */
export function createRedisKeyValueStore(options: RedisKeyValueStoreOptions): KeyValueStore {
  const prefix = options.prefix ?? "";
  const connectTimeout = positiveInteger(
    "connectTimeoutMs",
    options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
  );
  const commandTimeout = positiveInteger(
    "commandTimeoutMs",
    options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
  );
  const client = createClient({
    url: options.url,
    ...(options.clientName === undefined ? {} : { name: options.clientName }),
    // Reject commands while disconnected instead of holding them until Redis is
    // back: a rate-limit check must not stall a Telegram update for minutes.
    disableOfflineQueue: true,
    // A connection that goes silent (no RST) would otherwise hold commands forever.
    commandOptions: { timeout: commandTimeout },
    socket: { connectTimeout, reconnectStrategy: reconnectDelay },
  });

  // Without an 'error' listener the EventEmitter would throw and crash the
  // process on every failed (re)connect. Log once per outage, not per retry.
  // The last connection error is quoted in operation errors: the client's own
  // rejection while disconnected only says "The client is offline".
  let lastConnectionError: unknown;
  client.on("error", (error: unknown) => {
    const inOutage = lastConnectionError !== undefined;
    lastConnectionError = error;
    if (inOutage) return;
    options.logger?.warn(
      { err: error },
      "key-value store: Redis connection failed; operations fail until it reconnects",
    );
  });
  client.on("ready", () => {
    lastConnectionError = undefined;
  });

  // Operations issued right after start wait for the first connect attempt to
  // end (either way), so a healthy boot does not fail its first commands; the
  // timer bounds that wait even if the attempt never reports.
  let endFirstAttempt: () => void = () => {};
  const firstAttempt = new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      // Reached when the server accepts connections but never completes the handshake.
      options.logger?.warn({}, "key-value store: Redis is not ready yet; operations fail until it is");
      endFirstAttempt();
    }, connectTimeout + commandTimeout);
    timer.unref();
    endFirstAttempt = () => {
      clearTimeout(timer);
      client.off("ready", endFirstAttempt);
      client.off("error", endFirstAttempt);
      resolve();
    };
    client.on("ready", endFirstAttempt);
    client.on("error", endFirstAttempt);
  });
  // connect() resolves once ready and rejects only when the client is closed
  // meanwhile (the reconnect strategy never gives up); failures go to 'error'.
  client.connect().catch(() => {});

  let closed = false;
  async function run<T>(operation: string, command: () => Promise<T>): Promise<T> {
    if (!closed) await firstAttempt;
    if (closed) throw new KeyValueUnavailableError(`key-value store ${operation}: the store is closed`);
    try {
      return await command();
    } catch (error) {
      // A reply error means Redis is up and refused this command: not an outage.
      if (error instanceof ErrorReply) throw error;
      const last =
        lastConnectionError === undefined ? "" : ` (last connection error: ${message(lastConnectionError)})`;
      throw new KeyValueUnavailableError(
        `key-value store ${operation}: Redis unavailable: ${message(error)}${last}`,
        { cause: error },
      );
    }
  }

  return {
    async setIfAbsent(key, value, ttlMs) {
      checkWrite(key, ttlMs);
      const reply = await run("setIfAbsent", () =>
        client.set(prefix + key, value, { condition: "NX", expiration: { type: "PX", value: ttlMs } }),
      );
      return reply !== null;
    },
    async set(key, value, ttlMs) {
      checkWrite(key, ttlMs);
      await run("set", () => client.set(prefix + key, value, { expiration: { type: "PX", value: ttlMs } }));
    },
    async get(key) {
      checkKey(key);
      return run("get", () => client.get(prefix + key));
    },
    async take(key) {
      checkKey(key);
      return run("take", () => client.getDel(prefix + key));
    },
    async delete(key) {
      checkKey(key);
      await run("delete", () => client.del(prefix + key));
    },
    async close() {
      if (closed) return;
      closed = true;
      endFirstAttempt();
      // close() lets in-flight commands finish, then disconnects. When not
      // connected there is nothing to drain and destroy() stops the reconnect loop.
      if (client.isReady) await client.close();
      else client.destroy();
    },
  };
}
