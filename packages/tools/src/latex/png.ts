/** The little of PNG this module needs: the signature and the IHDR size. */

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk, or `null` when `data` is not a PNG. */
export function pngSize(data: Buffer): { readonly width: number; readonly height: number } | null {
  // Signature (8 bytes), IHDR length (4) and type (4), then width and height, big-endian.
  if (data.length < 24 || !data.subarray(0, 8).equals(SIGNATURE)) return null;
  if (data.toString("latin1", 12, 16) !== "IHDR") return null;
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}
