/** The ToolOutcome of a call that had a sandbox: the model's JSON (and images), the log summary, the charge. */
import type { ToolOutcome, ToolRunContext } from "@bot/actors";
import type { ToolChargeDraft } from "@bot/domain";
import type { ResolvedPythonOptions } from "./options.ts";
import { registerOutputs } from "./register-outputs.ts";
import { describeResults, imageBlocks, type PythonResultBody, resultContent } from "./result-content.ts";
import type { RunSinks } from "./run-code.ts";
import type { CallEnd, SandboxPlan } from "./sandbox-call.ts";
import { stripAnsi, truncateMiddle } from "./text-limits.ts";

/** Everything known about the call once the sandbox is done with. */
export interface FinishedCall {
  readonly end: CallEnd;
  readonly plan: SandboxPlan;
  readonly sinks: RunSinks;
  readonly origin: "reused" | "new";
  readonly durationMs: number;
  /** The sandbox was killed or lost: nothing of it survives for the next call. */
  readonly reset: boolean;
  readonly notes: readonly string[];
  readonly charge: ToolChargeDraft;
}

const RESET_NOTE =
  "The sandbox was stopped: variables, installed packages and files from earlier calls are gone; the next call starts a new one.";

/** Registers the outputs of a completed run and builds the outcome of any call that had a sandbox. */
export async function callOutcome(
  call: FinishedCall,
  options: ResolvedPythonOptions,
  ctx: ToolRunContext,
): Promise<ToolOutcome> {
  const { end, charge } = call;
  const base = {
    stdout: call.sinks.stdout.text(),
    stderr: call.sinks.stderr.text(),
    input_files: call.plan.inputs.map((input) => ({ file_id: input.fileId, path: input.path })),
    duration_ms: call.durationMs,
    sandbox: call.origin,
  };
  const notes = [...call.notes, ...(call.reset ? [RESET_NOTE] : [])];
  if (end.kind === "completed") {
    const described = describeResults(end.execution.results, options.limits);
    const registered = await registerOutputs(ctx, end.outputs.files, described.images);
    const shown = imageBlocks(registered.images, options.limits);
    const allNotes = [
      ...notes,
      ...described.notes,
      ...end.outputs.notes,
      ...registered.notes,
      ...shown.notes,
    ];
    const error = end.execution.error;
    const body: PythonResultBody = {
      ok: error === undefined,
      ...base,
      results: described.entries,
      ...(error === undefined
        ? {}
        : {
            error: {
              name: error.name,
              value: truncateMiddle(stripAnsi(error.value), 2_000),
              traceback: truncateMiddle(stripAnsi(error.traceback), options.limits.maxTracebackChars),
            },
          }),
      files: registered.files,
      ...(allNotes.length > 0 ? { notes: allNotes } : {}),
    };
    const files = registered.files.length;
    return {
      ok: error === undefined,
      content: resultContent(body, shown.blocks),
      errorKind: error === undefined ? null : "python_error",
      summary: (error === undefined
        ? `ran in ${call.durationMs} ms (${call.origin} sandbox), ${files} file(s), ${shown.blocks.length} image(s) shown`
        : `python_error: ${error.name}: ${error.value}`
      ).slice(0, 2000),
      charge,
    };
  }
  const { errorKind, message } = failureOf(end, call.plan, options);
  const body: PythonResultBody = {
    ok: false,
    ...base,
    results: [],
    error: { kind: errorKind, message },
    files: [],
    ...(notes.length > 0 ? { notes } : {}),
  };
  return {
    ok: false,
    content: resultContent(body, []),
    errorKind,
    summary: `${errorKind}: ${message}`.slice(0, 2000),
    charge,
  };
}

function failureOf(
  end: Exclude<CallEnd, { kind: "completed" }>,
  plan: SandboxPlan,
  options: ResolvedPythonOptions,
): { errorKind: string; message: string } {
  switch (end.kind) {
    case "install_failed":
      return {
        errorKind: "requirements_failed",
        message: `pip could not install ${plan.requirements.join(", ")}: ${truncateMiddle(stripAnsi(end.error.value), 3_000)}`,
      };
    case "timeout":
      return end.stage === "installing"
        ? {
            errorKind: "timeout",
            message: `pip install did not finish within ${options.pipTimeoutMs / 1000} s and was stopped.`,
          }
        : {
            errorKind: "timeout",
            message:
              `The code did not finish within ${plan.timeoutMs / 1000} s and was stopped. Make it faster, ` +
              `or ask for a longer timeout_seconds (at most ${options.maxRunTimeoutMs / 1000}).`,
          };
    case "cancelled":
      return {
        errorKind: "cancelled",
        message: "The call was cancelled (the user stopped the answer or sent a new message).",
      };
    case "provider_error":
      return { errorKind: "provider_error", message: end.failure.message };
    default: {
      const unknown: never = end;
      throw new Error(`unknown call end ${JSON.stringify(unknown)}`);
    }
  }
}
