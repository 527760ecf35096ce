/**
 * Whether Telegram accepts a file as a photo (sendPhoto): at most 10 MB, width + height at
 * most 10 000 px, and an aspect ratio of at most 20. Anything else must go as a document.
 */
import type { ImageFormat, ImageHeader } from "./image-header.ts";
import { readImageHeader } from "./image-header.ts";

/** Telegram's sendPhoto limits. 10 MB is read as 10⁷ bytes: the stricter reading is always accepted. */
export const TELEGRAM_PHOTO_LIMITS = {
  maxBytes: 10_000_000,
  maxWidthPlusHeight: 10_000,
  maxAspectRatio: 20,
} as const;

/** Formats Telegram shows as a photo. A GIF would lose its animation, so it goes as a document. */
const PHOTO_FORMATS: ReadonlySet<ImageFormat> = new Set(["jpeg", "png", "webp"]);

/** The verdict: a photo, or why not. */
export type PhotoFit =
  | { readonly ok: true; readonly image: ImageHeader }
  | { readonly ok: false; readonly reason: string; readonly image: ImageHeader | null };

/** Checks a file's bytes against Telegram's photo limits; `reason` is a sentence for the model. */
export function photoFit(bytes: Uint8Array): PhotoFit {
  const limits = TELEGRAM_PHOTO_LIMITS;
  const image = readImageHeader(bytes);
  if (image === null) {
    return { ok: false, reason: "it is not a JPEG, PNG or WebP image whose size could be read", image };
  }
  if (!PHOTO_FORMATS.has(image.format)) {
    return {
      ok: false,
      reason: `it is a ${image.format.toUpperCase()}; only JPEG, PNG and WebP can be sent as photos`,
      image,
    };
  }
  if (bytes.byteLength > limits.maxBytes) {
    return {
      ok: false,
      reason: `it has ${bytes.byteLength} bytes; a photo may have at most ${limits.maxBytes}`,
      image,
    };
  }
  const { width, height } = image;
  if (width + height > limits.maxWidthPlusHeight) {
    return {
      ok: false,
      reason: `it is ${width}×${height} px; a photo's width plus height may be at most ${limits.maxWidthPlusHeight}`,
      image,
    };
  }
  const ratio = Math.max(width, height) / Math.min(width, height);
  if (ratio > limits.maxAspectRatio) {
    return {
      ok: false,
      reason: `it is ${width}×${height} px, an aspect ratio of ${ratio.toFixed(1)}; a photo's may be at most ${limits.maxAspectRatio}`,
      image,
    };
  }
  return { ok: true, image };
}
