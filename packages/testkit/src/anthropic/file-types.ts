/**
 * Public types of the fake Anthropic Files API. Wire shapes follow `@anthropic-ai/sdk` 1.14
 * (`resources/files.ts`, GA) and, for requests sending `anthropic-beta: files-api-2025-04-14`,
 * the older beta shapes (`resources/beta/files.ts`).
 */

/** One file in the fake's storage, as a test sees it (a snapshot; later changes do not show). */
export interface StoredAnthropicFile {
  /** `file_…`. */
  readonly id: string;
  readonly filename: string;
  readonly mimeType: string;
  readonly sizeBytes: number;
  readonly bytes: Buffer;
  readonly createdAt: Date;
  /** Null when the file does not expire. */
  readonly expiresAt: Date | null;
  /** The API lets only files a tool produced be downloaded; uploads are not downloadable. */
  readonly downloadable: boolean;
  /** `expiresAt` has passed: metadata stays, the content is gone and messages may not use it. */
  readonly expired: boolean;
}

/** A file put into storage by the test, as if a tool (code execution) had produced it. */
export interface NewAnthropicFile {
  filename: string;
  /** Defaults to the type the file name's extension implies, else `application/octet-stream`. */
  mimeType?: string;
  bytes: Buffer | string;
  /** Default true: tool output is what the API lets clients download. */
  downloadable?: boolean;
  /** Default: never expires. */
  expiresInSeconds?: number;
}

/** A Files API call, named after the SDK method that makes it. */
export type AnthropicFilesOperation = "upload" | "list" | "retrieveMetadata" | "download" | "delete";

/** An error the Files API answers instead of doing the operation (the operation has no effect). */
export interface AnthropicFilesFault {
  status: number;
  /** e.g. rate_limit_error, api_error, invalid_request_error, overloaded_error. */
  errorType: string;
  message: string;
  /** Sent as `error.details.error_code`; the SDK picks e.g. `StorageQuotaExceededError` from it. */
  errorCode?: string;
  /** Sent as the `retry-after` header. */
  retryAfterSeconds?: number;
  /** Sent as `x-should-retry`. */
  shouldRetry?: boolean;
}

/** How many calls a fault hits. */
export interface AnthropicFilesFaultOptions {
  /** Default 1; `Infinity` until {@link FakeAnthropicFiles.clearFaults}. */
  times?: number;
}

/** What a recorded `POST /v1/files` carried in its `file` part. */
export interface RecordedAnthropicUpload {
  filename: string;
  /** The part's content type as sent (the SDK sends the File's type, often application/octet-stream). */
  contentType: string;
  sizeBytes: number;
}

/** The fake's file storage, for tests to inspect and to change behind the client's back. */
export interface FakeAnthropicFiles {
  /** Every file not deleted, newest first (expired ones included: their metadata remains). */
  list(): StoredAnthropicFile[];
  /** The file, or undefined when unknown or deleted. */
  get(id: string): StoredAnthropicFile | undefined;
  /** Stores a file as if the API had produced it (e.g. code execution output). */
  add(file: NewAnthropicFile): StoredAnthropicFile;
  /** Lets the file expire now, as the provider does once `expires_at` passes. Throws for unknown ids. */
  expire(id: string): void;
  /** Deletes the file as if done elsewhere (another client, the console). Throws for unknown ids. */
  delete(id: string): void;
  /** Makes the next matching Files API call(s) fail with `fault`; `"*"` matches every operation. */
  fail(
    operation: AnthropicFilesOperation | "*",
    fault: AnthropicFilesFault,
    options?: AnthropicFilesFaultOptions,
  ): void;
  /** Forgets every planned fault. */
  clearFaults(): void;
}
