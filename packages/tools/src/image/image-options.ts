/**
 * What the image model accepts and what the tool defaults to. The original bot's defaults
 * (1:1, 2K) are kept; its 512px size and extreme ratios (1:8, 8:1...) are not offered
 * because Gemini 3 Pro Image does not take them.
 */

/** `imageConfig.aspectRatio` values Gemini 3 Pro Image accepts. */
export const ASPECT_RATIOS = [
  "1:1",
  "2:3",
  "3:2",
  "3:4",
  "4:3",
  "4:5",
  "5:4",
  "9:16",
  "16:9",
  "21:9",
] as const;

/** One of {@link ASPECT_RATIOS}. */
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

/** `imageConfig.imageSize` values (upper-case K: the API refuses "2k"). */
export const IMAGE_SIZES = ["1K", "2K", "4K"] as const;

/** One of {@link IMAGE_SIZES}. */
export type ImageSize = (typeof IMAGE_SIZES)[number];

/** As the original bot. */
export const DEFAULT_ASPECT_RATIO: AspectRatio = "1:1";
/** As the original bot. */
export const DEFAULT_IMAGE_SIZE: ImageSize = "2K";

/** The default model: the GA successor of the retired preview. */
export const DEFAULT_IMAGE_MODEL = "gemini-3-pro-image";

/** Most source images one request may carry (Gemini 3 Pro Image). */
export const MAX_SOURCE_IMAGES = 14;

/** Gemini's limit for a whole inline request is 20 MB; base64 adds a third, so the raw images get less. */
export const MAX_SOURCE_BYTES = 14 * 1024 * 1024;

/** Image types Gemini takes as inline input. */
export const SOURCE_IMAGE_MIME_TYPES: readonly string[] = [
  "image/png",
  "image/jpeg",
  "image/webp",
  "image/heic",
  "image/heif",
];

/** Model ids Google shut down, with their successor; configuring one fails at start-up. */
export const RETIRED_IMAGE_MODELS: Readonly<Record<string, string>> = {
  "gemini-3-pro-image-preview": "gemini-3-pro-image",
};

/** The registry unit each size is priced in (`generate_image:<model>`). */
export function imageUnit(size: ImageSize): "images1k" | "images2k" | "images4k" {
  switch (size) {
    case "1K":
      return "images1k";
    case "2K":
      return "images2k";
    case "4K":
      return "images4k";
    default:
      return unreachable(size);
  }
}

/** Every unit {@link imageUnit} may return: the price list must have them all. */
export const IMAGE_UNITS: readonly string[] = IMAGE_SIZES.map(imageUnit);

function unreachable(value: never): never {
  throw new Error(`unexpected image size ${String(value)}`);
}
