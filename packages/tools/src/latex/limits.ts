/** Size limits shared by both engines, and the failure they produce. */
import type { RenderLatexFailure } from "./types.ts";
import { latexFailure } from "./types.ts";

/** Pixel limits for the PNG. */
export interface PixelLimits {
  /** Longest side, px. */
  readonly maxSide: number;
  /** Width × height, px. */
  readonly maxPixels: number;
}

/** The user-facing `too_large` failure for an image of the given size. */
export function tooLarge(width: number, height: number, limits: PixelLimits): RenderLatexFailure {
  return latexFailure(
    "too_large",
    `The image would be ${width}×${height} px, over the limit of ${limits.maxSide} px per side and ` +
      `${(limits.maxPixels / 1_000_000).toFixed(1)} megapixels. Split it into smaller parts or use a lower dpi.`,
  );
}

/** Exhaustiveness check for switches over unions. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
