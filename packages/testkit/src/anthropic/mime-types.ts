/** Types the fake knows by file extension; enough for what a bot uploads (images, PDFs, text). */
const BY_EXTENSION: Readonly<Record<string, string>> = {
  pdf: "application/pdf",
  txt: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  html: "text/html",
  json: "application/json",
  xml: "application/xml",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

const OCTET_STREAM = "application/octet-stream";

/** Image types an `image` block may reference by file id. */
export const IMAGE_MIME_TYPES: ReadonlySet<string> = new Set([
  "image/jpeg",
  "image/png",
  "image/gif",
  "image/webp",
]);

/** Types a `document` block may reference by file id. */
export const DOCUMENT_MIME_TYPES: ReadonlySet<string> = new Set(["application/pdf", "text/plain"]);

/** The final path component: the API keeps only that of an uploaded file's name. */
export function baseName(fileName: string): string {
  return fileName.split(/[/\\]/).pop() ?? "";
}

/** The lower-case extension without the dot, or "" when there is none. */
export function extensionOf(fileName: string): string {
  const name = baseName(fileName);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

/**
 * The type to store for an upload: the part's own type without parameters, unless it is the generic
 * `application/octet-stream` (what SDKs send for a File without a type), then the extension's.
 */
export function storedMimeType(fileName: string, partType: string | undefined): string {
  const declared = partType?.split(";")[0]?.trim().toLowerCase() ?? "";
  if (declared !== "" && declared !== OCTET_STREAM) return declared;
  return BY_EXTENSION[extensionOf(fileName)] ?? OCTET_STREAM;
}

/** The name to store: the base name, or `unnamed` plus the type's extension when it is empty. */
export function storedFileName(fileName: string, mimeType: string): string {
  const name = baseName(fileName);
  if (name !== "") return name;
  const extension = Object.entries(BY_EXTENSION).find(([, type]) => type === mimeType)?.[0];
  return extension === undefined ? "unnamed" : `unnamed.${extension}`;
}
