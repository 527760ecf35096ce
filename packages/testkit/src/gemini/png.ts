import { crc32, deflateSync } from "node:zlib";

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const MAX_SIDE = 16_384;
const cache = new Map<string, Buffer>();

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A valid PNG of `width`×`height` pixels in one colour. It is a 1-bit palette image, so even
 * 6336×2688 is a 2 MB raw scan that deflates to a few KB in milliseconds; any decoder reads the full
 * size from IHDR. Results are cached per size and colour.
 */
export function solidPng(width: number, height: number, rgb: readonly [number, number, number] = [0, 0, 0]) {
  for (const side of [width, height]) {
    if (!Number.isInteger(side) || side < 1 || side > MAX_SIDE) {
      throw new RangeError(`PNG sides must be integers in 1..${MAX_SIDE}, got ${width}x${height}`);
    }
  }
  const key = `${width}x${height}:${rgb.join(",")}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 3; // colour type: palette
  // Bytes 10-12 stay 0: deflate, adaptive filtering, no interlace.
  // Every row is a filter byte 0 and index-0 pixels, so the scan is all zeros.
  const scan = Buffer.alloc(height * (1 + Math.ceil(width / 8)));
  const png = Buffer.concat([
    SIGNATURE,
    chunk("IHDR", ihdr),
    chunk("PLTE", Buffer.from(rgb.map((value) => value & 0xff))),
    chunk("IDAT", deflateSync(scan)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
  cache.set(key, png);
  return png;
}

/** Width and height from a PNG's IHDR; throws if the bytes are not a PNG. */
export function readPngSize(bytes: Uint8Array): { width: number; height: number } {
  const png = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (png.length < 24 || !png.subarray(0, 8).equals(SIGNATURE) || png.toString("latin1", 12, 16) !== "IHDR") {
    throw new Error("not a PNG (no signature and IHDR)");
  }
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
