import type { FileRecord } from "./file-store.ts";

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;
/** The GA list takes at most this many `ids[]`. */
const MAX_IDS = 100;

/** One page of the list, or why the API would answer 400. */
export type ListResult<Page> = { ok: true; page: Page } | { ok: false; problem: string };

/** GA page: `{data, next_page}`. */
export interface CursorPage {
  files: FileRecord[];
  nextPage: string | null;
}

/** Beta page: `{data, has_more, first_id, last_id}`. */
export interface IdPage {
  files: FileRecord[];
  hasMore: boolean;
}

function parseLimit(query: URLSearchParams): number | string {
  const raw = query.get("limit");
  if (raw === null) return DEFAULT_LIMIT;
  const limit = Number(raw);
  return Number.isInteger(limit) && limit >= 1 && limit <= MAX_LIMIT
    ? limit
    : `limit: Input should be an integer from 1 to ${MAX_LIMIT}`;
}

/** The opaque `next_page` token: the position (creation order) of the last file on the page. */
function pageToken(file: FileRecord): string {
  return `page_${Buffer.from(`seq:${file.seq}`).toString("base64url")}`;
}

function tokenPosition(token: string): number | undefined {
  const match = /^seq:(\d+)$/.exec(Buffer.from(token.replace(/^page_/, ""), "base64url").toString());
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/**
 * The GA list (`client.files.list()`): `limit` and the `page` token from `next_page`, or up to 100
 * `ids[]` (one page, unknown and deleted ids left out). `after_id`/`before_id` are beta-only: 400.
 */
export function cursorPage(files: readonly FileRecord[], query: URLSearchParams): ListResult<CursorPage> {
  if (query.has("after_id") || query.has("before_id")) {
    return {
      ok: false,
      problem: "after_id and before_id need the files-api-2025-04-14 beta; page with `page`",
    };
  }
  const ids = [...query.getAll("ids[]"), ...query.getAll("ids")];
  if (ids.length > 0) {
    if (query.has("page") || query.has("limit")) {
      return { ok: false, problem: "ids: cannot be combined with page or limit" };
    }
    const wanted = new Set(ids);
    if (wanted.size > MAX_IDS) return { ok: false, problem: `ids: at most ${MAX_IDS} ids` };
    return { ok: true, page: { files: files.filter((file) => wanted.has(file.id)), nextPage: null } };
  }
  const limit = parseLimit(query);
  if (typeof limit === "string") return { ok: false, problem: limit };
  const token = query.get("page");
  const after = token === null ? undefined : tokenPosition(token);
  if (token !== null && after === undefined) return { ok: false, problem: "page: invalid page token" };
  // Newest first, so the next page holds the files created before the last one shown.
  const rest = after === undefined ? files : files.filter((file) => file.seq < after);
  const shown = rest.slice(0, limit);
  const last = shown.at(-1);
  return {
    ok: true,
    page: { files: shown, nextPage: rest.length > limit && last ? pageToken(last) : null },
  };
}

/**
 * The beta list (`anthropic-beta: files-api-2025-04-14`): `limit` with `after_id` (the files listed
 * after that one, i.e. older) or `before_id` (those listed before it, newer).
 */
export function idPage(files: readonly FileRecord[], query: URLSearchParams): ListResult<IdPage> {
  const limit = parseLimit(query);
  if (typeof limit === "string") return { ok: false, problem: limit };
  const afterId = query.get("after_id");
  const beforeId = query.get("before_id");
  if (afterId !== null && beforeId !== null) {
    return { ok: false, problem: "after_id and before_id cannot be combined" };
  }
  const cursor = afterId ?? beforeId;
  if (cursor === null)
    return { ok: true, page: { files: files.slice(0, limit), hasMore: files.length > limit } };
  const at = files.findIndex((file) => file.id === cursor);
  if (at < 0)
    return { ok: false, problem: `${afterId !== null ? "after_id" : "before_id"}: unknown file '${cursor}'` };
  if (afterId !== null) {
    const rest = files.slice(at + 1);
    return { ok: true, page: { files: rest.slice(0, limit), hasMore: rest.length > limit } };
  }
  const earlier = files.slice(0, at);
  return {
    ok: true,
    page: { files: earlier.slice(Math.max(0, earlier.length - limit)), hasMore: earlier.length > limit },
  };
}
