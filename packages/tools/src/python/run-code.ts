/** One `runCode` with the call's deadline and cancellation, keeping output that streamed before either. */
import type { Execution, Sandbox } from "@e2b/code-interpreter";
import { isExecutionTimeout } from "./e2b-errors.ts";
import type { BoundedText } from "./text-limits.ts";

/** How a run ended. `failed` carries the SDK's error (sandbox gone, HTTP error, network). */
export type RunEnd =
  | { readonly kind: "completed"; readonly execution: Execution }
  | { readonly kind: "timeout" }
  | { readonly kind: "cancelled" }
  | { readonly kind: "failed"; readonly error: unknown };

/** Where a run's streamed output goes. */
export interface RunSinks {
  readonly stdout: BoundedText;
  readonly stderr: BoundedText;
}

/**
 * Runs `code` in the sandbox's default Python context. The deadline is the SDK's `timeoutMs`
 * (it aborts the stream). The SDK takes no abort signal for `runCode`, so cancellation stops
 * *waiting* here and the caller deals with the sandbox; the abandoned request ends when the
 * sandbox is killed or at the SDK's own deadline, and its rejection is swallowed.
 */
export async function runWithDeadline(
  sandbox: Sandbox,
  code: string,
  options: { readonly timeoutMs: number; readonly signal: AbortSignal; readonly sinks: RunSinks },
): Promise<RunEnd> {
  const { signal, sinks } = options;
  if (signal.aborted) return { kind: "cancelled" };
  const running = sandbox.runCode(code, {
    timeoutMs: options.timeoutMs,
    onStdout: (message) => {
      sinks.stdout.append(message.line);
    },
    onStderr: (message) => {
      sinks.stderr.append(message.line);
    },
  });
  running.catch(() => {});
  let onAbort: (() => void) | undefined;
  const cancelled = new Promise<RunEnd>((resolve) => {
    onAbort = () => resolve({ kind: "cancelled" });
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([
      running.then((execution): RunEnd => ({ kind: "completed", execution })),
      cancelled,
    ]);
  } catch (error) {
    if (signal.aborted) return { kind: "cancelled" };
    if (isExecutionTimeout(error)) return { kind: "timeout" };
    return { kind: "failed", error };
  } finally {
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
}
