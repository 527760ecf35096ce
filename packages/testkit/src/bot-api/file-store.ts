import type { File } from "@grammyjs/types";

/** A downloadable file: what `getFile` describes and `/file/bot<token>/<path>` serves. */
export interface StoredFile extends File {
  file_path: string;
  file_size: number;
  bytes: Buffer;
  /** The name it was uploaded or pushed with, if any. */
  fileName?: string;
  mimeType?: string;
}

/** Optional descriptive fields of a registered file. */
export interface FileDetails {
  fileName?: string | undefined;
  mimeType?: string | undefined;
}

/** Telegram lets bots download files up to 20 MB. */
export const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

/** Files of pushed user messages and of bot uploads, by file_id and by file_path. */
export class FileStore {
  private readonly byFileId = new Map<string, StoredFile>();
  private readonly byFilePath = new Map<string, StoredFile>();
  private count = 0;

  /** Registers bytes under a new file_id, in a Telegram-like folder ("photos", "documents", "voice"). */
  register(bytes: Buffer, folder: string, extension: string, details: FileDetails = {}): StoredFile {
    this.count += 1;
    const suffix = `${this.count.toString(36)}${Math.random().toString(36).slice(2, 10)}`;
    const file: StoredFile = {
      file_id: `fake-${folder}-${suffix}`,
      file_unique_id: `u${suffix}`,
      file_size: bytes.length,
      file_path: `${folder}/file_${this.count}.${extension}`,
      bytes,
      ...(details.fileName === undefined ? {} : { fileName: details.fileName }),
      ...(details.mimeType === undefined ? {} : { mimeType: details.mimeType }),
    };
    this.byFileId.set(file.file_id, file);
    this.byFilePath.set(file.file_path, file);
    return file;
  }

  byId(fileId: string): StoredFile | undefined {
    return this.byFileId.get(fileId);
  }

  byPath(filePath: string): StoredFile | undefined {
    return this.byFilePath.get(filePath);
  }
}

/** The extension of a file name, without the dot, or `fallback`. */
export function extensionOf(fileName: string | undefined, fallback: string): string {
  const match = fileName === undefined ? null : /\.([A-Za-z0-9]{1,8})$/.exec(fileName);
  return match?.[1]?.toLowerCase() ?? fallback;
}

const MIME_TYPES: Record<string, string> = {
  pdf: "application/pdf",
  txt: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  json: "application/json",
  html: "text/html",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  zip: "application/zip",
  ogg: "audio/ogg",
  oga: "audio/ogg",
  mp3: "audio/mpeg",
  mp4: "video/mp4",
};

/** The MIME type Telegram would detect for a file name (by extension), if it is a common one. */
export function mimeTypeOf(fileName: string | undefined): string | undefined {
  return MIME_TYPES[extensionOf(fileName, "")];
}
