import type { Document, PhotoSize, Sticker, Voice } from "@grammyjs/types";
import { mimeTypeOf, type StoredFile } from "./file-store.ts";

/** The fake cannot decode images; photos report this size unless told otherwise. */
export const DEFAULT_PHOTO_SIZE = { width: 800, height: 600 } as const;

/**
 * The `photo` field of a message. Telegram sends several sizes; the fake sends one, the
 * original, which is the one bots pick (`photo.at(-1)`).
 */
export function photoSizesOf(
  file: StoredFile,
  size: { width: number; height: number } = DEFAULT_PHOTO_SIZE,
): PhotoSize[] {
  return [
    {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      width: size.width,
      height: size.height,
      file_size: file.file_size,
    },
  ];
}

/** The `document` field of a message. */
export function documentOf(file: StoredFile): Document {
  const mimeType = file.mimeType ?? mimeTypeOf(file.fileName);
  return {
    file_id: file.file_id,
    file_unique_id: file.file_unique_id,
    file_size: file.file_size,
    ...(file.fileName === undefined ? {} : { file_name: file.fileName }),
    ...(mimeType === undefined ? {} : { mime_type: mimeType }),
  };
}

/** The `voice` field of a message. */
export function voiceOf(file: StoredFile, durationSeconds: number): Voice {
  return {
    file_id: file.file_id,
    file_unique_id: file.file_unique_id,
    duration: durationSeconds,
    mime_type: file.mimeType ?? "audio/ogg",
    file_size: file.file_size,
  };
}

/** The `sticker` field of a message (a regular static sticker). */
export function stickerOf(file: StoredFile, emoji: string): Sticker {
  return {
    file_id: file.file_id,
    file_unique_id: file.file_unique_id,
    type: "regular",
    width: 512,
    height: 512,
    is_animated: false,
    is_video: false,
    emoji,
    file_size: file.file_size,
  };
}
