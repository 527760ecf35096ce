/**
 * Bytes to text for previews: UTF-8 (with or without BOM), UTF-16 with a BOM, and
 * Windows-1251 as the fallback for what is not UTF-8 (Russian Excel and Notepad exports).
 */

/** Decoded text and the encoding it was read with. */
export interface DecodedText {
  readonly text: string;
  /** "utf-8", "utf-16le", "utf-16be", or "windows-1251 (guessed)". */
  readonly encoding: string;
}

/** How many leading bytes are checked for NUL, the mark of a binary file. */
const SNIFF_BYTES = 8192;

/** Whether the bytes look like text: no NUL in the first 8 KB (UTF-16 is recognised by its BOM first). */
export function looksLikeText(bytes: Uint8Array): boolean {
  if (utf16Bom(bytes) !== null) return true;
  return !bytes.subarray(0, SNIFF_BYTES).includes(0);
}

/**
 * Decodes text. `fallback: false` returns `null` for bytes that are not valid UTF-8, so a
 * file of unknown type is not shown as mojibake.
 */
export function decodeText(bytes: Uint8Array, fallback: boolean): DecodedText | null {
  const bom = utf16Bom(bytes);
  if (bom !== null) return { text: new TextDecoder(bom).decode(bytes), encoding: bom };
  try {
    // The decoder drops a UTF-8 BOM by default.
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: "utf-8" };
  } catch {
    if (!fallback) return null;
    return { text: new TextDecoder("windows-1251").decode(bytes), encoding: "windows-1251 (guessed)" };
  }
}

function utf16Bom(bytes: Uint8Array): "utf-16le" | "utf-16be" | null {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  return null;
}
