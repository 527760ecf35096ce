/**
 * The format and pixel size of an image, read from its first bytes. Enough to decide
 * whether Telegram takes it as a photo; no decoding.
 */

/** Raster formats we recognise by their signature. */
export type ImageFormat = "png" | "jpeg" | "webp" | "gif";

/** What the header says. */
export interface ImageHeader {
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Reads the format and size, or `null` when the bytes are not a PNG, JPEG, WebP or GIF whose
 * size could be read (truncated, corrupt, or another format).
 */
export function readImageHeader(bytes: Uint8Array): ImageHeader | null {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (data.subarray(0, 8).equals(PNG_SIGNATURE)) return pngHeader(data);
  if (data[0] === 0xff && data[1] === 0xd8) return jpegHeader(data);
  if (data.toString("latin1", 0, 4) === "RIFF" && data.toString("latin1", 8, 12) === "WEBP") {
    return webpHeader(data);
  }
  const gif = data.toString("latin1", 0, 6);
  if ((gif === "GIF87a" || gif === "GIF89a") && data.length >= 10) {
    return sized("gif", data.readUInt16LE(6), data.readUInt16LE(8));
  }
  return null;
}

function sized(format: ImageFormat, width: number, height: number): ImageHeader | null {
  return width > 0 && height > 0 ? { format, width, height } : null;
}

/** IHDR is the first chunk: length (4), "IHDR" (4), width and height, big-endian. */
function pngHeader(data: Buffer): ImageHeader | null {
  if (data.length < 24 || data.toString("latin1", 12, 16) !== "IHDR") return null;
  return sized("png", data.readUInt32BE(16), data.readUInt32BE(20));
}

/** Start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Walks the marker segments up to the first start-of-frame (EXIF and other APPn come first). */
function jpegHeader(data: Buffer): ImageHeader | null {
  let at = 2;
  while (at + 4 <= data.length) {
    if (data[at] !== 0xff) return null;
    const marker = data[at + 1] ?? 0;
    // Fill bytes: any number of 0xFF may precede a marker.
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    // Markers without a length field.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      at += 2;
      continue;
    }
    // Start of scan or end of image before any frame header: no size to read.
    if (marker === 0xda || marker === 0xd9) return null;
    const length = data.readUInt16BE(at + 2);
    if (isStartOfFrame(marker)) {
      // Segment: length (2), precision (1), height (2), width (2).
      if (at + 9 > data.length) return null;
      return sized("jpeg", data.readUInt16BE(at + 7), data.readUInt16BE(at + 5));
    }
    if (length < 2) return null;
    at += 2 + length;
  }
  return null;
}

/** The first chunk after the RIFF header says which of the three WebP encodings it is. */
function webpHeader(data: Buffer): ImageHeader | null {
  const chunk = data.toString("latin1", 12, 16);
  if (chunk === "VP8 " && data.length >= 30) {
    // Key frame: 3-byte frame tag, start code 9D 01 2A, then 14-bit width and height.
    if (data[23] !== 0x9d || data[24] !== 0x01 || data[25] !== 0x2a) return null;
    return sized("webp", data.readUInt16LE(26) & 0x3fff, data.readUInt16LE(28) & 0x3fff);
  }
  if (chunk === "VP8L" && data.length >= 25) {
    // Signature 0x2F, then width−1 and height−1 as two 14-bit fields, little-endian.
    if (data[20] !== 0x2f) return null;
    const bits = data.readUInt32LE(21);
    return sized("webp", (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === "VP8X" && data.length >= 30) {
    // Flags (4), then canvas width−1 and height−1 as 24-bit little-endian numbers.
    return sized("webp", data.readUIntLE(24, 3) + 1, data.readUIntLE(27, 3) + 1);
  }
  return null;
}
