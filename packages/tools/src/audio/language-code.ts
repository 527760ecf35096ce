/**
 * verbose_json reports the language by its English name ("russian"); callers want the
 * ISO-639-1 code the rest of the bot uses ("ru"). The table is built once from the
 * runtime's ICU data rather than kept by hand.
 */

let codesByName: ReadonlyMap<string, string> | undefined;

function buildCodes(): ReadonlyMap<string, string> {
  const names = new Intl.DisplayNames(["en"], { type: "language", fallback: "none" });
  const codes = new Map<string, string>();
  const letters = "abcdefghijklmnopqrstuvwxyz";
  for (const first of letters) {
    for (const second of letters) {
      const code = `${first}${second}`;
      const name = names.of(code);
      if (name !== undefined && !codes.has(name.toLowerCase())) codes.set(name.toLowerCase(), code);
    }
  }
  return codes;
}

/** Whether `value` looks like an ISO-639-1 code (two lower-case letters). */
export function isLanguageCode(value: string): boolean {
  return /^[a-z]{2}$/.test(value);
}

/**
 * The ISO-639-1 code of a language as the API reported it: a code stays a code, an English
 * name becomes its code, and anything else is returned lower-cased as it came.
 */
export function languageCode(reported: string): string {
  const value = reported.trim().toLowerCase();
  if (isLanguageCode(value)) return value;
  codesByName ??= buildCodes();
  return codesByName.get(value) ?? value;
}
