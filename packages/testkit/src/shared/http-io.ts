/**
 * HTTP plumbing shared by the fake provider servers (Anthropic, OpenAI, Gemini, E2B).
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";

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
export function parseJsonObject(raw: string): Record<string, unknown> | undefined {
  if (raw.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Waits `ms` milliseconds, or less if `signal` aborts first (a gone client stops the pacing). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Resolves when `signal` aborts (a hanging answer waits for the client or the server to go). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

/**
 * Writes a chunk and, when the socket buffer is full, waits for it to drain so a slow reader slows the
 * stream down. Returns early if `signal` aborts: a closed socket never drains.
 */
export function writeChunk(res: ServerResponse, chunk: string, signal: AbortSignal): Promise<void> {
  if (signal.aborted || res.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    res.once("drain", done);
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * Sends a JSON body with a content length. `headers` may override the content type (Google
 * answers `application/json; charset=UTF-8`).
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    ...headers,
    "content-length": String(Buffer.byteLength(text)),
  });
  res.end(text);
}
