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

/** The request body as text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8");
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
