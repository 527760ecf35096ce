import type { UploadedFile } from "./types.ts";

/** The fields and files of a multipart/form-data body. */
export interface MultipartBody {
  fields: Map<string, string>;
  /** Files by part name (grammY names them with random ids referenced as `attach://<id>`). */
  files: Map<string, UploadedFile>;
}

const HEADER_END = Buffer.from("\r\n\r\n");

/**
 * Parses a multipart/form-data body. Tolerant of grammY's spelling
 * (`content-disposition:form-data;name="x";filename=a.jpg`, no spaces, unquoted filename)
 * as well as the usual quoted form. Throws on a body without the boundary.
 */
export function parseMultipart(body: Buffer, boundary: string): MultipartBody {
  const delimiter = Buffer.from(`--${boundary}`);
  const fields = new Map<string, string>();
  const files = new Map<string, UploadedFile>();
  let start = body.indexOf(delimiter);
  if (start < 0) throw new Error("multipart boundary not found");
  for (;;) {
    const partStart = start + delimiter.length;
    // "--" right after a delimiter closes the body.
    if (body.subarray(partStart, partStart + 2).toString() === "--") break;
    const next = body.indexOf(delimiter, partStart);
    if (next < 0) throw new Error("multipart body is not terminated");
    const part = trimCrlf(body.subarray(partStart, next));
    addPart(part, fields, files);
    start = next;
  }
  return { fields, files };
}

function trimCrlf(part: Buffer): Buffer {
  let from = 0;
  let to = part.length;
  if (part[0] === 0x0d && part[1] === 0x0a) from = 2;
  if (part[to - 2] === 0x0d && part[to - 1] === 0x0a) to -= 2;
  return part.subarray(from, to);
}

function addPart(part: Buffer, fields: Map<string, string>, files: Map<string, UploadedFile>): void {
  const headerEnd = part.indexOf(HEADER_END);
  if (headerEnd < 0) return;
  const headers = parseHeaders(part.subarray(0, headerEnd).toString("utf8"));
  const content = part.subarray(headerEnd + HEADER_END.length);
  const disposition = dispositionParams(headers.get("content-disposition") ?? "");
  const name = disposition.get("name");
  if (name === undefined) return;
  const fileName = disposition.get("filename");
  if (fileName === undefined) {
    fields.set(name, content.toString("utf8"));
    return;
  }
  files.set(name, {
    fileName,
    contentType: headers.get("content-type") ?? "application/octet-stream",
    bytes: Buffer.from(content),
  });
}

function parseHeaders(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function dispositionParams(value: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const match of value.matchAll(/;\s*([\w*-]+)\s*=\s*(?:"([^"]*)"|([^;]*))/g)) {
    const key = match[1];
    if (key !== undefined) params.set(key.toLowerCase(), (match[2] ?? match[3] ?? "").trim());
  }
  return params;
}
