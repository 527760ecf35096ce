import type { ImageConverter } from "@bot/actors";
import sharp from "sharp";

/**
 * Image formats the models cannot read but sharp (libvips) can: converted to PNG before
 * the model sees them. HEIC/HEIF and BMP are not among them (the prebuilt libvips has no
 * decoder for them), so the bot refuses those with a reply instead.
 */
export const CONVERTIBLE_IMAGE_TYPES: ReadonlySet<string> = new Set([
  "image/tiff",
  "image/avif",
  "image/svg+xml",
]);

/** The largest side of a converted image: more only costs tokens (the models scale it down). */
const MAX_SIDE = 4096;

/** Converts with sharp; SVGs are rendered, multi-page TIFFs keep their first page. */
export const sharpImageConverter: ImageConverter = {
  convertible: (mimeType) => CONVERTIBLE_IMAGE_TYPES.has(mimeType),
  async toPng(bytes) {
    return sharp(bytes, { limitInputPixels: 100_000_000 })
      .resize({ width: MAX_SIDE, height: MAX_SIDE, fit: "inside", withoutEnlargement: true })
      .png()
      .toBuffer();
  },
};
