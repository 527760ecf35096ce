import { type FileStore, isExpired } from "./file-store.ts";
import { DOCUMENT_MIME_TYPES, IMAGE_MIME_TYPES } from "./mime-types.ts";
import type { AnthropicRequestBody } from "./types.ts";

/** A block that names an uploaded file. */
export interface FileReference {
  fileId: string;
  /** `image` and `document` show the file to the model; `container_upload` puts it in the sandbox. */
  kind: "image" | "document" | "container_upload";
  /** Where in the body, e.g. `messages.0.content.1.document.source`, for error messages. */
  path: string;
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function referencesIn(blocks: unknown, path: string, found: FileReference[]): void {
  if (!Array.isArray(blocks)) return;
  blocks.forEach((block: unknown, index) => {
    if (!isObject(block)) return;
    const here = `${path}.${index}`;
    const { type } = block;
    if (type === "image" || type === "document") {
      const source = block.source;
      if (isObject(source) && source.type === "file" && typeof source.file_id === "string") {
        found.push({ fileId: source.file_id, kind: type, path: `${here}.${type}.source` });
      }
    } else if (type === "container_upload" && typeof block.file_id === "string") {
      found.push({ fileId: block.file_id, kind: "container_upload", path: `${here}.container_upload` });
    } else if (type === "tool_result") {
      // Tool results may carry images and documents of their own.
      referencesIn(block.content, `${here}.tool_result.content`, found);
    }
  });
}

/** Every file a body's messages reference, in order of appearance. */
export function fileReferences(body: AnthropicRequestBody): FileReference[] {
  const found: FileReference[] = [];
  if (!Array.isArray(body.messages)) return found;
  body.messages.forEach((message: unknown, index) => {
    if (isObject(message)) referencesIn(message.content, `messages.${index}.content`, found);
  });
  return found;
}

/** The distinct file ids of {@link fileReferences}, for the request log. */
export function referencedFileIds(body: AnthropicRequestBody): string[] {
  return [...new Set(fileReferences(body).map((reference) => reference.fileId))];
}

function kindProblem(reference: FileReference, mimeType: string): string | undefined {
  switch (reference.kind) {
    case "image":
      return IMAGE_MIME_TYPES.has(mimeType)
        ? undefined
        : `${reference.path}: file '${reference.fileId}' is ${mimeType}; an image must be image/jpeg, image/png, image/gif or image/webp`;
    case "document":
      return DOCUMENT_MIME_TYPES.has(mimeType)
        ? undefined
        : `${reference.path}: file '${reference.fileId}' is ${mimeType}; a document must be application/pdf or text/plain`;
    case "container_upload":
      return undefined;
    default:
      return unreachable(reference.kind);
  }
}

function unreachable(kind: never): never {
  throw new Error(`fake anthropic: unknown file reference kind ${String(kind)}`);
}

/**
 * Why the API would reject the body's file references with 400 `invalid_request_error`: a file that
 * does not exist (never did, or deleted), one that expired, or one whose type the block cannot show.
 */
export function fileReferenceProblem(body: AnthropicRequestBody, files: FileStore): string | undefined {
  for (const reference of fileReferences(body)) {
    const file = files.get(reference.fileId);
    if (!file) return `${reference.path}.file_id: file not found: '${reference.fileId}'`;
    if (isExpired(file)) return `${reference.path}.file_id: file '${reference.fileId}' has expired`;
    const problem = kindProblem(reference, file.mimeType);
    if (problem) return problem;
  }
  return undefined;
}
