const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** Longest text shown in a timeline line or a state line unless `--full`. */
export const SHORT_TEXT = 80;

/**
 * Quotes a text for one output line: JSON escapes keep newlines and control
 * characters visible and on the line. Unless `full`, cut to `max` characters
 * (whole graphemes: no emoji is split) with "…" after the closing quote.
 */
export function quote(text: string, full: boolean, max = SHORT_TEXT): string {
  if (full || text.length <= max) return JSON.stringify(text);
  let cut = "";
  for (const { segment } of graphemes.segment(text)) {
    if (cut.length + segment.length > max) break;
    cut += segment;
  }
  return `${JSON.stringify(cut)}… (${text.length} chars)`;
}
