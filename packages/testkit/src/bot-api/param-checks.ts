import type { InlineKeyboardMarkup, Message, MessageEntity, ReplyParameters } from "@grammyjs/types";
import { badRequest } from "./bot-api-error.ts";
import type { UserChat } from "./chat-directory.ts";
import { checkTextAndEntities } from "./entity-rules.ts";
import type { FakeWorld } from "./fake-world.ts";

/** The raw parameters of a request. */
export type RawParams = Record<string, unknown>;

/** Our bot formats with entities only; parse_mode support would hide mistakes in them. */
export function rejectParseMode(params: RawParams, name = "parse_mode"): void {
  const mode = params[name];
  if (mode !== undefined && mode !== null && mode !== "")
    throw badRequest("this fake supports entities only");
}

/** An optional integer parameter; numeric strings count, as Telegram accepts them. */
export function optionalInt(params: RawParams, name: string): number | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === "") return undefined;
  const number = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
  if (!Number.isInteger(number)) throw badRequest(`invalid ${name} specified`);
  return number;
}

/** A required integer parameter ("<name> is empty" when missing, as Telegram words it). */
export function requiredInt(params: RawParams, name: string): number {
  const value = optionalInt(params, name);
  if (value === undefined) throw badRequest(`${name} is empty`);
  return value;
}

/** An optional string parameter; numbers and booleans are stringified as Telegram does. */
export function optionalString(params: RawParams, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw badRequest(`can't parse ${name}: a string is expected`);
}

/** An optional boolean parameter. */
export function optionalBool(params: RawParams, name: string): boolean | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  return value === true || value === "true" || value === 1 || value === "1";
}

/** An entity list parameter (`entities`, `caption_entities`), shape-checked only; rules come later. */
export function optionalEntities(params: RawParams, name: string): MessageEntity[] | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === "object" && item !== null)) {
    throw badRequest(`can't parse entities: ${name} must be an Array of MessageEntity`);
  }
  return value as MessageEntity[];
}

/** Text with entities as Telegram validates it (see {@link checkTextAndEntities}). */
export function checkText(
  text: string,
  entities: MessageEntity[] | undefined,
  limit?: number,
  allowEmpty?: boolean,
): void {
  const problem = checkTextAndEntities(text, entities, limit, allowEmpty);
  if (problem !== null) throw badRequest(problem.replace(/^Bad Request: /, ""));
}

/** callback_data is limited to 64 bytes (UTF-8), not characters. */
const MAX_CALLBACK_DATA_BYTES = 64;

/**
 * `reply_markup`: an inline keyboard is validated (every button needs an action,
 * callback_data 1-64 bytes) and returned to be stored with the message; other keyboards are
 * accepted but are not part of a Message.
 */
export function optionalInlineKeyboard(params: RawParams): InlineKeyboardMarkup | undefined {
  const markup = params.reply_markup;
  if (markup === undefined || markup === null) return undefined;
  if (typeof markup !== "object") throw badRequest("can't parse reply keyboard markup JSON object");
  if (!("inline_keyboard" in markup)) return undefined;
  const rows = markup.inline_keyboard;
  if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
    throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
  }
  for (const button of rows.flat() as unknown[]) {
    if (
      typeof button !== "object" ||
      button === null ||
      typeof (button as { text?: unknown }).text !== "string"
    ) {
      throw badRequest("can't parse inline keyboard button: Text must be a String");
    }
    const actions = Object.keys(button).filter(
      (key) => !["text", "icon_custom_emoji_id", "style"].includes(key),
    );
    if (actions.length === 0) throw badRequest("text buttons are unallowed in the inline keyboard");
    const data = (button as { callback_data?: unknown }).callback_data;
    if (data !== undefined) {
      const bytes = typeof data === "string" ? Buffer.byteLength(data, "utf8") : 0;
      if (bytes < 1 || bytes > MAX_CALLBACK_DATA_BYTES) throw badRequest("BUTTON_DATA_INVALID");
    }
  }
  return markup as InlineKeyboardMarkup;
}

/**
 * The message `reply_parameters` (or the deprecated `reply_to_message_id`) points at in this
 * chat; "message to be replied not found" unless `allow_sending_without_reply`.
 */
export function replyTarget(world: FakeWorld, chat: UserChat, params: RawParams): Message | undefined {
  const parameters = params.reply_parameters as ReplyParameters | undefined;
  const messageId =
    parameters !== undefined && typeof parameters === "object"
      ? optionalInt(parameters as RawParams, "message_id")
      : optionalInt(params, "reply_to_message_id");
  if (messageId === undefined) return undefined;
  const otherChat = parameters?.chat_id;
  const target = otherChat === undefined ? chat : world.chats.resolve(otherChat);
  const found = world.messages.get(target.id, messageId)?.message;
  if (found === undefined && parameters?.allow_sending_without_reply !== true) {
    throw badRequest("message to be replied not found");
  }
  // Replies across chats become `external_reply`, which the fake does not model.
  return target.id === chat.id ? found : undefined;
}
