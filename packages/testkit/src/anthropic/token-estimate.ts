import type { FileStore } from "./file-store.ts";
import type { AnthropicRequestBody } from "./types.ts";

/** About what one image costs after the API scales it to its ~1.15 megapixel limit. */
const IMAGE_TOKENS = 1_600;
/** A PDF page is read as text and as an image: commonly 1,500–3,000 tokens. */
const PDF_PAGE_TOKENS = 2_000;
/** The system prompt the API adds when tools are offered (Claude 4.x, `tool_choice` auto). */
const TOOL_SYSTEM_PROMPT_TOKENS = 346;

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Counts `/Type /Page` objects (not `/Pages`); a PDF without any still has one page. */
function pdfPages(bytes: Buffer): number {
  return Math.max(1, bytes.toString("latin1").match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0);
}

/** The bytes a media source stands for, when the fake can know them. */
function sourceBytes(
  source: Readonly<Record<string, unknown>>,
  files: FileStore | undefined,
): Buffer | undefined {
  if (source.type === "base64" && typeof source.data === "string") return Buffer.from(source.data, "base64");
  if (source.type === "file" && typeof source.file_id === "string") return files?.get(source.file_id)?.bytes;
  return undefined;
}

function sourceMimeType(source: Readonly<Record<string, unknown>>, files: FileStore | undefined): string {
  if (typeof source.media_type === "string") return source.media_type;
  if (source.type === "file" && typeof source.file_id === "string") {
    return files?.get(source.file_id)?.mimeType ?? "";
  }
  return source.type === "url" ? "application/pdf" : "";
}

/** Tokens of an image or document block counted apart from its JSON, or undefined to count it as text. */
function mediaTokens(
  block: Readonly<Record<string, unknown>>,
  files: FileStore | undefined,
): number | undefined {
  const { source } = block;
  if (!isObject(source)) return undefined;
  if (block.type === "image") return IMAGE_TOKENS;
  if (block.type !== "document" || source.type === "text" || source.type === "content") return undefined;
  const bytes = sourceBytes(source, files);
  if (sourceMimeType(source, files) === "application/pdf") {
    return (bytes ? pdfPages(bytes) : 1) * PDF_PAGE_TOKENS;
  }
  return bytes ? Math.ceil(bytes.length / 4) : 0;
}

/**
 * Deterministic stand-in for the API's token count: a quarter of the JSON length of the parts that
 * count as input (system prompt, messages, tools), rounded up. Images and PDFs are not counted by
 * their (base64) JSON but as the API bills them: an image 1,600 tokens, a PDF 2,000 per page, a
 * text file a quarter of its bytes. Offering tools adds the API's tool system prompt.
 */
export function estimateInputTokens(body: AnthropicRequestBody, files?: FileStore): number {
  let media = 0;
  const counted = JSON.stringify(
    { system: body.system, messages: body.messages, tools: body.tools },
    (_key, value: unknown) => {
      if (!isObject(value) || (value.type !== "image" && value.type !== "document")) return value;
      const tokens = mediaTokens(value, files);
      if (tokens === undefined) return value;
      media += tokens;
      return { type: value.type };
    },
  );
  const toolPrompt = Array.isArray(body.tools) && body.tools.length > 0 ? TOOL_SYSTEM_PROMPT_TOKENS : 0;
  return Math.ceil(counted.length / 4) + media + toolPrompt;
}
