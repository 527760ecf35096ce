import type { ThreadKey, ToolChargeDraft } from "@bot/domain";
import type { ContentPart, ToolSpec } from "@bot/llm";
import type { Logger } from "@bot/observability";

/** One call of one of our tools, as the model made it. */
export interface ToolInvocation {
  readonly toolUseId: string;
  readonly name: string;
  /** The parsed JSON input; tools validate it themselves. */
  readonly input: unknown;
}

/** Where a tool runs: whose request, which thread, and the signal that cancels it. */
export interface ToolRunContext {
  readonly userId: number;
  readonly threadKey: ThreadKey;
  readonly generationId: string;
  readonly language: string | null;
  /** Aborted by /stop, a new message or shutdown: tools stop and report what they used. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
}

/**
 * How a tool call ended. `content` goes back to the model as the tool_result (JSON text,
 * or text and image blocks); `summary` is what the log keeps; `charge` is set for paid
 * tools whenever resources were used, even when the call failed.
 */
export interface ToolOutcome {
  readonly ok: boolean;
  readonly content: string | readonly ContentPart[];
  /** Why it failed (bad_input, provider_error, timeout, cancelled, ...); null when ok. */
  readonly errorKind: string | null;
  readonly summary: string;
  readonly charge: ToolChargeDraft | null;
}

/** The tools a generation may offer and run (packages/tools implements it). */
export interface ToolBox {
  /** The tool definitions offered to the model (ours and the provider's server tools). */
  specs(context: {
    readonly userId: number;
    readonly chatType: "private" | "group" | "supergroup";
  }): readonly ToolSpec[];
  /** Whether running the tool costs the user money (refused while the balance is below zero). */
  isPaid(name: string): boolean;
  /** Runs one call. Resolves with an outcome for every failure it can name; a throw is a bug. */
  run(call: ToolInvocation, context: ToolRunContext): Promise<ToolOutcome>;
}

/** A failed outcome whose result tells the model what went wrong, as JSON. */
export function toolFailure(
  errorKind: string,
  message: string,
  details: Readonly<Record<string, unknown>> = {},
  charge: ToolChargeDraft | null = null,
): ToolOutcome {
  return {
    ok: false,
    content: JSON.stringify({ error: errorKind, message, ...details }),
    errorKind,
    summary: `${errorKind}: ${message}`.slice(0, 2000),
    charge,
  };
}
