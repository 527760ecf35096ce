import type { Logger } from "@bot/observability";
import { type Api, GrammyError } from "grammy";
import type { FormattedText } from "../format/index.ts";

/** Where a message goes. */
export interface MessagePlace {
  readonly chatId: number;
  readonly topicId: number | null;
}

/** True for Telegram's harmless "message is not modified" answer to an edit. */
export function isNotModified(error: unknown): boolean {
  return (
    error instanceof GrammyError &&
    error.error_code === 400 &&
    /message is not modified/i.test(error.description)
  );
}

/** True when Telegram refused the request itself (400), as opposed to a network or server failure. */
export function isBadRequest(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400;
}

function threadOptions(place: MessagePlace) {
  return place.topicId === null ? {} : { message_thread_id: place.topicId };
}

/**
 * Sends formatted text as a message with `entities` (never parse_mode). If Telegram
 * refuses it (any 400), sends the same text without formatting, so a formatting
 * problem never costs the user the answer. Returns the message id.
 */
export async function sendFormatted(
  api: Api,
  place: MessagePlace,
  formatted: FormattedText,
  options: { replyTo?: number | null; logger: Logger },
): Promise<number> {
  const reply =
    options.replyTo != null
      ? { reply_parameters: { message_id: options.replyTo, allow_sending_without_reply: true } }
      : {};
  try {
    const message = await api.sendMessage(place.chatId, formatted.text, {
      ...threadOptions(place),
      ...reply,
      entities: [...formatted.entities],
      link_preview_options: { is_disabled: true },
    });
    return message.message_id;
  } catch (error) {
    if (!isBadRequest(error) || formatted.entities.length === 0) throw error;
    options.logger.warn({ err: error }, "Telegram refused the formatted text; sending it as plain text");
    const message = await api.sendMessage(place.chatId, formatted.text, {
      ...threadOptions(place),
      ...reply,
      link_preview_options: { is_disabled: true },
    });
    return message.message_id;
  }
}

/**
 * Replaces a message's text. "message is not modified" counts as success; a refused
 * formatting is retried as plain text. Returns false when the message is gone
 * ("message to edit not found"), so the caller can send a new one.
 */
export async function editFormatted(
  api: Api,
  place: MessagePlace,
  messageId: number,
  formatted: FormattedText,
  logger: Logger,
): Promise<boolean> {
  const attempt = async (withEntities: boolean) =>
    api.editMessageText(place.chatId, messageId, formatted.text, {
      ...(withEntities ? { entities: [...formatted.entities] } : {}),
      link_preview_options: { is_disabled: true },
    });
  try {
    await attempt(true);
    return true;
  } catch (error) {
    if (isNotModified(error)) return true;
    if (
      error instanceof GrammyError &&
      /message to edit not found|message can't be edited/i.test(error.description)
    ) {
      return false;
    }
    if (!isBadRequest(error) || formatted.entities.length === 0) throw error;
    logger.warn({ err: error }, "Telegram refused the formatted edit; editing as plain text");
    try {
      await attempt(false);
    } catch (plainError) {
      if (!isNotModified(plainError)) throw plainError;
    }
    return true;
  }
}

/** `sendMessageDraft` with entities, in the place's topic. */
export async function sendDraft(
  api: Api,
  place: MessagePlace,
  draftId: number,
  formatted: FormattedText,
): Promise<void> {
  await api.sendMessageDraft(place.chatId, draftId, formatted.text, {
    ...threadOptions(place),
    entities: [...formatted.entities],
    can_stop: true,
  });
}
