/** Runs longer than this many characters are cut, so one "token" stays about word-sized. */
const MAX_RUN_LENGTH = 8;
/** Size of the pieces a long run is cut into, close to a real tokenizer's average. */
const PIECE_LENGTH = 4;

/**
 * Splits text into fake model tokens: each word with the whitespace before it, and words longer
 * than 8 characters cut into 4-character pieces. Joining the tokens gives the text back exactly.
 */
export function splitIntoTokens(text: string): string[] {
  const runs = text.match(/\s*\S+|\s+/g) ?? [];
  const tokens: string[] = [];
  for (const run of runs) {
    // Array.from splits by code point, so a piece never ends inside a surrogate pair.
    const chars = Array.from(run);
    if (chars.length <= MAX_RUN_LENGTH) {
      tokens.push(run);
      continue;
    }
    for (let start = 0; start < chars.length; start += PIECE_LENGTH) {
      tokens.push(chars.slice(start, start + PIECE_LENGTH).join(""));
    }
  }
  return tokens;
}

/** The `partial_json` fragments of a tool input, as the API streams them in `input_json_delta`s. */
export function splitToolInput(input: unknown): string[] {
  return splitIntoTokens(JSON.stringify(input ?? {}));
}
