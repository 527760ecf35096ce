/** Path parameters captured from `:name` segments, already URL-decoded. */
export type RouteParams = Readonly<Record<string, string>>;

/**
 * Matches `pathname` against a pattern like `/admin/projections/:name/rebuild`.
 * Segments match exactly except `:name`, which captures one non-empty segment.
 * Returns the params, or `undefined` when the path does not match or a captured
 * segment is not valid percent-encoding.
 */
export function matchRoute(pattern: string, pathname: string): RouteParams | undefined {
  const expected = splitPath(pattern);
  const actual = splitPath(pathname);
  if (expected.length !== actual.length) return undefined;

  const params: Record<string, string> = {};
  for (const [index, segment] of expected.entries()) {
    const value = actual[index] ?? "";
    if (segment.startsWith(":")) {
      if (value === "") return undefined;
      const decoded = safeDecode(value);
      if (decoded === undefined) return undefined;
      params[segment.slice(1)] = decoded;
    } else if (segment !== value) {
      return undefined;
    }
  }
  return params;
}

/** A trailing slash is insignificant, so `/healthz/` reaches `/healthz`. */
function splitPath(path: string): string[] {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed === "" ? [] : trimmed.slice(1).split("/");
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
