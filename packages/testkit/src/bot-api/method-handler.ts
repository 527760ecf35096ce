import type { FakeBotApi } from "./fake-bot-api.ts";
import type { FakeWorld } from "./fake-world.ts";
import type { MethodName, MethodResult, UploadedFile } from "./types.ts";

/** What a method handler gets besides the request parameters. */
export interface HandlerContext {
  /** The method name as registered. */
  method: string;
  /** The fake's state: chats, messages, files, drafts, updates, webhook. */
  world: FakeWorld;
  /** The fake itself, e.g. to push an update in reaction to a call (pre_checkout_query). */
  fake: FakeBotApi;
  /** Files uploaded with this request, by multipart part name. */
  uploads: ReadonlyMap<string, UploadedFile>;
  /** Aborted when the client closes the connection (long polls must give up). */
  signal: AbortSignal;
}

/**
 * Implements one Bot API method: returns the `result`, or throws a `BotApiError` to answer
 * `{ ok: false, error_code, description, parameters }`. Parameters arrive parsed (see
 * `readRequestParams`) but unchecked: validate what Telegram validates.
 */
export type MethodHandler<R = unknown> = (
  params: Record<string, unknown>,
  ctx: HandlerContext,
) => R | Promise<R>;

/** Built-in handlers, typed by the Bot API result of each method. */
export type MethodTable = { [M in MethodName]?: MethodHandler<MethodResult<M>> };
