/** What a redacted value is replaced with in logs. */
export const REDACTED = "[redacted]";

/**
 * Key names (compared case-insensitively, ignoring `_` and `-`) that mark a value
 * as secret wherever it appears in a log object. Suffix match, so `opsToken`,
 * `anthropic_api_key` and `x-api-key` are covered, while counters such as
 * `inputTokens` are not.
 */
const SENSITIVE_KEY_SUFFIXES = [
  "token",
  "apikey",
  "secret",
  "password",
  "passwd",
  "authorization",
  "cookie",
  "privatekey",
  "credentials",
  "databaseurl",
  "eventstoreurl",
  "connectionstring",
] as const;

/** Whether a property with this name holds a secret that logs must not show. */
export function isSensitiveKey(key: string): boolean {
  const normalised = key.toLowerCase().replace(/[-_]/g, "");
  return SENSITIVE_KEY_SUFFIXES.some((suffix) => normalised.endsWith(suffix));
}

/**
 * pino `redact` paths. The key-based sanitiser already censors plain objects at any
 * depth; these paths are the backstop for class instances it deliberately leaves
 * alone (their own `toJSON` must keep working), such as HTTP request objects.
 */
export const REDACT_PATHS: readonly string[] = [
  ...["token", "apiKey", "api_key", "password", "authorization", "secret", "databaseUrl", "cookie"].flatMap(
    (key) => [key, `*.${key}`],
  ),
  "headers.authorization",
  "headers.cookie",
  'headers["x-api-key"]',
  "*.headers.authorization",
  "*.headers.cookie",
  'req.headers["x-api-key"]',
];

/**
 * Hides the password of a connection string, keeping user, host and database
 * readable for diagnostics: `postgres://user:pass@host/db` becomes
 * `postgres://user:***@host/db`. `password`/`sslpassword` query parameters are
 * masked too. Strings that are not `scheme://` URLs are returned unchanged.
 */
export function redactUrl(url: string): string {
  const schemeEnd = url.indexOf("://");
  if (schemeEnd === -1 || !/^[a-z][a-z0-9+.-]*$/i.test(url.slice(0, schemeEnd))) return url;
  const authorityStart = schemeEnd + 3;
  const authorityEnd = firstIndexOf(url, ["/", "?", "#"], authorityStart);
  const authority = url.slice(authorityStart, authorityEnd);
  // The last "@" ends the user info: an unescaped "@" inside a password must stay hidden too.
  const at = authority.lastIndexOf("@");
  const colon = at === -1 ? -1 : authority.indexOf(":");
  const maskedAuthority =
    colon === -1 || colon > at ? authority : `${authority.slice(0, colon)}:***${authority.slice(at)}`;
  const rest = url.slice(authorityEnd).replace(/([?&](?:ssl)?password=)[^&#]*/gi, "$1***");
  return `${url.slice(0, authorityStart)}${maskedAuthority}${rest}`;
}

/**
 * Replaces every occurrence of `token` in `text` (raw and URL-encoded, since a
 * Telegram token's ":" is escaped in some URLs) with {@link REDACTED}. Use it on
 * strings that embed a secret, such as `https://api.telegram.org/bot<token>/getMe`
 * in an error message. A missing or empty token leaves the text unchanged.
 */
export function redactToken(text: string, token: string | undefined): string {
  if (token === undefined || token === "") return text;
  const forms = new Set([token, encodeURIComponent(token)]);
  let redacted = text;
  for (const form of forms) redacted = redacted.split(form).join(REDACTED);
  return redacted;
}

function firstIndexOf(text: string, needles: readonly string[], from: number): number {
  const found = needles.map((needle) => text.indexOf(needle, from)).filter((index) => index !== -1);
  return found.length === 0 ? text.length : Math.min(...found);
}
