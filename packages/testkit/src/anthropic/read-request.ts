import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { AnthropicRequestBody } from "./types.ts";

/** Headers as one lower-case name → value map; repeated headers joined with ", ". */
export function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

/** A request body read with a cap on what is kept. */
export interface BodyBytes {
  /** The first `maxBytes` bytes (all of them when `truncated` is false). */
  bytes: Buffer;
  /** How many bytes the client sent in all. */
  size: number;
  /** More than `maxBytes` arrived; the rest was read and dropped. */
  truncated: boolean;
}

/**
 * Reads the body, keeping at most `maxBytes`. The rest is still read (and dropped) rather than the
 * socket cut: a client still sending would see a reset instead of the 413 the fake answers with.
 */
export async function readBodyBytes(
  req: IncomingMessage,
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<BodyBytes> {
  const chunks: Buffer[] = [];
  let kept = 0;
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (kept >= maxBytes) continue;
    const piece = kept + buffer.length > maxBytes ? buffer.subarray(0, maxBytes - kept) : buffer;
    chunks.push(piece);
    kept += piece.length;
  }
  return { bytes: Buffer.concat(chunks), size, truncated: size > kept };
}

/** The body as a JSON object, `{}` when empty, undefined when it is not a JSON object. */
export function parseBody(rawBody: string): AnthropicRequestBody | undefined {
  if (rawBody.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(rawBody);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as AnthropicRequestBody)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The boundary of a `multipart/form-data` content type, or undefined for any other body. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (contentType === undefined || !/^multipart\/form-data\b/i.test(contentType)) return undefined;
  return /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
}
