import type { StoredAnthropicFile } from "./file-types.ts";
import { fakeId } from "./ids.ts";

/** A stored file; `seq` orders files by creation and backs the list cursors. */
export interface FileRecord {
  readonly id: string;
  readonly seq: number;
  readonly filename: string;
  readonly mimeType: string;
  readonly bytes: Buffer;
  readonly createdAt: Date;
  expiresAt: Date | null;
  readonly downloadable: boolean;
}

/** What storing a file needs. */
export interface NewFileRecord {
  filename: string;
  mimeType: string;
  bytes: Buffer;
  downloadable: boolean;
  expiresInSeconds: number | undefined;
}

/** True once the file's `expires_at` has passed. */
export function isExpired(file: FileRecord, now = Date.now()): boolean {
  return file.expiresAt !== null && file.expiresAt.getTime() <= now;
}

/** The test's view of a record. */
export function toStoredFile(file: FileRecord): StoredAnthropicFile {
  return {
    id: file.id,
    filename: file.filename,
    mimeType: file.mimeType,
    sizeBytes: file.bytes.length,
    bytes: Buffer.from(file.bytes),
    createdAt: new Date(file.createdAt),
    expiresAt: file.expiresAt && new Date(file.expiresAt),
    downloadable: file.downloadable,
    expired: isExpired(file),
  };
}

/** The fake's file storage: files by id, deleted ones forgotten. */
export class FileStore {
  readonly #files = new Map<string, FileRecord>();
  #seq = 0;

  /** Stores a new file with a fresh `file_…` id. */
  add(file: NewFileRecord): FileRecord {
    const createdAt = new Date();
    const record: FileRecord = {
      id: fakeId("file_"),
      seq: ++this.#seq,
      filename: file.filename,
      mimeType: file.mimeType,
      bytes: file.bytes,
      createdAt,
      expiresAt:
        file.expiresInSeconds === undefined
          ? null
          : new Date(createdAt.getTime() + file.expiresInSeconds * 1000),
      downloadable: file.downloadable,
    };
    this.#files.set(record.id, record);
    return record;
  }

  /** The file, or undefined when unknown or deleted. */
  get(id: string): FileRecord | undefined {
    return this.#files.get(id);
  }

  /** Forgets the file; false when there was none. */
  delete(id: string): boolean {
    return this.#files.delete(id);
  }

  /** Moves `expires_at` to now (unless it already passed); false when there is no such file. */
  expire(id: string): boolean {
    const file = this.#files.get(id);
    if (!file) return false;
    if (!isExpired(file)) file.expiresAt = new Date();
    return true;
  }

  /** Every file, newest first (the order the API lists them in). */
  newestFirst(): FileRecord[] {
    return [...this.#files.values()].sort((a, b) => b.seq - a.seq);
  }
}
