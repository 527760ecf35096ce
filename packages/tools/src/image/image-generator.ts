/**
 * Image generation and editing with Gemini (`@google/genai`): one unary `generateContent`
 * with IMAGE and TEXT output, the requested aspect ratio and size, optional source images
 * and optional Google Search grounding. Priced per image produced, by size, from the
 * registry (`generate_image:<model>`).
 */
import type { ToolChargeDraft } from "@bot/domain";
import type { ToolPriceList } from "@bot/llm";
import { type GenerateContentResponse, GoogleGenAI, type Part } from "@google/genai";
import {
  bundledToolPrices,
  requireToolPrices,
  type ToolPriceSource,
  toolChargeFor,
} from "../pricing/tool-charge.ts";
import { ImageGenerationError, toImageGenerationError } from "./image-generation-error.ts";
import {
  type AspectRatio,
  DEFAULT_IMAGE_MODEL,
  IMAGE_UNITS,
  type ImageSize,
  imageUnit,
  MAX_SOURCE_IMAGES,
  RETIRED_IMAGE_MODELS,
} from "./image-options.ts";

/** How to reach Gemini and which model to use. */
export interface ImageGeneratorOptions {
  readonly apiKey: string;
  /** Default Google's (`https://generativelanguage.googleapis.com`). */
  readonly baseUrl?: string;
  /** Default {@link DEFAULT_IMAGE_MODEL}; must be priced in the registry and not retired. */
  readonly model?: string;
  /** Per request, ms. Default 180 000 (a 4K image with grounding can take minutes). */
  readonly timeoutMs?: number;
  /** Default the bundled model registry. */
  readonly prices?: ToolPriceSource;
}

/** A source image for editing or composing. */
export interface SourceImage {
  readonly bytes: Uint8Array;
  readonly mimeType: string;
}

/** One generation. */
export interface ImageRequest {
  readonly prompt: string;
  readonly aspectRatio: AspectRatio;
  readonly size: ImageSize;
  readonly sources: readonly SourceImage[];
  readonly grounding: boolean;
  readonly signal: AbortSignal;
}

/** An image the model returned. */
export interface GeneratedImage {
  readonly bytes: Uint8Array;
  readonly mimeType: string;
}

/** What came back, and its price. */
export interface GeneratedImages {
  /** At least one. */
  readonly images: readonly GeneratedImage[];
  /** The model's commentary (thoughts excluded); empty when it wrote none. */
  readonly text: string;
  /** One image of the requested size per image returned. */
  readonly charge: ToolChargeDraft | null;
}

/** Generates images; rejects only with {@link ImageGenerationError}. */
export interface ImageGenerator {
  readonly model: string;
  generate(request: ImageRequest): Promise<GeneratedImages>;
}

/** Finish reasons that mean a safety or policy filter stopped the image. */
const BLOCKING_FINISH_REASONS: ReadonlySet<string> = new Set([
  "SAFETY",
  "IMAGE_SAFETY",
  "PROHIBITED_CONTENT",
  "IMAGE_PROHIBITED_CONTENT",
  "BLOCKLIST",
  "SPII",
  "RECITATION",
  "IMAGE_RECITATION",
]);

/**
 * Creates a generator. Throws for a retired model (naming its successor) and for a model
 * without per-size prices in the registry.
 */
export function createImageGenerator(options: ImageGeneratorOptions): ImageGenerator {
  const model = options.model ?? DEFAULT_IMAGE_MODEL;
  const successor = RETIRED_IMAGE_MODELS[model];
  if (successor !== undefined) {
    throw new Error(`the image model "${model}" was shut down by Google; use "${successor}" instead`);
  }
  const prices = requireToolPrices(
    options.prices ?? bundledToolPrices,
    `generate_image:${model}`,
    IMAGE_UNITS,
  );
  const client = new GoogleGenAI({
    apiKey: options.apiKey,
    httpOptions: {
      ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
      timeout: options.timeoutMs ?? 180_000,
    },
  });
  return { model, generate: (request) => generate(client, model, prices, request) };
}

async function generate(
  client: GoogleGenAI,
  model: string,
  prices: ToolPriceList,
  request: ImageRequest,
): Promise<GeneratedImages> {
  const { signal } = request;
  if (signal.aborted) throw new ImageGenerationError("cancelled", "The image generation was cancelled.");
  if (request.sources.length > MAX_SOURCE_IMAGES) {
    throw new ImageGenerationError("bad_input", `At most ${MAX_SOURCE_IMAGES} source images can be used.`);
  }
  // ApiError keeps only status and body; the retry-after header is caught on the way.
  let retryAfterHeader: string | null = null;
  const recordingFetch = async (...args: Parameters<typeof fetch>): Promise<Response> => {
    const response = await fetch(...args);
    if (!response.ok) retryAfterHeader = response.headers.get("retry-after");
    return response;
  };
  let response: GenerateContentResponse;
  try {
    response = await client.models.generateContent({
      model,
      contents: [{ role: "user", parts: requestParts(request) }],
      config: {
        responseModalities: ["IMAGE", "TEXT"],
        imageConfig: { aspectRatio: request.aspectRatio, imageSize: request.size },
        ...(request.grounding ? { tools: [{ googleSearch: {} }] } : {}),
        abortSignal: signal,
        httpOptions: { fetch: recordingFetch },
      },
    });
  } catch (error) {
    throw toImageGenerationError(error, { signal, model, retryAfterHeader });
  }
  return readResponse(response, prices, request.size);
}

function requestParts(request: ImageRequest): Part[] {
  return [
    { text: request.prompt },
    ...request.sources.map((source) => ({
      inlineData: { mimeType: source.mimeType, data: Buffer.from(source.bytes).toString("base64") },
    })),
  ];
}

/**
 * The images and text of the answer. Charging rule: only images actually returned are
 * charged; a blocked prompt, a safety stop or an answer without an image costs nothing.
 */
function readResponse(
  response: GenerateContentResponse,
  prices: ToolPriceList,
  size: ImageSize,
): GeneratedImages {
  const blockReason = response.promptFeedback?.blockReason;
  if (blockReason !== undefined) {
    const detail = response.promptFeedback?.blockReasonMessage;
    throw new ImageGenerationError(
      "blocked",
      `The prompt was blocked by the image model's safety filters (${blockReason})${detail ? `: ${detail}` : ""}.`,
      { reason: blockReason },
    );
  }
  const candidate = response.candidates?.[0];
  const parts = candidate?.content?.parts ?? [];
  // Thought parts are the model's drafts (Gemini 3 Pro Image thinks in images); only the
  // final output is delivered and billed.
  const output = parts.filter((part) => part.thought !== true);
  const text = output
    .map((part) => part.text ?? "")
    .join("")
    .trim();
  const images: GeneratedImage[] = [];
  for (const part of output) {
    const data = part.inlineData?.data;
    const mimeType = part.inlineData?.mimeType ?? "";
    if (data !== undefined && data !== "" && mimeType.startsWith("image/")) {
      images.push({ bytes: Buffer.from(data, "base64"), mimeType });
    }
  }
  if (images.length === 0) {
    const finishReason = candidate?.finishReason ?? "none";
    if (BLOCKING_FINISH_REASONS.has(finishReason)) {
      throw new ImageGenerationError(
        "blocked",
        `The image was blocked by the image model's safety filters (${finishReason}).`,
        { reason: finishReason, modelText: text || null },
      );
    }
    throw new ImageGenerationError(
      "no_image",
      `The image model returned no image (finish reason ${finishReason})${text ? `; it said: ${text}` : ""}.`,
      { reason: finishReason, modelText: text || null },
    );
  }
  return { images, text, charge: toolChargeFor(prices, { [imageUnit(size)]: images.length }) };
}
