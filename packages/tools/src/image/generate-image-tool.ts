/**
 * The `generate_image` tool: makes or edits an image with Gemini, stores it as a pending
 * file of the thread and shows it to the model. It is not sent to the chat: the model
 * delivers it with `deliver_file`. Paid per image produced, by size.
 */
import { type ToolOutcome, type ToolRunContext, toolFailure } from "@bot/actors";
import type { ThreadFile } from "@bot/domain";
import type { ContentPart } from "@bot/llm";
import { z } from "zod";
import { readImageHeader } from "../files/image-header.ts";
import { defineTool, type ToolDefinition } from "../tool-definition.ts";
import { ImageGenerationError } from "./image-generation-error.ts";
import {
  createImageGenerator,
  type GeneratedImage,
  type ImageGenerator,
  type ImageGeneratorOptions,
  type SourceImage,
} from "./image-generator.ts";
import {
  ASPECT_RATIOS,
  DEFAULT_ASPECT_RATIO,
  DEFAULT_IMAGE_SIZE,
  IMAGE_SIZES,
  type ImageSize,
  MAX_SOURCE_BYTES,
  MAX_SOURCE_IMAGES,
  SOURCE_IMAGE_MIME_TYPES,
} from "./image-options.ts";
import { imagePreview } from "./image-preview.ts";

const generateImageInput = z.object({
  prompt: z
    .string()
    .min(1)
    .max(8_000)
    .describe("What to draw, or how to change the source images; English works best, be specific."),
  aspect_ratio: z.enum(ASPECT_RATIOS).default(DEFAULT_ASPECT_RATIO).describe("Width:height of the image."),
  image_size: z
    .enum(IMAGE_SIZES)
    .default(DEFAULT_IMAGE_SIZE)
    .describe("1K (about 1024 px), 2K or 4K on the longer side; 4K costs more."),
  source_file_ids: z
    .array(z.string().min(1))
    .max(MAX_SOURCE_IMAGES)
    .default([])
    .describe(`Up to ${MAX_SOURCE_IMAGES} images of this conversation to edit or combine (see list_files).`),
  use_search_grounding: z
    .boolean()
    .default(false)
    .describe(
      "Let the model look things up with Google Search first (current events, real places, products).",
    ),
});

/** The tool's input after validation. */
export type GenerateImageInput = z.output<typeof generateImageInput>;

/** Gemini settings for the tool (see {@link ImageGeneratorOptions}), or a ready generator. */
export type GenerateImageToolOptions = ImageGeneratorOptions | { readonly generator: ImageGenerator };

/**
 * Creates the paid `generate_image` tool. Throws at creation for a retired or unpriced
 * model.
 */
export function createGenerateImageTool(
  options: GenerateImageToolOptions,
): ToolDefinition<GenerateImageInput> {
  const generator = "generator" in options ? options.generator : createImageGenerator(options);
  return defineTool({
    name: "generate_image",
    description:
      "Generates an image from a prompt, or edits/combines images of this conversation (source_file_ids). " +
      "The image is stored but not sent: send it with deliver_file. Paid per image, 4K costs more.",
    input: generateImageInput,
    paid: true,
    run: (input, context) => run(input, context, generator),
  });
}

async function run(
  input: GenerateImageInput,
  context: ToolRunContext,
  generator: ImageGenerator,
): Promise<ToolOutcome> {
  const sources = await loadSources(input.source_file_ids, context);
  if ("outcome" in sources) return sources.outcome;
  let generated: Awaited<ReturnType<ImageGenerator["generate"]>>;
  try {
    generated = await generator.generate({
      prompt: input.prompt,
      aspectRatio: input.aspect_ratio,
      size: input.image_size,
      sources: sources.images,
      grounding: input.use_search_grounding,
      signal: context.signal,
    });
  } catch (error) {
    if (!(error instanceof ImageGenerationError)) throw error;
    // No image, no charge (see readResponse): every failure here is free.
    return toolFailure(error.kind, error.message, {
      ...(error.reason === null ? {} : { reason: error.reason }),
      ...(error.modelText === null ? {} : { model_text: error.modelText }),
      ...(error.retryAfterSeconds === null ? {} : { retry_after_seconds: error.retryAfterSeconds }),
    });
  }
  const { charge } = generated;
  const stored: { file: ThreadFile; image: GeneratedImage }[] = [];
  let next = nextImageNumber(context.files.list());
  try {
    for (const image of generated.images) {
      const file = await context.files.produce({
        bytes: image.bytes,
        name: `image-${next}.${extensionOf(image.mimeType)}`,
        mimeType: image.mimeType,
        kind: "image",
      });
      next += 1;
      stored.push({ file, image });
    }
  } catch (error) {
    context.logger.error({ err: error }, "generate_image: could not store the image");
    // The provider made (and billed) the image, so the charge stands.
    return toolFailure(
      "storage_error",
      "The image was generated but could not be stored; try again.",
      {},
      charge,
    );
  }
  return outcome(stored, generated.text, input.image_size, charge);
}

async function outcome(
  stored: readonly { file: ThreadFile; image: GeneratedImage }[],
  text: string,
  size: ImageSize,
  charge: ToolOutcome["charge"],
): Promise<ToolOutcome> {
  const [first, ...others] = stored;
  if (first === undefined) throw new Error("generate_image: no image to report");
  const dimensions = readImageHeader(first.image.bytes);
  const previews: ContentPart[] = [];
  for (const { image } of stored) {
    const preview = await imagePreview(image.bytes, image.mimeType, readImageHeader(image.bytes));
    if (preview !== null) previews.push(preview);
  }
  const result = {
    file_id: first.file.fileId,
    width: dimensions?.width ?? null,
    height: dimensions?.height ?? null,
    size,
    mime_type: first.image.mimeType,
    bytes: first.image.bytes.length,
    text,
    ...(others.length > 0 ? { other_file_ids: others.map(({ file }) => file.fileId) } : {}),
    next_step: deliveryHint(first.file.fileId, size),
    ...(previews.length < stored.length ? { preview: "not attached (the image could not be shrunk)" } : {}),
  };
  return {
    ok: true,
    content: [{ type: "text", text: JSON.stringify(result) }, ...previews],
    errorKind: null,
    summary: `generated ${stored.length} ${size} image(s): ${stored.map(({ file }) => file.fileId).join(", ")}`,
    charge,
  };
}

function deliveryHint(fileId: string, size: ImageSize): string {
  const base = `Not sent yet: call deliver_file with file_id "${fileId}" to show it to the user.`;
  // Telegram recompresses photos to about 1280 px, which would throw a 4K image away.
  return size === "4K"
    ? `${base} Send a 4K image as a document (send_mode "document") so Telegram keeps its resolution.`
    : `${base} As a photo it is recompressed by Telegram; send it as a document when full quality matters.`;
}

/** Loads the source images, or the outcome explaining why they cannot be used. */
async function loadSources(
  fileIds: readonly string[],
  context: ToolRunContext,
): Promise<{ images: SourceImage[] } | { outcome: ToolOutcome }> {
  if (fileIds.length > MAX_SOURCE_IMAGES) {
    return {
      outcome: toolFailure("bad_input", `At most ${MAX_SOURCE_IMAGES} source images; got ${fileIds.length}.`),
    };
  }
  const files: ThreadFile[] = [];
  const all = context.files.list();
  for (const fileId of fileIds) {
    const file = all.find((candidate) => candidate.fileId === fileId);
    const problem = sourceProblem(fileId, file);
    if (problem !== null) return { outcome: toolFailure("bad_input", problem, { file_id: fileId }) };
    if (file !== undefined) files.push(file);
  }
  const total = files.reduce((sum, file) => sum + file.sizeBytes, 0);
  if (total > MAX_SOURCE_BYTES) {
    return {
      outcome: toolFailure(
        "bad_input",
        `The source images total ${(total / (1024 * 1024)).toFixed(1)} MB; at most ${MAX_SOURCE_BYTES / (1024 * 1024)} MB fit in one request. Use fewer.`,
      ),
    };
  }
  const images: SourceImage[] = [];
  for (const file of files) {
    try {
      images.push({ bytes: await context.files.read(file.fileId), mimeType: file.mimeType });
    } catch (error) {
      context.logger.warn(
        { err: error, fileId: file.fileId },
        "generate_image: could not read a source image",
      );
      return {
        outcome: toolFailure("file_unavailable", `Could not download "${file.name}".`, {
          file_id: file.fileId,
        }),
      };
    }
  }
  return { images };
}

function sourceProblem(fileId: string, file: ThreadFile | undefined): string | null {
  if (file === undefined) return `There is no file "${fileId}" in this conversation; call list_files.`;
  if (file.kind !== "photo" && file.kind !== "image") {
    return `"${file.name}" is a ${file.kind} file; only images can be source images.`;
  }
  if (!SOURCE_IMAGE_MIME_TYPES.includes(file.mimeType)) {
    return `"${file.name}" is ${file.mimeType}; source images must be PNG, JPEG, WebP or HEIC.`;
  }
  return null;
}

/** One more than the highest `image-<n>` name in the thread, so names stay unique. */
function nextImageNumber(files: readonly ThreadFile[]): number {
  let highest = 0;
  for (const file of files) {
    const match = /^image-(\d+)\./.exec(file.name);
    if (match?.[1] !== undefined) highest = Math.max(highest, Number(match[1]));
  }
  return highest + 1;
}

function extensionOf(mimeType: string): string {
  switch (mimeType) {
    case "image/jpeg":
      return "jpg";
    case "image/webp":
      return "webp";
    default:
      return "png";
  }
}
