import type { GeminiImageSize } from "./types.ts";

/**
 * Model ids the fake serves by default. `gemini-3-pro-image-preview` is deliberately absent: it was
 * shut down in June 2026 and the API answers 404 NOT_FOUND for it.
 */
export const DEFAULT_GEMINI_MODELS: readonly string[] = [
  "gemini-3-pro-image",
  "gemini-2.5-flash-image",
  "gemini-3-pro",
  "gemini-3-flash",
  "gemini-2.5-flash",
];

/** API versions in the path the fake answers; the SDK's default is `v1` (3.x), `v1beta` before. */
export const GEMINI_API_VERSIONS: readonly string[] = ["v1", "v1beta", "v1alpha"];

/** Most source images one request may carry (Gemini 3 Pro Image). */
export const MAX_SOURCE_IMAGES = 14;

/** Values `imageConfig.imageSize` accepts (upper-case K only; the fake refuses "1k"). */
export const IMAGE_SIZES: readonly GeminiImageSize[] = ["1K", "2K", "4K"];

/** Output pixels of the 1K size per aspect ratio; 2K and 4K are 2× and 4× each side. */
const ONE_K_PIXELS: Readonly<Record<string, readonly [number, number]>> = {
  "1:1": [1024, 1024],
  "2:3": [848, 1264],
  "3:2": [1264, 848],
  "3:4": [896, 1200],
  "4:3": [1200, 896],
  "4:5": [928, 1152],
  "5:4": [1152, 928],
  "9:16": [768, 1376],
  "16:9": [1376, 768],
  "21:9": [1584, 672],
};

/** Aspect ratios `imageConfig.aspectRatio` accepts. */
export const ASPECT_RATIOS: readonly string[] = Object.keys(ONE_K_PIXELS);

const SCALE: Readonly<Record<GeminiImageSize, number>> = { "1K": 1, "2K": 2, "4K": 4 };

/** The pixel size an image model returns for an aspect ratio and image size (defaults 1:1, 1K). */
export function outputPixels(
  aspectRatio: string | null,
  imageSize: string | null,
): { width: number; height: number } {
  const base = ONE_K_PIXELS[aspectRatio ?? "1:1"] ?? [1024, 1024];
  const scale = SCALE[(imageSize ?? "1K") as GeminiImageSize] ?? 1;
  return { width: base[0] * scale, height: base[1] * scale };
}

/** Output tokens one image costs: 1120 for 1K and 2K, 2000 for 4K (Gemini 3 Pro Image). */
export function imageOutputTokens(imageSize: string | null): number {
  return imageSize === "4K" ? 2000 : 1120;
}
