import type { File, MessageEntity } from "@grammyjs/types";
import { badRequest } from "./bot-api-error.ts";
import type { UserChat } from "./chat-directory.ts";
import { MAX_CAPTION_LENGTH } from "./entity-rules.ts";
import type { BotMessageOptions, FakeWorld } from "./fake-world.ts";
import { extensionOf, MAX_DOWNLOAD_BYTES, type StoredFile } from "./file-store.ts";
import { documentOf, photoSizesOf } from "./media-objects.ts";
import type { MethodTable } from "./method-handler.ts";
import {
  checkText,
  optionalEntities,
  optionalInlineKeyboard,
  optionalString,
  type RawParams,
  rejectParseMode,
  replyTarget,
} from "./param-checks.ts";
import { isUpload } from "./request-params.ts";

/** sendPhoto, sendDocument and getFile. */
export const mediaMethods: MethodTable = {
  sendPhoto: (params, { world }) => {
    const { chat, caption, options } = mediaMessage(world, params);
    const file = mediaFile(world, params.photo, "photo", "photos", "jpg");
    return world.sendBotMessage(chat, { photo: photoSizesOf(file), ...caption }, options);
  },

  sendDocument: (params, { world }) => {
    const { chat, caption, options } = mediaMessage(world, params);
    const file = mediaFile(world, params.document, "document", "documents", "dat");
    return world.sendBotMessage(chat, { document: documentOf(file), ...caption }, options);
  },

  getFile: (params, { world }) => {
    const fileId = optionalString(params, "file_id");
    if (fileId === undefined || fileId === "") throw badRequest("file_id not specified");
    const file = world.files.byId(fileId);
    if (file === undefined) throw badRequest("invalid file_id");
    if (file.file_size > MAX_DOWNLOAD_BYTES) throw badRequest("file is too big");
    const result: File = {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      file_size: file.file_size,
      file_path: file.file_path,
    };
    return result;
  },
};

interface CaptionFields {
  caption?: string;
  caption_entities?: MessageEntity[];
}

/** The parts every media message shares: chat, topic, reply, keyboard and caption. */
function mediaMessage(
  world: FakeWorld,
  params: RawParams,
): { chat: UserChat; caption: CaptionFields; options: BotMessageOptions } {
  rejectParseMode(params);
  const caption = optionalString(params, "caption");
  const entities = optionalEntities(params, "caption_entities");
  checkText(caption ?? "", entities, MAX_CAPTION_LENGTH, true);
  const chat = world.chats.resolve(params.chat_id);
  const options: BotMessageOptions = {
    threadId: world.chats.thread(chat, params.message_thread_id),
    replyTo: replyTarget(world, chat, params),
    replyMarkup: optionalInlineKeyboard(params),
  };
  const fields: CaptionFields = {
    ...(caption === undefined || caption === "" ? {} : { caption }),
    ...(entities === undefined || entities.length === 0 ? {} : { caption_entities: entities }),
  };
  return { chat, caption: fields, options };
}

/**
 * The file a media parameter names: an upload becomes a new file; a known file_id is reused;
 * an HTTP URL is accepted as an empty file (the fake fetches nothing).
 */
function mediaFile(
  world: FakeWorld,
  value: unknown,
  name: string,
  folder: string,
  fallbackExtension: string,
): StoredFile {
  if (isUpload(value)) {
    return world.files.register(value.bytes, folder, extensionOf(value.fileName, fallbackExtension), {
      fileName: value.fileName,
    });
  }
  if (typeof value !== "string" || value === "") throw badRequest(`there is no ${name} in the request`);
  const known = world.files.byId(value);
  if (known !== undefined) return known;
  if (/^https?:\/\//i.test(value)) {
    const fileName = new URL(value).pathname.split("/").pop() || undefined;
    return world.files.register(Buffer.alloc(0), folder, extensionOf(fileName, fallbackExtension), {
      fileName,
    });
  }
  throw badRequest("wrong file identifier/HTTP URL specified");
}
