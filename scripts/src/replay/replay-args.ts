import { parseThreadTarget, THREAD_TARGET_FORMS } from "./thread-target.ts";

/** What the command line asks for. */
export interface ReplayRequest {
  readonly stream: string;
  /** Replay up to and including this revision; null: the whole stream. */
  readonly at: bigint | null;
  readonly json: boolean;
  /** No truncation of texts in the timeline and the state. */
  readonly full: boolean;
}

/** The parsed command line: a request, a request for help, or a usage error. */
export type ReplayArgs =
  | { readonly kind: "run"; readonly request: ReplayRequest }
  | { readonly kind: "help" }
  | { readonly kind: "usage"; readonly problem: string };

/** The usage text. */
export const REPLAY_USAGE = `usage: pnpm replay-thread <thread> [--at <revision>] [--json] [--full]
  <thread>: ${THREAD_TARGET_FORMS.join("\n            ")}
  --at <revision>  the state after this revision (the timeline stops there too)
  --json           one JSON document: events and state
  --full           do not truncate texts`;

/**
 * Parses the arguments after the script name. Hand-rolled rather than
 * util.parseArgs: a negative chat id (`-100123/0/42`) must be a positional
 * argument, not a short option.
 */
export function parseReplayArgs(argv: readonly string[]): ReplayArgs {
  const positional: string[] = [];
  let at: bigint | null = null;
  let json = false;
  let full = false;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string;
    if (arg === "--") continue;
    if (arg === "--help" || arg === "-h") return { kind: "help" };
    if (arg === "--json") json = true;
    else if (arg === "--full") full = true;
    else if (arg === "--at" || arg.startsWith("--at=")) {
      const value = arg === "--at" ? argv[++index] : arg.slice("--at=".length);
      if (value === undefined || !/^\d+$/.test(value)) {
        return {
          kind: "usage",
          problem: `--at needs a revision (an integer >= 0), got ${value ?? "nothing"}`,
        };
      }
      at = BigInt(value);
    } else if (arg.startsWith("--")) return { kind: "usage", problem: `unknown option ${arg}` };
    else positional.push(arg);
  }
  const target = parseThreadTarget(positional);
  if (!target.ok) return { kind: "usage", problem: target.problem };
  return { kind: "run", request: { stream: target.stream, at, json, full } };
}
