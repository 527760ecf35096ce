import type { FileKind, FileReceived } from "@bot/domain";
import type { Message } from "@grammyjs/types";
import { CONVERTIBLE_IMAGE_TYPES } from "./sharp-image-converter.ts";
import { TELEGRAM_DOWNLOAD_LIMIT_BYTES } from "./telegram-file-transport.ts";

/** The file metadata a Telegram message carries, before ids are given. */
export type IncomingFile = Omit<FileReceived["data"], "fileId" | "messageId">;

/** Why a user's file is not taken. */
export type RefusedFile =
  | { readonly reason: "too_large"; readonly name: string; readonly sizeBytes: number }
  | { readonly reason: "unsupported_image"; readonly name: string; readonly mimeType: string };

/** Images the models read directly (others need converting). */
const MODEL_IMAGE_TYPES = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);

const TEXT_EXTENSIONS = new Set(
  "txt md markdown json jsonl yaml yml toml ini cfg conf log xml html htm css js mjs cjs ts tsx jsx py rb php go rs java kt swift c h cc cpp hpp cs sql sh bash zsh ps1 r scala lua pl tex bib srt vtt env dockerfile makefile".split(
    " ",
  ),
);
const SPREADSHEET_EXTENSIONS = new Set(["csv", "tsv", "xlsx", "xls", "ods"]);

function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? name.toLowerCase() : name.slice(dot + 1).toLowerCase();
}

/** What the bot makes of a document by its MIME type and name. */
export function documentKind(mimeType: string, name: string): FileKind {
  const extension = extensionOf(name);
  if (mimeType === "application/pdf" || extension === "pdf") return "pdf";
  if (mimeType.startsWith("image/")) return "image";
  if (SPREADSHEET_EXTENSIONS.has(extension) || mimeType === "text/csv") return "spreadsheet";
  if (mimeType.startsWith("audio/")) return "audio";
  if (mimeType.startsWith("video/")) return "video";
  if (
    mimeType.startsWith("text/") ||
    /(json|xml|yaml|javascript|typescript|x-python|x-sh|sql|toml)/.test(mimeType) ||
    TEXT_EXTENSIONS.has(extension)
  ) {
    return "text";
  }
  return "other";
}

function base(
  kind: FileKind,
  name: string,
  mimeType: string,
  size: number | undefined,
  ids: { file_id: string; file_unique_id: string },
  caption: string | null,
  duration: number | null,
): IncomingFile {
  return {
    source: "user",
    kind,
    name: name.slice(0, 255) || "file",
    mimeType: mimeType.slice(0, 255) || "application/octet-stream",
    sizeBytes: size ?? 0,
    telegramFileId: ids.file_id,
    telegramFileUniqueId: ids.file_unique_id,
    sha256: null,
    generationId: null,
    toolUseId: null,
    durationSeconds: duration,
    caption: caption?.slice(0, 1024) ?? null,
  };
}

/**
 * The file a message carries (a photo's largest size, a document, a voice or video
 * note, an audio or video file), or why it is refused before any download: over
 * Telegram's 20 MB bot limit, or an image format the models cannot read. Null when the
 * message has no file.
 */
export function incomingFile(message: Message): { file: IncomingFile } | { refused: RefusedFile } | null {
  const caption = message.caption ?? null;
  let file: IncomingFile | null = null;
  if (message.photo && message.photo.length > 0) {
    const largest = message.photo.reduce((best, size) =>
      size.width * size.height > best.width * best.height ? size : best,
    );
    file = base(
      "photo",
      `photo-${message.message_id}.jpg`,
      "image/jpeg",
      largest.file_size,
      largest,
      caption,
      null,
    );
  } else if (message.document) {
    const document = message.document;
    const name = document.file_name ?? `document-${message.message_id}`;
    const mimeType = document.mime_type ?? "application/octet-stream";
    const kind = documentKind(mimeType, name);
    if (kind === "image" && !MODEL_IMAGE_TYPES.has(mimeType) && !CONVERTIBLE_IMAGE_TYPES.has(mimeType)) {
      return { refused: { reason: "unsupported_image", name, mimeType } };
    }
    file = base(kind, name, mimeType, document.file_size, document, caption, null);
  } else if (message.voice) {
    const voice = message.voice;
    file = base(
      "voice",
      `voice-${message.message_id}.ogg`,
      voice.mime_type ?? "audio/ogg",
      voice.file_size,
      voice,
      caption,
      voice.duration,
    );
  } else if (message.audio) {
    const audio = message.audio;
    file = base(
      "audio",
      audio.file_name ?? `audio-${message.message_id}.mp3`,
      audio.mime_type ?? "audio/mpeg",
      audio.file_size,
      audio,
      caption,
      audio.duration,
    );
  } else if (message.video) {
    const video = message.video;
    file = base(
      "video",
      video.file_name ?? `video-${message.message_id}.mp4`,
      video.mime_type ?? "video/mp4",
      video.file_size,
      video,
      caption,
      video.duration,
    );
  } else if (message.video_note) {
    const note = message.video_note;
    // A video note is a spoken message: it is transcribed like a voice note.
    file = base(
      "voice",
      `video-note-${message.message_id}.mp4`,
      "video/mp4",
      note.file_size,
      note,
      caption,
      note.duration,
    );
  }
  if (!file) return null;
  if (file.sizeBytes > TELEGRAM_DOWNLOAD_LIMIT_BYTES) {
    return { refused: { reason: "too_large", name: file.name, sizeBytes: file.sizeBytes } };
  }
  return { file };
}
