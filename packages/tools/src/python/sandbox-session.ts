/**
 * One sandbox per thread, reused while it lives. The thread's log records the session
 * (ToolSessionOpened/Closed) so a restarted process finds the same sandbox again; E2B is the
 * judge of whether it still exists, so a failed reconnect always falls back to a new one.
 */
import type { ToolRunContext } from "@bot/actors";
import { threadStream } from "@bot/domain";
import { Sandbox } from "@e2b/code-interpreter";
import { describeE2BError } from "./e2b-errors.ts";
import type { ResolvedPythonOptions, SandboxResources } from "./options.ts";

/** The tool name sessions are recorded under. */
export const PYTHON_TOOL_NAME = "execute_python";

/** A sandbox ready for this call, and whether it was already there. */
export interface AcquiredSandbox {
  readonly sandbox: Sandbox;
  readonly origin: "reused" | "new";
  /** A recorded sandbox could not be reconnected to: whatever it held is gone. */
  readonly lostPrevious: boolean;
}

function connectionOptions(options: ResolvedPythonOptions, signal: AbortSignal) {
  return {
    ...options.connection,
    requestTimeoutMs: options.requestTimeoutMs,
    timeoutMs: options.sandboxTimeoutMs,
    signal,
  };
}

/**
 * Reconnects to the thread's sandbox (which extends its life to `sandboxTimeoutMs` from now)
 * or creates one, and records the session with its new expiry. The recorded expiry is
 * `startedAt + sandboxTimeoutMs`, a lower bound of E2B's own (which counts from when it
 * handled the request), so the log never calls a dead sandbox alive. Throws the SDK's error
 * when no sandbox could be had; nothing ran then.
 */
export async function acquireSandbox(
  options: ResolvedPythonOptions,
  ctx: ToolRunContext,
  startedAt: number,
): Promise<AcquiredSandbox> {
  const expiresAt = new Date(startedAt + options.sandboxTimeoutMs).toISOString();
  const current = ctx.sessions.current(PYTHON_TOOL_NAME);
  if (current) {
    try {
      const sandbox = await Sandbox.connect(current.sessionId, connectionOptions(options, ctx.signal));
      await recordSafely(ctx, "opened", () =>
        ctx.sessions.opened(PYTHON_TOOL_NAME, { sessionId: sandbox.sandboxId, expiresAt }),
      );
      return { sandbox, origin: "reused", lostPrevious: false };
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      // Gone (expired, killed) or unreachable: a fresh sandbox is the only way forward. An
      // unreachable one that still lives is reaped by E2B at its own timeout.
      const failure = describeE2BError(error, "reconnecting to the sandbox");
      ctx.logger.info({ sandboxId: current.sessionId, err: failure.detail }, "python sandbox not reusable");
      await recordSafely(ctx, "closed", () =>
        ctx.sessions.closed(PYTHON_TOOL_NAME, current.sessionId, reconnectReason(failure.sandboxGone)),
      );
    }
  }
  const sandbox = await Sandbox.create(options.template, {
    ...connectionOptions(options, ctx.signal),
    metadata: { tool: PYTHON_TOOL_NAME, thread: threadStream(ctx.threadKey) },
  });
  await recordSafely(ctx, "opened", () =>
    ctx.sessions.opened(PYTHON_TOOL_NAME, { sessionId: sandbox.sandboxId, expiresAt }),
  );
  return { sandbox, origin: "new", lostPrevious: current !== null };
}

function reconnectReason(gone: boolean): string {
  return gone ? "not found at E2B (expired or killed)" : "reconnect failed";
}

/**
 * The sandbox's vCPUs and memory from E2B (`getInfo`: the create answer does not carry
 * them), else the template's known size: the charge must not fail because an info call did.
 */
export async function sandboxResources(
  sandbox: Sandbox,
  options: ResolvedPythonOptions,
  ctx: ToolRunContext,
): Promise<SandboxResources> {
  try {
    const info = await sandbox.getInfo({ requestTimeoutMs: options.requestTimeoutMs, signal: ctx.signal });
    if (isPositive(info.cpuCount) && isPositive(info.memoryMB)) {
      return { cpuCount: info.cpuCount, memoryMB: info.memoryMB };
    }
    ctx.logger.warn({ sandboxId: sandbox.sandboxId, info }, "python sandbox info without resources");
  } catch (error) {
    ctx.logger.warn(
      { sandboxId: sandbox.sandboxId, err: describeE2BError(error, "reading the sandbox info").detail },
      "python sandbox info failed; charging the template's resources",
    );
  }
  return options.fallbackResources;
}

function isPositive(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value > 0;
}

/**
 * Kills the sandbox (after a timeout or a cancellation, see execute-python.ts) and records
 * the session closed. Never throws: the call's outcome is already decided.
 */
export async function discardSandbox(
  sandbox: Sandbox,
  options: ResolvedPythonOptions,
  ctx: ToolRunContext,
  reason: string,
): Promise<void> {
  try {
    // Not ctx.signal: after a cancellation it is already aborted, and the kill must still go out.
    await sandbox.kill({ requestTimeoutMs: Math.min(options.requestTimeoutMs, 10_000) });
  } catch (error) {
    ctx.logger.warn(
      { sandboxId: sandbox.sandboxId, err: describeE2BError(error, "killing the sandbox").detail },
      "python sandbox kill failed; E2B reaps it at its timeout",
    );
  }
  await recordSafely(ctx, "closed", () => ctx.sessions.closed(PYTHON_TOOL_NAME, sandbox.sandboxId, reason));
}

/** Records the session closed without killing it (E2B already lost it). */
export async function forgetSandbox(sandboxId: string, ctx: ToolRunContext, reason: string): Promise<void> {
  await recordSafely(ctx, "closed", () => ctx.sessions.closed(PYTHON_TOOL_NAME, sandboxId, reason));
}

/**
 * A session event that fails to record must not fail a run the user pays for: the next
 * call then reconnects by a stale id (and falls back to a new sandbox) at worst.
 */
async function recordSafely(ctx: ToolRunContext, what: string, record: () => Promise<void>): Promise<void> {
  try {
    await record();
  } catch (error) {
    ctx.logger.error({ err: error }, `python sandbox session ${what} could not be recorded`);
  }
}
