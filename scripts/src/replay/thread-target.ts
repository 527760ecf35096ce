import { THREAD_STREAM_PREFIX, type ThreadKey, threadStream } from "@bot/domain";

/** How a thread may be named on the command line. */
export const THREAD_TARGET_FORMS = [
  "thread-<chatId>-<topicId|0>-<userId>",
  "<chatId>/<topicId|0>/<userId>",
  "chat=<chatId> topic=<topicId|0> user=<userId>",
] as const;

/** A parsed thread name, or why it is not one. */
export type ThreadTarget =
  | { readonly ok: true; readonly stream: string; readonly key: ThreadKey }
  | { readonly ok: false; readonly problem: string };

const INTEGER = /^-?\d+$/;
// The shape of threadStream's names; the parts are validated (and normalised) by toKey.
const STREAM_NAME = /^thread-(-?\d+)-(\d+)-(\d+)$/;

function toKey(chat: string, topic: string, user: string): ThreadTarget {
  const problems: string[] = [];
  const number = (label: string, text: string, min: number): number => {
    const value = Number(text);
    if (!INTEGER.test(text) || !Number.isSafeInteger(value))
      problems.push(`${label} "${text}" is not an integer`);
    else if (value < min)
      problems.push(`${label} must be ${min === 0 ? "0 (no topic) or positive" : "positive"}`);
    return value;
  };
  const chatId = number("chat id", chat, Number.MIN_SAFE_INTEGER);
  const topicId = number("topic id", topic, 0);
  const userId = number("user id", user, 1);
  if (problems.length > 0) return { ok: false, problem: problems.join("; ") };
  const key: ThreadKey = { chatId, topicId: topicId === 0 ? null : topicId, userId };
  return { ok: true, stream: threadStream(key), key };
}

function fromKeyValues(args: readonly string[]): ThreadTarget {
  const values = new Map<string, string>();
  for (const arg of args) {
    const [name = "", ...rest] = arg.split("=");
    const value = rest.join("=");
    if (!["chat", "topic", "user"].includes(name)) return { ok: false, problem: `unknown part "${arg}"` };
    if (values.has(name)) return { ok: false, problem: `${name}= given twice` };
    if (value === "") return { ok: false, problem: `${name}= has no value` };
    values.set(name, value);
  }
  const chat = values.get("chat");
  const user = values.get("user");
  if (chat === undefined || user === undefined) return { ok: false, problem: "chat= and user= are required" };
  // No topic: the thread outside topics, as the stream name's 0.
  return toKey(chat, values.get("topic") ?? "0", user);
}

/**
 * Parses the thread argument(s) into the canonical stream name. Accepts the
 * stream name itself (normalised, so `thread-42-00-7` reads `thread-42-0-7`),
 * `<chat>/<topic|0>/<user>`, or `chat=… topic=… user=…` (topic optional).
 */
export function parseThreadTarget(args: readonly string[]): ThreadTarget {
  if (args.length === 0) return { ok: false, problem: "which thread?" };
  if (args.every((arg) => arg.includes("="))) return fromKeyValues(args);
  if (args.length > 1) return { ok: false, problem: `expected one thread, got "${args.join(" ")}"` };
  const arg = args[0] as string;
  if (arg.startsWith(THREAD_STREAM_PREFIX)) {
    const parts = STREAM_NAME.exec(arg);
    if (!parts) return { ok: false, problem: `"${arg}" is not a thread stream name` };
    return toKey(parts[1] as string, parts[2] as string, parts[3] as string);
  }
  const parts = arg.split("/");
  if (parts.length === 3) return toKey(parts[0] as string, parts[1] as string, parts[2] as string);
  return { ok: false, problem: `"${arg}" is not a thread` };
}
