/**
 * The charged part of a call: from reaching for the sandbox to being done with it. Every way
 * this part can end after the sandbox was had (success, Python error, failed pip install,
 * timeout, cancellation, E2B failing mid-way) is charged for the time it took; only a
 * sandbox that could not be had at all is free.
 */
import type { ToolRunContext } from "@bot/actors";
import type { Execution, ExecutionError, Sandbox } from "@e2b/code-interpreter";
import { describeE2BError, type E2BFailure } from "./e2b-errors.ts";
import type { PreparedInput } from "./input-files.ts";
import { uploadInputs } from "./input-files.ts";
import type { ResolvedPythonOptions } from "./options.ts";
import { type CollectedOutputs, collectOutputs, snapshotTmp } from "./output-files.ts";
import { pipInstallCode } from "./requirements.ts";
import { type RunEnd, type RunSinks, runWithDeadline } from "./run-code.ts";
import { BoundedText } from "./text-limits.ts";

/** What the call does in the sandbox, already validated. */
export interface SandboxPlan {
  readonly code: string;
  readonly requirements: readonly string[];
  readonly inputs: readonly PreparedInput[];
  readonly timeoutMs: number;
}

/** Where the call was when it ended. */
export type CallStage = "preparing" | "installing" | "running";

/** How the work in the sandbox ended. */
export type CallEnd =
  | { readonly kind: "completed"; readonly execution: Execution; readonly outputs: CollectedOutputs }
  | { readonly kind: "install_failed"; readonly error: ExecutionError }
  | { readonly kind: "timeout"; readonly stage: CallStage }
  | { readonly kind: "cancelled"; readonly stage: CallStage }
  | { readonly kind: "provider_error"; readonly stage: CallStage; readonly failure: E2BFailure };

const STAGE_TEXT: Readonly<Record<CallStage, string>> = {
  preparing: "preparing the sandbox (listing /tmp, uploading input files)",
  installing: "installing the requirements",
  running: "running the code",
};

/**
 * Uploads the inputs, installs the requirements, runs the code and reads back its files.
 * stdout/stderr of the code stream into `sinks`, so a timeout or cancellation still shows
 * what was printed. Never throws for an E2B failure or a cancellation.
 */
export async function workInSandbox(
  sandbox: Sandbox,
  plan: SandboxPlan,
  options: ResolvedPythonOptions,
  ctx: ToolRunContext,
  sinks: RunSinks,
): Promise<CallEnd> {
  const request = { requestTimeoutMs: options.requestTimeoutMs, signal: ctx.signal };
  let stage: CallStage = "preparing";
  try {
    const [before] = await Promise.all([
      snapshotTmp(sandbox, options.limits, request),
      uploadInputs(sandbox, plan.inputs, options.requestTimeoutMs, ctx.signal),
    ]);
    if (plan.requirements.length > 0) {
      stage = "installing";
      // pip's chatter is not the code's output; its failure carries pip's own last lines.
      const pipSinks = { stdout: new BoundedText(2_000), stderr: new BoundedText(2_000) };
      const pip = await runWithDeadline(sandbox, pipInstallCode(plan.requirements), {
        timeoutMs: options.pipTimeoutMs,
        signal: ctx.signal,
        sinks: pipSinks,
      });
      if (pip.kind !== "completed") return unfinished(pip, stage);
      if (pip.execution.error) return { kind: "install_failed", error: pip.execution.error };
    }
    stage = "running";
    const run = await runWithDeadline(sandbox, plan.code, {
      timeoutMs: plan.timeoutMs,
      signal: ctx.signal,
      sinks,
    });
    if (run.kind !== "completed") return unfinished(run, stage);
    return {
      kind: "completed",
      execution: run.execution,
      outputs: await outputsOf(sandbox, before, options, ctx),
    };
  } catch (error) {
    if (ctx.signal.aborted) return { kind: "cancelled", stage };
    return { kind: "provider_error", stage, failure: describeE2BError(error, STAGE_TEXT[stage]) };
  }
}

function unfinished(end: Exclude<RunEnd, { kind: "completed" }>, stage: CallStage): CallEnd {
  switch (end.kind) {
    case "timeout":
      return { kind: "timeout", stage };
    case "cancelled":
      return { kind: "cancelled", stage };
    case "failed":
      return { kind: "provider_error", stage, failure: describeE2BError(end.error, STAGE_TEXT[stage]) };
    default: {
      const unknown: never = end;
      throw new Error(`unknown run end ${JSON.stringify(unknown)}`);
    }
  }
}

/** The code ran: failing to read its files back must not hide its output, so it becomes a note. */
async function outputsOf(
  sandbox: Sandbox,
  before: ReadonlyMap<string, string>,
  options: ResolvedPythonOptions,
  ctx: ToolRunContext,
): Promise<CollectedOutputs> {
  try {
    return await collectOutputs(sandbox, before, options.limits, {
      requestTimeoutMs: options.requestTimeoutMs,
      signal: ctx.signal,
    });
  } catch (error) {
    const reason = ctx.signal.aborted
      ? "the call was cancelled"
      : describeE2BError(error, "listing the output files").message;
    return { files: [], notes: [`Output files were not collected: ${reason}`] };
  }
}

/**
 * What happens to the sandbox after the call: kept for the next call, killed, or forgotten
 * (E2B already lost it). A run that did not finish leaves the kernel busy or in an unknown
 * state — Jupyter runs cells one after another, so a runaway cell would hold up the next
 * call while burning sandbox time nobody pays for — so it is killed; a cancellation before
 * any code started leaves nothing running and keeps the sandbox.
 */
export function aftercare(
  end: CallEnd,
): { readonly action: "keep" } | { readonly action: "kill" | "forget"; readonly reason: string } {
  switch (end.kind) {
    case "completed":
    case "install_failed":
      return { action: "keep" };
    case "timeout":
      return {
        action: "kill",
        reason: `killed after the ${end.stage === "installing" ? "pip install" : "run"} timed out`,
      };
    case "cancelled":
      return end.stage === "preparing"
        ? { action: "keep" }
        : { action: "kill", reason: "killed after the call was cancelled" };
    case "provider_error":
      return end.failure.sandboxGone
        ? { action: "forget", reason: "lost during the call (expired or killed)" }
        : { action: "kill", reason: "killed after an E2B error left it in an unknown state" };
    default: {
      const unknown: never = end;
      throw new Error(`unknown call end ${JSON.stringify(unknown)}`);
    }
  }
}
