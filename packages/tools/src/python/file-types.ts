/** What an output file is: its MIME type and the bot's file kind, from magic bytes and the name. */
import type { FileKind } from "@bot/domain";

const BY_EXTENSION: Readonly<Record<string, readonly [mimeType: string, kind: FileKind]>> = {
  png: ["image/png", "image"],
  jpg: ["image/jpeg", "image"],
  jpeg: ["image/jpeg", "image"],
  gif: ["image/gif", "image"],
  webp: ["image/webp", "image"],
  svg: ["image/svg+xml", "image"],
  bmp: ["image/bmp", "image"],
  pdf: ["application/pdf", "pdf"],
  csv: ["text/csv", "spreadsheet"],
  tsv: ["text/tab-separated-values", "spreadsheet"],
  xlsx: ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "spreadsheet"],
  xls: ["application/vnd.ms-excel", "spreadsheet"],
  ods: ["application/vnd.oasis.opendocument.spreadsheet", "spreadsheet"],
  txt: ["text/plain", "text"],
  md: ["text/markdown", "text"],
  json: ["application/json", "text"],
  html: ["text/html", "text"],
  xml: ["application/xml", "text"],
  py: ["text/x-python", "text"],
  tex: ["text/x-tex", "text"],
  log: ["text/plain", "text"],
  yaml: ["application/yaml", "text"],
  yml: ["application/yaml", "text"],
  mp3: ["audio/mpeg", "audio"],
  wav: ["audio/wav", "audio"],
  ogg: ["audio/ogg", "audio"],
  mp4: ["video/mp4", "video"],
  webm: ["video/webm", "video"],
  zip: ["application/zip", "other"],
  docx: ["application/vnd.openxmlformats-officedocument.wordprocessingml.document", "other"],
  pptx: ["application/vnd.openxmlformats-officedocument.presentationml.presentation", "other"],
};

/** The image formats that go back to the model as image blocks. */
export type BlockImageType = "image/png" | "image/jpeg";

/** PNG or JPEG by magic bytes; null for anything else, whatever its name says. */
export function sniffBlockImage(bytes: Uint8Array): BlockImageType | null {
  if (
    bytes.length >= 8 &&
    bytes[0] === 0x89 &&
    bytes[1] === 0x50 &&
    bytes[2] === 0x4e &&
    bytes[3] === 0x47 &&
    bytes[4] === 0x0d &&
    bytes[5] === 0x0a &&
    bytes[6] === 0x1a &&
    bytes[7] === 0x0a
  ) {
    return "image/png";
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  return null;
}

/**
 * MIME type and kind of a file. Magic bytes win for PNG and JPEG (a chart saved as `.jpg`
 * by matplotlib with a PNG backend is still a PNG); otherwise the extension decides.
 */
export function describeFile(name: string, bytes: Uint8Array): { mimeType: string; kind: FileKind } {
  const sniffed = sniffBlockImage(bytes);
  if (sniffed) return { mimeType: sniffed, kind: "image" };
  const dot = name.lastIndexOf(".");
  const extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
  const known = BY_EXTENSION[extension];
  if (known) return { mimeType: known[0], kind: known[1] };
  return { mimeType: "application/octet-stream", kind: "other" };
}

/** Width and height of a PNG or JPEG, or null when the header cannot be read. */
export function imageSize(bytes: Uint8Array, type: BlockImageType): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (type === "image/png") {
    // IHDR is always the first chunk: width and height at bytes 16 and 20.
    return bytes.length >= 24 ? { width: view.getUint32(16), height: view.getUint32(20) } : null;
  }
  // JPEG: walk the marker segments to the first start-of-frame (SOF0..SOF15 minus DHT/JPG/DAC).
  let offset = 2;
  while (offset + 9 <= bytes.length) {
    if (bytes[offset] !== 0xff) return null;
    const marker = bytes[offset + 1] ?? 0;
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    const length = view.getUint16(offset + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) return { height: view.getUint16(offset + 5), width: view.getUint16(offset + 7) };
    offset += 2 + length;
  }
  return null;
}
