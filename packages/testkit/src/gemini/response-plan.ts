import { randomBytes } from "node:crypto";
import { imageOutputTokens, outputPixels } from "./models.ts";
import { solidPng } from "./png.ts";
import type {
  GeminiFinishReason,
  GeminiRequestSummary,
  GeminiScriptPart,
  GeminiUsageMetadata,
  GeminiUsageOverrides,
} from "./types.ts";

/** A part as it goes on the wire. */
export type WirePart =
  | { text: string; thought?: boolean }
  | { inlineData: { mimeType: string; data: string } };

/** One part with the output tokens it stands for. */
interface PlannedPart {
  part: WirePart;
  tokens: number;
  thought: boolean;
}

/** What a generate request is answered with, before framing as JSON or SSE. */
export interface ResponseContext {
  model: string;
  summary: GeminiRequestSummary;
  responseId: string;
}

/** Tokens the fake charges for text: one per 4 characters, like the usual rule of thumb. */
function textTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Input tokens: the prompt text plus 258 per source image (Gemini's per-image figure). */
export function estimatePromptTokens(summary: GeminiRequestSummary): number {
  return textTokens(summary.promptText) + 258 * summary.sourceImages;
}

/** A fresh `responseId`, shaped like the API's. */
export function newResponseId(): string {
  return randomBytes(12).toString("base64url");
}

function imagePart(part: Extract<GeminiScriptPart, { image: unknown }>, context: ResponseContext): WirePart {
  const { image } = part;
  const { summary } = context;
  if (summary.responseModalities && !summary.responseModalities.includes("IMAGE")) {
    // A test scripting an image for a text-only request is wrong; say so instead of answering.
    throw new Error(
      `script has an image part but the request's responseModalities are ${summary.responseModalities.join(",")}`,
    );
  }
  let png: Uint8Array;
  if (image === "requested") {
    const { width, height } = outputPixels(summary.aspectRatio, summary.imageSize);
    png = solidPng(width, height);
  } else if ("png" in image) {
    png = image.png;
  } else {
    png = solidPng(image.width, image.height, image.rgb);
  }
  return { inlineData: { mimeType: "image/png", data: Buffer.from(png).toString("base64") } };
}

/** Turns script parts into wire parts; text is split into `textChunkChars` pieces when streaming. */
export function planParts(
  parts: readonly GeminiScriptPart[],
  context: ResponseContext,
  textChunkChars?: number,
): PlannedPart[] {
  const planned: PlannedPart[] = [];
  for (const part of parts) {
    if ("text" in part) {
      const thought = part.thought === true;
      const size = textChunkChars && textChunkChars > 0 ? textChunkChars : Math.max(part.text.length, 1);
      for (let at = 0; at < Math.max(part.text.length, 1); at += size) {
        const text = part.text.slice(at, at + size);
        planned.push({ part: thought ? { text, thought } : { text }, tokens: textTokens(text), thought });
      }
    } else if ("image" in part) {
      const tokens = imageOutputTokens(context.summary.imageSize);
      planned.push({ part: imagePart(part, context), tokens, thought: false });
    } else {
      planned.push({ part: { inlineData: part.inlineData }, tokens: 0, thought: false });
    }
  }
  return planned;
}

/** Usage after `parts` were produced, with the script's pins applied. */
export function usageFor(
  parts: readonly PlannedPart[],
  summary: GeminiRequestSummary,
  overrides: GeminiUsageOverrides = {},
): GeminiUsageMetadata {
  let candidates = 0;
  let thoughts = 0;
  for (const { tokens, thought } of parts) {
    if (thought) thoughts += tokens;
    else candidates += tokens;
  }
  const promptTokenCount = overrides.promptTokenCount ?? estimatePromptTokens(summary);
  const candidatesTokenCount = overrides.candidatesTokenCount ?? candidates;
  const thoughtsTokenCount = overrides.thoughtsTokenCount ?? thoughts;
  return {
    promptTokenCount,
    candidatesTokenCount,
    thoughtsTokenCount,
    cachedContentTokenCount: overrides.cachedContentTokenCount ?? 0,
    totalTokenCount:
      overrides.totalTokenCount ?? promptTokenCount + candidatesTokenCount + thoughtsTokenCount,
  };
}

/** One `GenerateContentResponse` as JSON. */
export function responseChunk(
  context: ResponseContext,
  parts: readonly WirePart[],
  finishReason: GeminiFinishReason | undefined,
  usage: GeminiUsageMetadata,
  modelVersion: string,
): Record<string, unknown> {
  const candidate: Record<string, unknown> = {};
  if (parts.length > 0) candidate.content = { parts, role: "model" };
  if (finishReason !== undefined) candidate.finishReason = finishReason;
  candidate.index = 0;
  return { candidates: [candidate], usageMetadata: usage, modelVersion, responseId: context.responseId };
}
