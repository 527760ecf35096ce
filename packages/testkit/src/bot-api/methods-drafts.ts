import { badRequest } from "./bot-api-error.ts";
import { MAX_MESSAGE_LENGTH } from "./entity-rules.ts";
import type { MethodTable } from "./method-handler.ts";
import {
  checkText,
  optionalBool,
  optionalEntities,
  optionalString,
  rejectParseMode,
  requiredInt,
} from "./param-checks.ts";

/** sendMessageDraft: streamed previews, private chats only. */
export const draftMethods: MethodTable = {
  sendMessageDraft: (params, { world }) => {
    rejectParseMode(params);
    const chat = world.chats.resolve(params.chat_id);
    if (chat.type !== "private") throw badRequest("drafts can be used only in private chats");
    const draftId = requiredInt(params, "draft_id");
    if (draftId === 0) throw badRequest("draft_id must be non-zero");
    const topicId = world.chats.thread(chat, params.message_thread_id);
    // Empty text is allowed: it shows the "Thinking…" placeholder.
    const text = optionalString(params, "text") ?? "";
    const entities = optionalEntities(params, "entities");
    checkText(text, entities, MAX_MESSAGE_LENGTH, true);
    world.chats.assertCanSend(chat);
    world.drafts.update({
      chatId: chat.id,
      topicId,
      draftId,
      text,
      entities: entities === undefined || entities.length === 0 ? undefined : entities,
      canStop: optionalBool(params, "can_stop") ?? false,
      keepOnStop: optionalBool(params, "keep_on_stop") ?? false,
    });
    return true;
  },
};
