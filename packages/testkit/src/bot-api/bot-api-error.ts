import type { ResponseParameters } from "@grammyjs/types";

/**
 * An error answer of the fake Bot API. Method handlers throw it; the server turns it into
 * `{ ok: false, error_code, description, parameters? }` with `error_code` as the HTTP status,
 * exactly as Telegram does.
 */
export class BotApiError extends Error {
  /** The `description` field, worded as Telegram words it (e.g. "Bad Request: chat not found"). */
  readonly description: string;
  /** The `error_code` field and HTTP status. */
  readonly code: number;
  /** The optional `parameters` field (`retry_after`, `migrate_to_chat_id`). */
  readonly parameters: ResponseParameters | undefined;

  constructor(description: string, code = 400, parameters?: ResponseParameters) {
    super(description);
    this.name = "BotApiError";
    this.description = description;
    this.code = code;
    this.parameters = parameters;
  }
}

/** Shorthand for the most common error: HTTP 400 with a `Bad Request: ...` description. */
export function badRequest(reason: string): BotApiError {
  return new BotApiError(`Bad Request: ${reason}`, 400);
}

/** HTTP 403 with a `Forbidden: ...` description, e.g. "bot was blocked by the user". */
export function forbidden(reason: string): BotApiError {
  return new BotApiError(`Forbidden: ${reason}`, 403);
}
