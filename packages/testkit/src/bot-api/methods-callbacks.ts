import { badRequest } from "./bot-api-error.ts";
import type { MethodTable } from "./method-handler.ts";
import { optionalString } from "./param-checks.ts";

const MAX_ANSWER_TEXT = 200;

/** answerCallbackQuery: each pushed query can be answered exactly once. */
export const callbackMethods: MethodTable = {
  answerCallbackQuery: (params, { world }) => {
    const id = optionalString(params, "callback_query_id") ?? "";
    if (!world.openCallbackQueries.has(id)) {
      throw badRequest("query is too old and response timeout expired or query ID is invalid");
    }
    const text = optionalString(params, "text");
    if (text !== undefined && text.length > MAX_ANSWER_TEXT) throw badRequest("MESSAGE_TOO_LONG");
    world.openCallbackQueries.delete(id);
    return true;
  },
};
