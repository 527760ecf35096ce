import { ASPECT_RATIOS, IMAGE_SIZES, MAX_SOURCE_IMAGES } from "./models.ts";
import type { GeminiRequestSummary } from "./types.ts";

/** The outcome of reading a generate request: its summary, or the 400 message the API would send. */
export type ReadOutcome =
  | { ok: true; summary: GeminiRequestSummary }
  /** `summary` is set when the body was readable but broke a limit (too many source images). */
  | { ok: false; message: string; summary?: GeminiRequestSummary };

const MODALITIES = ["TEXT", "IMAGE", "AUDIO"];
const IMAGE_MIME_TYPES = ["image/png", "image/jpeg", "image/webp", "image/heic", "image/heif"];
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

interface PartTally {
  texts: string[];
  imageMimeTypes: string[];
}

/** Checks one part like the API does; returns a 400 message or undefined. */
function readPart(part: unknown, where: string, fromUser: boolean, tally: PartTally): string | undefined {
  if (!isRecord(part)) return `Invalid JSON payload received. ${where}: not an object.`;
  if (typeof part.text === "string") {
    if (fromUser) tally.texts.push(part.text);
    return undefined;
  }
  const inline = part.inlineData;
  if (isRecord(inline)) {
    const { mimeType, data } = inline;
    if (typeof mimeType !== "string" || mimeType === "") return `* ${where}.inline_data.mime_type: required`;
    if (typeof data !== "string" || data === "" || !BASE64.test(data)) {
      return `Invalid value at '${where}.inline_data.data' (TYPE_BYTES), Base64 decoding failed`;
    }
    if (mimeType.startsWith("image/")) {
      if (!IMAGE_MIME_TYPES.includes(mimeType)) return `Unsupported MIME type: ${mimeType}`;
      if (fromUser) tally.imageMimeTypes.push(mimeType);
    }
    return undefined;
  }
  // Other part kinds (fileData, function calls, thought signatures) are accepted and not counted.
  if (Object.keys(part).length === 0)
    return `* ${where}: required oneof field 'data' must have one initialized field`;
  return undefined;
}

function readContents(contents: unknown, tally: PartTally): string | undefined {
  if (!Array.isArray(contents) || contents.length === 0) {
    return "* GenerateContentRequest.contents: contents is not specified\n";
  }
  for (const [index, content] of contents.entries()) {
    const where = `contents[${index}]`;
    if (!isRecord(content)) return `Invalid JSON payload received. ${where}: not an object.`;
    const role = content.role ?? "user";
    if (role !== "user" && role !== "model") return `Please use a valid role: user, model.`;
    const { parts } = content;
    if (!Array.isArray(parts) || parts.length === 0) {
      return `* GenerateContentRequest.${where}.parts: contents.parts must not be empty.\n`;
    }
    for (const [partIndex, part] of parts.entries()) {
      const problem = readPart(part, `${where}.parts[${partIndex}]`, role === "user", tally);
      if (problem) return problem;
    }
  }
  return undefined;
}

function readModalities(config: Record<string, unknown>): string[] | null | string {
  const { responseModalities } = config;
  if (responseModalities === undefined) return null;
  if (!Array.isArray(responseModalities)) return "Invalid value at 'generation_config.response_modalities'";
  for (const [index, modality] of responseModalities.entries()) {
    if (typeof modality !== "string" || !MODALITIES.includes(modality)) {
      return (
        `Invalid value at 'generation_config.response_modalities[${index}]' ` +
        `(type.googleapis.com/google.ai.generativelanguage.v1beta.GenerationConfig.Modality), ${JSON.stringify(modality)}`
      );
    }
  }
  return responseModalities as string[];
}

function readImageConfig(
  config: Record<string, unknown>,
): { aspectRatio: string | null; imageSize: string | null } | string {
  const imageConfig = config.imageConfig;
  if (imageConfig === undefined) return { aspectRatio: null, imageSize: null };
  if (!isRecord(imageConfig)) return "Invalid value at 'generation_config.image_config'";
  const { aspectRatio, imageSize } = imageConfig;
  if (
    aspectRatio !== undefined &&
    (typeof aspectRatio !== "string" || !ASPECT_RATIOS.includes(aspectRatio))
  ) {
    return `Unsupported aspect ratio: ${String(aspectRatio)}. Supported values are ${ASPECT_RATIOS.join(", ")}.`;
  }
  if (
    imageSize !== undefined &&
    (typeof imageSize !== "string" || !(IMAGE_SIZES as string[]).includes(imageSize))
  ) {
    return `Unsupported image size: ${String(imageSize)}. Supported values are ${IMAGE_SIZES.join(", ")}.`;
  }
  return { aspectRatio: aspectRatio ?? null, imageSize: imageSize ?? null };
}

function readGrounding(tools: unknown): boolean | string {
  if (tools === undefined) return false;
  if (!Array.isArray(tools)) return "Invalid value at 'tools'";
  return tools.some((tool) => isRecord(tool) && isRecord(tool.googleSearch));
}

/**
 * Reads a generate request body as the API validates it for image generation: user contents with text
 * and inline source images (at most {@link MAX_SOURCE_IMAGES}), `generationConfig.responseModalities`,
 * `generationConfig.imageConfig` ({aspectRatio, imageSize}) and `tools` (googleSearch grounding).
 */
export function readGenerateRequest(body: Readonly<Record<string, unknown>>): ReadOutcome {
  const tally: PartTally = { texts: [], imageMimeTypes: [] };
  const contentsProblem = readContents(body.contents, tally);
  if (contentsProblem) return { ok: false, message: contentsProblem };
  const config = body.generationConfig ?? {};
  if (!isRecord(config)) return { ok: false, message: "Invalid value at 'generation_config'" };
  const modalities = readModalities(config);
  if (typeof modalities === "string") return { ok: false, message: modalities };
  const image = readImageConfig(config);
  if (typeof image === "string") return { ok: false, message: image };
  const grounding = readGrounding(body.tools);
  if (typeof grounding === "string") return { ok: false, message: grounding };
  const summary: GeminiRequestSummary = {
    promptText: tally.texts.join("\n"),
    sourceImages: tally.imageMimeTypes.length,
    sourceImageMimeTypes: tally.imageMimeTypes,
    responseModalities: modalities,
    aspectRatio: image.aspectRatio,
    imageSize: image.imageSize,
    grounding,
  };
  if (summary.sourceImages > MAX_SOURCE_IMAGES) {
    const message = `Too many images in the request: got ${summary.sourceImages}, the maximum is ${MAX_SOURCE_IMAGES}.`;
    return { ok: false, message, summary };
  }
  return { ok: true, summary };
}
