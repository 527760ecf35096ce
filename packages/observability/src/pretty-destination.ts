import type { DestinationStream } from "pino";

/** Fields every line carries and the pretty format shows in its fixed columns (or drops). */
const FIXED_FIELDS = new Set(["time", "level", "msg", "name", "pid", "hostname", "err"]);

/**
 * A pino destination that turns each JSON line into a compact human line,
 * `12:34:56.789 INFO  (name) message key=value ...`, followed by the error stack
 * (with causes) when there is one. It exists because pino-pretty is not a
 * dependency and a development console needs nothing fancier. Lines that are not
 * JSON are passed through untouched.
 */
export function createPrettyDestination(output: DestinationStream): DestinationStream {
  return {
    write(line: string) {
      output.write(formatPrettyLine(line));
    },
  };
}

/** Formats one pino JSON line (see {@link createPrettyDestination}). */
export function formatPrettyLine(line: string): string {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof record !== "object" || record === null || Array.isArray(record)) return line;
  const fields = record as Record<string, unknown>;

  const time = typeof fields.time === "string" ? fields.time.slice(11, 23) : String(fields.time ?? "");
  const level = String(fields.level ?? "")
    .toUpperCase()
    .padEnd(5);
  const name = fields.name === undefined ? "" : `(${String(fields.name)}) `;
  const message = fields.msg === undefined ? "" : String(fields.msg);
  const pairs = Object.entries(fields)
    .filter(([key]) => !FIXED_FIELDS.has(key))
    .map(([key, value]) => `${key}=${formatValue(value)}`);
  const head = [`${time} ${level} ${name}${message}`, ...pairs].join(" ");
  return `${head}${formatErrorBlock(fields.err)}\n`;
}

function formatValue(value: unknown): string {
  if (typeof value === "string") return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

/** The error's stack, then each cause's, indented under the line. */
function formatErrorBlock(err: unknown): string {
  const blocks: string[] = [];
  let current: unknown = err;
  for (let depth = 0; typeof current === "object" && current !== null && depth < 10; depth += 1) {
    const error = current as { stack?: unknown; message?: unknown; type?: unknown; cause?: unknown };
    const text =
      typeof error.stack === "string" ? error.stack : `${String(error.type)}: ${String(error.message)}`;
    blocks.push((depth === 0 ? "" : "caused by: ") + text);
    current = error.cause;
  }
  if (typeof current === "string") blocks.push(`caused by: ${current}`);
  return blocks.length === 0 ? "" : `\n${blocks.join("\n").replace(/^/gm, "    ")}`;
}
