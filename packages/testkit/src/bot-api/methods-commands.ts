import type { BotCommand, BotCommandScope } from "@grammyjs/types";
import { badRequest } from "./bot-api-error.ts";
import type { MethodTable } from "./method-handler.ts";
import { optionalString, type RawParams } from "./param-checks.ts";

const COMMAND_NAME = /^[a-z0-9_]{1,32}$/;
const MAX_DESCRIPTION = 256;
const MAX_COMMANDS = 100;

/** setMyCommands, getMyCommands and deleteMyCommands, stored per scope and language. */
export const commandMethods: MethodTable = {
  setMyCommands: (params, { world }) => {
    const commands = readCommands(params);
    world.commands.set(commandKey(params), commands);
    return true;
  },

  getMyCommands: (params, { world }) => world.commands.get(commandKey(params)) ?? [],

  deleteMyCommands: (params, { world }) => {
    world.commands.delete(commandKey(params));
    return true;
  },
};

/** The storage key of a scope and language_code, e.g. "chat:-100123:|de". */
export function commandKey(params: RawParams): string {
  const scope = (params.scope ?? { type: "default" }) as Partial<BotCommandScope>;
  if (typeof scope !== "object" || scope === null || typeof scope.type !== "string") {
    throw badRequest("can't parse BotCommandScope JSON object");
  }
  const chatId = "chat_id" in scope ? String(scope.chat_id) : "";
  const userId = "user_id" in scope ? String(scope.user_id) : "";
  return `${scope.type}:${chatId}:${userId}|${optionalString(params, "language_code") ?? ""}`;
}

function readCommands(params: RawParams): BotCommand[] {
  // A request without `commands` sets an empty list (Telegram behaves the same).
  const value = params.commands ?? [];
  if (!Array.isArray(value)) throw badRequest("can't parse commands JSON object");
  if (value.length > MAX_COMMANDS) throw badRequest("too many commands specified");
  return value.map((item: unknown) => {
    if (typeof item !== "object" || item === null) throw badRequest("can't parse BotCommand JSON object");
    const { command, description } = item as { command?: unknown; description?: unknown };
    if (typeof command !== "string" || !COMMAND_NAME.test(command)) throw badRequest("BOT_COMMAND_INVALID");
    if (typeof description !== "string" || description.trim() === "") {
      throw badRequest("command description must be non-empty");
    }
    if (description.length > MAX_DESCRIPTION) throw badRequest("command description is too long");
    return { command, description };
  });
}
