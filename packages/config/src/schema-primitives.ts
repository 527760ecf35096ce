import { InvalidUsdAmountError, parseUsd } from "@bot/domain";
import { z } from "zod";

/*
 * Small zod builders for env-style strings. Each carries a human message of the
 * form "expected ..."; the loader appends the offending value for non-secrets.
 */

/** A case-insensitive choice among `values`, normalised to lowercase. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z
    .string()
    .toLowerCase()
    .pipe(z.enum(values, { error: `expected one of ${values.join(", ")}` }));
}

/** "1"/"true" or "0"/"false", case-insensitive. */
export function booleanish() {
  return z.stringbool({
    truthy: ["1", "true"],
    falsy: ["0", "false"],
    error: "expected 1, true, 0 or false",
  });
}

/** A TCP port, 0 meaning "pick an ephemeral port". */
export function port() {
  const error = "expected an integer 0-65535";
  return z
    .string()
    .regex(/^\d{1,5}$/, { error })
    .transform(Number)
    .pipe(z.number().int().max(65_535, { error }));
}

/** A URL whose scheme is one of `schemes` (each without "://"). */
export function urlWithScheme(schemes: readonly string[], description: string) {
  return z.string().refine((value) => hasScheme(value, schemes), { error: `expected ${description}` });
}

/** An http(s) base URL; trailing slashes are dropped so callers can append paths. */
export function httpUrl() {
  return urlWithScheme(["http", "https"], "an http:// or https:// URL").transform((value) =>
    value.replace(/\/+$/, ""),
  );
}

/**
 * A lowercase, unquoted Postgres identifier. Lowercase only, because Postgres folds
 * unquoted names and a mixed-case schema would need quoting everywhere.
 */
export function sqlIdentifier() {
  return z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, {
    error:
      "expected a lowercase SQL identifier (a-z, 0-9 and _, not starting with a digit, at most 63 characters)",
  });
}

/** A host name or IP literal to bind to. */
export function host() {
  return z.string().regex(/^[^\s/]+$/, { error: "expected a host name or IP address" });
}

/** `"all"` (or `*`) selects everything; otherwise a comma-separated list of names. */
export function nameList() {
  const error = 'expected "all" or a comma-separated list of names (letters, digits, _ . -)';
  return z.string().transform((value, ctx): "all" | readonly string[] => {
    const lowered = value.toLowerCase();
    if (lowered === "all" || lowered === "*") return "all";
    const names = value.split(",").map((name) => name.trim());
    if (names.some((name) => !/^[A-Za-z0-9_.-]+$/.test(name))) {
      ctx.addIssue({ code: "custom", message: error });
      return z.NEVER;
    }
    return [...new Set(names)];
  });
}

/** A Telegram bot token as issued by @BotFather: `<numeric bot id>:<secret>`. */
export function telegramBotToken() {
  return z.string().regex(/^\d+:\S+$/, { error: "expected <bot id>:<secret> as issued by @BotFather" });
}

function hasScheme(value: string, schemes: readonly string[]): boolean {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(.+)$/i.exec(value);
  if (match === null) return false;
  const scheme = match[1]?.toLowerCase() ?? "";
  if (!schemes.includes(scheme)) return false;
  // Cluster URLs such as esdb://a:2113,b:2113 are not WHATWG-parseable, so only
  // the http(s) family, where fetch() will parse it later anyway, is parsed strictly.
  if (scheme === "http" || scheme === "https") return URL.canParse(value);
  return true;
}

/** An integer of milliseconds (or any count) within [min, max]. */
export function integerIn(min: number, max: number) {
  const error = `expected an integer ${min}-${max}`;
  return z
    .string()
    .regex(/^\d{1,10}$/, { error })
    .transform(Number)
    .pipe(z.number().int().min(min, { error }).max(max, { error }));
}

/** "auto", or a booleanish value. */
export function autoOrBoolean() {
  return z
    .string()
    .toLowerCase()
    .transform((value, ctx): "auto" | boolean => {
      if (value === "auto") return "auto";
      if (value === "1" || value === "true") return true;
      if (value === "0" || value === "false") return false;
      ctx.addIssue({ code: "custom", message: "expected auto, 1, true, 0 or false" });
      return z.NEVER;
    });
}

/** Telegram user ids separated by commas, spaces or new lines (a secrets file lists one per line). */
export function userIdList() {
  const error = "expected Telegram user ids (positive integers) separated by commas or new lines";
  return z.string().transform((value, ctx): readonly number[] => {
    // "#" starts a comment to the end of its line, as in the secrets file.
    const parts = value
      .replace(/#[^\n]*/g, " ")
      .split(/[\s,;]+/)
      .filter((part) => part.length > 0);
    if (parts.some((part) => !/^[1-9]\d{0,15}$/.test(part))) {
      ctx.addIssue({ code: "custom", message: error });
      return z.NEVER;
    }
    return [...new Set(parts.map(Number))];
  });
}

/** A non-negative USD amount such as "0.10", as integer nano-USD. */
export function usdAmount() {
  const error = 'expected a non-negative USD amount such as "0.10" (at most 9 decimals)';
  return z.string().transform((value, ctx): number => {
    try {
      const amount = parseUsd(value);
      if (amount >= 0) return amount;
    } catch (cause) {
      if (!(cause instanceof InvalidUsdAmountError)) throw cause;
    }
    ctx.addIssue({ code: "custom", message: error });
    return z.NEVER;
  });
}
