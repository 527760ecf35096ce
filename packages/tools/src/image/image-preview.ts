/**
 * The copy of a generated image the model is shown. Anthropic takes images up to 5 MB and
 * scales anything beyond about 1568 px down anyway, so a 2K or 4K original is shrunk here
 * (resvg, already used for LaTeX) instead of bloating the context or being refused.
 */
import type { AttachmentPart } from "@bot/llm";
/** Pixel size of the image (from its header). */
export interface Dimensions {
  readonly width: number;
  readonly height: number;
}

/** Longest side of a preview, px (what Anthropic keeps at most). */
export const PREVIEW_MAX_SIDE = 1568;
/** Largest original sent unchanged (5 MB once base64-encoded). */
export const PREVIEW_MAX_BYTES = 3_750_000;

/** The image block for the model, or null when no preview could be made. */
export async function imagePreview(
  bytes: Uint8Array,
  mimeType: string,
  size: Dimensions | null,
): Promise<AttachmentPart | null> {
  const fits =
    size !== null &&
    Math.max(size.width, size.height) <= PREVIEW_MAX_SIDE &&
    bytes.length <= PREVIEW_MAX_BYTES;
  if (fits) return block(bytes, mimeType);
  if (size === null) return null;
  try {
    const { renderAsync } = await import("@resvg/resvg-js");
    const data = Buffer.from(bytes).toString("base64");
    const svg =
      `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ` +
      `width="${size.width}" height="${size.height}" viewBox="0 0 ${size.width} ${size.height}">` +
      `<image width="${size.width}" height="${size.height}" xlink:href="data:${mimeType};base64,${data}"/></svg>`;
    const wide = size.width >= size.height;
    const rendered = await renderAsync(svg, {
      fitTo: {
        mode: wide ? "width" : "height",
        value: Math.min(PREVIEW_MAX_SIDE, wide ? size.width : size.height),
      },
      font: { loadSystemFonts: false },
      logLevel: "off",
    });
    const png = rendered.asPng();
    return png.length <= PREVIEW_MAX_BYTES ? block(png, "image/png") : null;
  } catch {
    // A preview is a convenience: the image itself was made and stored.
    return null;
  }
}

function block(bytes: Uint8Array, mediaType: string): AttachmentPart {
  return { type: "image", base64: { mediaType, data: Buffer.from(bytes).toString("base64") } };
}
