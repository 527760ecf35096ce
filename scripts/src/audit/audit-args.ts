import { parseThreadTarget, THREAD_TARGET_FORMS } from "../replay/thread-target.ts";
import type { AuditFilter, Instant } from "./audit-filter.ts";

/** How the report is printed. */
export type AuditFormat = "text" | "json" | "csv";

/** What the command line asks for. */
export interface AuditRequest {
  readonly filter: AuditFilter;
  readonly format: AuditFormat;
  /** How long to wait for the balances read model to catch up with the log. */
  readonly waitSeconds: number;
}

/** The parsed command line: a request, a request for help, or a usage error. */
export type AuditArgs =
  | { readonly kind: "run"; readonly request: AuditRequest }
  | { readonly kind: "help" }
  | { readonly kind: "usage"; readonly problem: string };

/** Default of `--wait`, in seconds. */
export const DEFAULT_WAIT_SECONDS = 10;

/** The usage text. */
export const AUDIT_USAGE = `usage: pnpm audit-charges [--user <id>] [--thread <thread>] [--since <time>] [--until <time>] [--json|--csv] [--wait <seconds>]
  --user <id>        lines of this Telegram user only
  --thread <thread>  lines of this thread only (its charges): ${THREAD_TARGET_FORMS.slice(0, 2).join(" or ")}
  --since <time>     lines at or after <time>; --until <time>: lines before <time>
                     <time>: YYYY-MM-DD (00:00 UTC) or ISO-8601 with a zone, e.g. 2024-09-01T10:00:00Z
  --json             one JSON document (amounts as nano-USD decimal strings)
  --csv              one CSV row per line (mismatches go to stderr)
  --wait <seconds>   how long to wait for the balances read model to reach the log (default ${DEFAULT_WAIT_SECONDS})
Filters narrow the listing and the totals; the reconciliation always covers the whole log.
Exit codes: 0 reconciled, 1 mismatches found, 2 bad usage or configuration, 3 could not audit.`;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/** True when the calendar date exists (Date.parse turns 2024-02-30 into March 1st). */
function realDate(year: string, month: string, day: string): boolean {
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return (
    date.getUTCFullYear() === Number(year) &&
    date.getUTCMonth() === Number(month) - 1 &&
    date.getUTCDate() === Number(day)
  );
}

/**
 * Parses a `--since`/`--until` value: a date (its start, 00:00 UTC) or an ISO-8601
 * date-time with `Z` or an offset. Local times without a zone are refused: an
 * audit must not depend on the machine's time zone.
 */
export function parseInstant(text: string): Instant | null {
  const date = DATE.exec(text);
  const dateTime = date ? null : DATE_TIME.exec(text);
  const parts = date ?? dateTime;
  if (!parts || !realDate(parts[1] as string, parts[2] as string, parts[3] as string)) return null;
  const ms = Date.parse(date ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(ms)) return null;
  return { ms, iso: new Date(ms).toISOString() };
}

const OPTIONS_WITH_VALUES = ["--user", "--thread", "--since", "--until", "--wait"] as const;
type ValueOption = (typeof OPTIONS_WITH_VALUES)[number];

function isValueOption(name: string): name is ValueOption {
  return (OPTIONS_WITH_VALUES as readonly string[]).includes(name);
}

/** A parsed option value, or why it is not one. */
type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

function parseUserId(value: string): Parsed<number> {
  const id = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(id) || id <= 0) {
    return { ok: false, problem: `--user needs a Telegram user id (a positive integer), got "${value}"` };
  }
  return { ok: true, value: id };
}

function parseThread(value: string): Parsed<string> {
  const target = parseThreadTarget([value]);
  return target.ok
    ? { ok: true, value: target.stream }
    : { ok: false, problem: `--thread "${value}": ${target.problem}` };
}

function parseTime(option: "--since" | "--until", value: string): Parsed<Instant> {
  const instant = parseInstant(value);
  return instant
    ? { ok: true, value: instant }
    : {
        ok: false,
        problem: `${option} "${value}" is not a date or a time: use YYYY-MM-DD (00:00 UTC) or ISO-8601 with a zone, e.g. 2024-09-01T10:00:00Z`,
      };
}

function parseWait(value: string): Parsed<number> {
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(seconds) || seconds > 3600) {
    return { ok: false, problem: `--wait needs seconds from 0 to 3600, got "${value}"` };
  }
  return { ok: true, value: seconds };
}

/**
 * Parses the arguments after the script name. Options take their value as the
 * next argument or after `=`; each may be given once. Hand-rolled like
 * replay-thread's, so a thread such as `-100123/0/42` is a value, not an option.
 */
export function parseAuditArgs(argv: readonly string[]): AuditArgs {
  const values = new Map<ValueOption, string>();
  const formats = new Set<"json" | "csv">();
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string;
    if (arg === "--") continue;
    if (arg === "--help" || arg === "-h") return { kind: "help" };
    if (arg === "--json" || arg === "--csv") {
      formats.add(arg === "--json" ? "json" : "csv");
      continue;
    }
    const equals = arg.indexOf("=");
    const name = equals > 0 ? arg.slice(0, equals) : arg;
    if (!isValueOption(name)) {
      return {
        kind: "usage",
        problem: arg.startsWith("-") ? `unknown option ${name}` : `unexpected argument "${arg}"`,
      };
    }
    const value = equals > 0 ? arg.slice(equals + 1) : argv[++index];
    if (value === undefined || value === "") return { kind: "usage", problem: `${name} needs a value` };
    if (values.has(name)) return { kind: "usage", problem: `${name} given twice` };
    values.set(name, value);
  }
  if (formats.size > 1) return { kind: "usage", problem: "choose one of --json and --csv" };

  const user = values.has("--user") ? parseUserId(values.get("--user") as string) : null;
  const thread = values.has("--thread") ? parseThread(values.get("--thread") as string) : null;
  const since = values.has("--since") ? parseTime("--since", values.get("--since") as string) : null;
  const until = values.has("--until") ? parseTime("--until", values.get("--until") as string) : null;
  const wait = values.has("--wait") ? parseWait(values.get("--wait") as string) : null;
  for (const parsed of [user, thread, since, until, wait]) {
    if (parsed && !parsed.ok) return { kind: "usage", problem: parsed.problem };
  }
  const filter: AuditFilter = {
    userId: user?.ok ? user.value : null,
    thread: thread?.ok ? thread.value : null,
    since: since?.ok ? since.value : null,
    until: until?.ok ? until.value : null,
  };
  if (filter.since && filter.until && filter.since.ms >= filter.until.ms) {
    return {
      kind: "usage",
      problem: `--since (${filter.since.iso}) must be before --until (${filter.until.iso})`,
    };
  }
  const [format = "text"] = formats;
  return {
    kind: "run",
    request: { filter, format, waitSeconds: wait?.ok ? wait.value : DEFAULT_WAIT_SECONDS },
  };
}
