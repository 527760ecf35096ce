import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "@bot/config";
import { type ThreadKey, threadStream } from "@bot/domain";
import { createLogger, createMetrics } from "@bot/observability";
import { type Infrastructure, openInfrastructure } from "@bot/platform";
import type { FakeAnthropic, FakeBotApi, RecordedAnthropicRequest, RecordedCall } from "@bot/testkit";
import type { MessageEntity } from "@grammyjs/types";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const replayScript = join(root, "scripts", "src", "replay-thread.ts");

/** A `sendMessage` (or other) call's chat, as a number. */
export function chatOf(call: RecordedCall): number {
  return Number(call.params.chat_id);
}

/** The answered calls of `method` to `chatId` that Telegram accepted, in order. */
export function okCalls(telegram: FakeBotApi, method: string, chatId: number): RecordedCall[] {
  return telegram.calls(method).filter((call) => chatOf(call) === chatId && call.response.ok === true);
}

/** The text of a successful sendMessage/editMessageText call. */
export function textOf(call: RecordedCall): string {
  return String(call.params.text ?? "");
}

/** The entities a call sent (none: []). */
export function entitiesOf(call: RecordedCall): MessageEntity[] {
  const entities = call.params.entities;
  return Array.isArray(entities) ? (entities as MessageEntity[]) : [];
}

/** The message a successful sendMessage call created (its id, for replies and callbacks). */
export function messageIdOf(call: RecordedCall): number {
  return Number((call.response.result as { message_id: number }).message_id);
}

/** Waits for the `count`-th accepted sendMessage to `chatId` (1-based) and returns it. */
export async function nthSent(
  telegram: FakeBotApi,
  chatId: number,
  count: number,
  timeoutMs = 20_000,
): Promise<RecordedCall> {
  await waitUntil(
    () => okCalls(telegram, "sendMessage", chatId).length >= count,
    timeoutMs,
    () => {
      const sent = okCalls(telegram, "sendMessage", chatId).map(textOf);
      return `sendMessage #${count} to ${chatId}; sent so far: ${JSON.stringify(sent)}`;
    },
  );
  return okCalls(telegram, "sendMessage", chatId)[count - 1] as RecordedCall;
}

/** Waits for an accepted sendMessage to `chatId` whose text satisfies `test`. */
export async function sentMatching(
  telegram: FakeBotApi,
  chatId: number,
  test: (text: string) => boolean,
  timeoutMs = 20_000,
): Promise<RecordedCall> {
  return telegram.waitFor(
    (call) =>
      call.method === "sendMessage" &&
      call.response.ok === true &&
      chatOf(call) === chatId &&
      test(textOf(call)),
    timeoutMs,
  );
}

/** Polls `condition` every 25 ms until it holds; fails with `describe()` after `timeoutMs`. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  describe: () => string = () => "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${describe()}`);
    await sleep(25);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The `POST /v1/messages` requests (count_tokens requests left out). */
export function messageRequests(anthropic: FakeAnthropic): RecordedAnthropicRequest[] {
  return anthropic.requests.filter((request) => request.path === "/v1/messages");
}

/** Waits for the `count`-th `POST /v1/messages` request (1-based). */
export async function nthRequest(
  anthropic: FakeAnthropic,
  count: number,
  timeoutMs = 20_000,
): Promise<RecordedAnthropicRequest> {
  await waitUntil(
    () => messageRequests(anthropic).length >= count,
    timeoutMs,
    () => {
      return `model request #${count}; got ${messageRequests(anthropic).length}`;
    },
  );
  return messageRequests(anthropic)[count - 1] as RecordedAnthropicRequest;
}

/** A text block of a request, as the API receives it. */
export interface RequestTextBlock {
  readonly type: string;
  readonly text?: string;
  readonly cache_control?: { readonly type: string; readonly ttl?: string };
}

/** A message of a request body. */
export interface RequestMessage {
  readonly role: "user" | "assistant";
  readonly content: readonly RequestTextBlock[];
}

/** The messages of a request body. */
export function requestMessages(request: RecordedAnthropicRequest): RequestMessage[] {
  return (request.body.messages ?? []) as RequestMessage[];
}

/** The system blocks of a request body. */
export function requestSystem(request: RecordedAnthropicRequest): RequestTextBlock[] {
  return (request.body.system ?? []) as RequestTextBlock[];
}

/** The text of a message: its text blocks joined. */
export function messageText(message: RequestMessage): string {
  return message.content.map((block) => block.text ?? "").join("");
}

/** The sendMessageDraft calls Telegram accepted for `chatId`, in order. */
export function draftCalls(telegram: FakeBotApi, chatId: number): RecordedCall[] {
  return okCalls(telegram, "sendMessageDraft", chatId);
}

/** Waits until the chat has a draft with at least `minLength` characters of text; returns that call. */
export async function draftWithText(
  telegram: FakeBotApi,
  chatId: number,
  minLength = 1,
  timeoutMs = 20_000,
): Promise<RecordedCall> {
  return telegram.waitFor(
    (call) =>
      call.method === "sendMessageDraft" &&
      call.response.ok === true &&
      chatOf(call) === chatId &&
      textOf(call).length >= minLength,
    timeoutMs,
  );
}

/** A Prometheus sample from the bot's ops server (0 when absent). */
export async function metricValue(opsUrl: string, name: string): Promise<number> {
  const response = await fetch(new URL("/metrics", opsUrl));
  const body = await response.text();
  let total = 0;
  for (const line of body.split("\n")) {
    if (line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match?.[1] === name) total += Number(match[3]);
  }
  return total;
}

/** One event of a replayed thread. */
export interface ReplayedEvent {
  readonly type: string;
  readonly data: Record<string, unknown>;
}

function storeFreeEnv(dataDir: string): NodeJS.ProcessEnv {
  const { DATABASE_URL: _d, EVENTSTORE_URL: _e, ...rest } = process.env;
  return { ...rest, DATA_DIR: dataDir, LOG_LEVEL: "silent" };
}

/**
 * The events of a thread, read from a stopped bot's data directory: with
 * `pnpm replay-thread --json` when the script exists, else by opening the store
 * directly. The bot must not be running (PGlite is single-process).
 */
export async function replayThread(dataDir: string, key: ThreadKey): Promise<ReplayedEvent[]> {
  if (existsSync(replayScript)) return replayWithScript(dataDir, key);
  return readStreamEvents(dataDir, threadStream(key));
}

async function replayWithScript(dataDir: string, key: ThreadKey): Promise<ReplayedEvent[]> {
  const target = `${key.chatId}/${key.topicId ?? 0}/${key.userId}`;
  const child = spawn(process.execPath, ["--import", "tsx", replayScript, "--json", "--full", "--", target], {
    cwd: root,
    env: storeFreeEnv(dataDir),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out: string[] = [];
  const err: string[] = [];
  child.stdout.on("data", (chunk) => out.push(String(chunk)));
  child.stderr.on("data", (chunk) => err.push(String(chunk)));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`replay-thread ${target} exited with ${code}: ${err.join("")}`);
  const parsed = JSON.parse(out.join("")) as { events: ReplayedEvent[] };
  return parsed.events;
}

/**
 * The events of any stream (a user's account, the settings), read by opening a
 * stopped bot's store directly. The bot must not be running (PGlite is single-process).
 */
export async function readStreamEvents(dataDir: string, stream: string): Promise<ReplayedEvent[]> {
  return withStoppedBotStore(dataDir, async (infrastructure) => {
    const events: ReplayedEvent[] = [];
    for await (const event of infrastructure.store.readStream(stream)) {
      events.push({ type: event.type, data: event.data as unknown as Record<string, unknown> });
    }
    return events;
  });
}

/** A user's balance in the balances read model of a stopped bot, nano-USD. */
export async function readModelBalance(dataDir: string, userId: number): Promise<bigint | null> {
  return withStoppedBotStore(dataDir, async (infrastructure) => {
    const { rows } = await infrastructure.readModels.query<{ balance: string }>(
      "SELECT balance_nano::text AS balance FROM balances.accounts WHERE user_id = $1",
      [userId],
    );
    return rows[0] ? BigInt(rows[0].balance) : null;
  });
}

async function withStoppedBotStore<T>(
  dataDir: string,
  work: (infrastructure: Infrastructure) => Promise<T>,
): Promise<T> {
  const config = loadConfig({ env: storeFreeEnv(dataDir), cwd: root });
  const logger = createLogger({ level: "silent", pretty: false, name: "e2e-replay" });
  const infrastructure = await openInfrastructure(config, {
    logger,
    metrics: createMetrics({ defaultMetrics: false }),
    applicationName: "e2e-replay",
  });
  try {
    return await work(infrastructure);
  } finally {
    await infrastructure.close();
  }
}

/** The thread key of a private chat with `userId`. */
export function privateThread(userId: number): ThreadKey {
  return { chatId: userId, topicId: null, userId };
}

/** Awaits `promise`; if it fails, the error carries the bot's latest warnings and errors. */
export async function withBotLogs<T>(logs: readonly string[], promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    const tail = logs
      .filter((line) => /"level":"(warn|error|fatal)"|^stderr: /.test(line))
      .slice(-20)
      .join("\n");
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${message}\nthe bot's latest warnings and errors:\n${tail || "(none)"}`);
  }
}
