/**
 * The `execute_python` tool: Python in an E2B code-interpreter sandbox, one sandbox per
 * thread reused while it lives. Checks everything it can before touching E2B (prices,
 * requirements, input files), so a refused call costs nothing; once a sandbox is had, every
 * ending is charged for the time the call kept it busy (see sandbox-charge.ts).
 */
import { type ToolOutcome, type ToolRunContext, toolFailure } from "@bot/actors";
import { threadStream } from "@bot/domain";
import type { ToolPriceList } from "@bot/llm";
import { defineTool, type ToolDefinition } from "../tool-definition.ts";
import { callOutcome } from "./call-outcome.ts";
import { describeE2BError } from "./e2b-errors.ts";
import { prepareInputs } from "./input-files.ts";
import {
  type ExecutePythonInput,
  executePythonDescription,
  executePythonInputSchema,
} from "./input-schema.ts";
import { type ExecutePythonOptions, type ResolvedPythonOptions, resolvePythonOptions } from "./options.ts";
import { checkRequirements } from "./requirements.ts";
import { aftercare, type SandboxPlan, workInSandbox } from "./sandbox-call.ts";
import { sandboxCharge } from "./sandbox-charge.ts";
import {
  acquireSandbox,
  discardSandbox,
  forgetSandbox,
  PYTHON_TOOL_NAME,
  sandboxResources,
} from "./sandbox-session.ts";
import { BoundedText } from "./text-limits.ts";
import { ThreadQueue } from "./thread-queue.ts";

/** The quantities the charge measures; the price list must price both. */
const MEASURED_UNITS = ["vcpuSeconds", "memoryMibSeconds"] as const;

/** Creates the `execute_python` tool. Throws RangeError for options that cannot work. */
export function createExecutePythonTool(options: ExecutePythonOptions): ToolDefinition<ExecutePythonInput> {
  const resolved = resolvePythonOptions(options);
  const queue = new ThreadQueue();
  return defineTool({
    name: PYTHON_TOOL_NAME,
    description: executePythonDescription(resolved),
    input: executePythonInputSchema(resolved),
    paid: true,
    run: (input, ctx) =>
      queue.run(threadStream(ctx.threadKey), ctx.signal, cancelledBeforeStart, () =>
        executePython(input, ctx, resolved),
      ),
  });
}

function cancelledBeforeStart(): ToolOutcome {
  return toolFailure("cancelled", "The call was cancelled before any code ran; nothing was charged.");
}

async function executePython(
  input: ExecutePythonInput,
  ctx: ToolRunContext,
  options: ResolvedPythonOptions,
): Promise<ToolOutcome> {
  const priceList = options.registry.toolPrices(PYTHON_TOOL_NAME);
  if (!priceList || MEASURED_UNITS.some((unit) => priceList.prices[unit] === undefined)) {
    // A paid tool without prices must not run: the sandbox time could not be charged.
    ctx.logger.error(
      { tool: PYTHON_TOOL_NAME },
      "execute_python has no prices for vcpuSeconds/memoryMibSeconds",
    );
    return toolFailure(
      "unavailable",
      "Python execution is not available right now (it has no price configured).",
    );
  }
  if (input.code.trim() === "") return toolFailure("bad_input", "The code is empty.");
  const requirements = checkRequirements(input.requirements ?? []);
  if (!requirements.ok) {
    return toolFailure("bad_input", requirements.message, { requirement: requirements.spec.slice(0, 200) });
  }
  const notes: string[] = [];
  const requestedMs =
    input.timeout_seconds === undefined ? options.defaultRunTimeoutMs : input.timeout_seconds * 1000;
  const timeoutMs = Math.min(requestedMs, options.maxRunTimeoutMs);
  if (requestedMs > timeoutMs) {
    notes.push(`timeout_seconds ${input.timeout_seconds} was capped to ${timeoutMs / 1000}.`);
  }
  if (ctx.signal.aborted) return cancelledBeforeStart();
  let prepared: Awaited<ReturnType<typeof prepareInputs>>;
  try {
    prepared = await prepareInputs(input.input_files ?? [], ctx, options.limits);
  } catch (error) {
    if (ctx.signal.aborted) return cancelledBeforeStart();
    throw error;
  }
  if (!prepared.ok) return toolFailure("bad_input", prepared.message);
  const plan: SandboxPlan = {
    code: input.code,
    requirements: requirements.specs,
    inputs: prepared.inputs,
    timeoutMs,
  };
  return runPlan(plan, notes, ctx, options, priceList);
}

/** Gets the sandbox, works in it, settles its fate, then charges and reports. */
async function runPlan(
  plan: SandboxPlan,
  notes: readonly string[],
  ctx: ToolRunContext,
  options: ResolvedPythonOptions,
  priceList: ToolPriceList,
): Promise<ToolOutcome> {
  if (ctx.signal.aborted) return cancelledBeforeStart();
  const startedAt = options.clock.now().getTime();
  let acquired: Awaited<ReturnType<typeof acquireSandbox>>;
  try {
    acquired = await acquireSandbox(options, ctx, startedAt);
  } catch (error) {
    if (ctx.signal.aborted) return cancelledBeforeStart();
    const failure = describeE2BError(error, "starting the sandbox");
    ctx.logger.warn({ err: failure.detail }, "python sandbox could not be started");
    // No charge: no sandbox ran for this call.
    return toolFailure("provider_error", failure.message);
  }
  const { sandbox } = acquired;
  const resources = sandboxResources(sandbox, options, ctx);
  const sinks = {
    stdout: new BoundedText(options.limits.maxStdoutChars),
    stderr: new BoundedText(options.limits.maxStderrChars),
  };
  const end = await workInSandbox(sandbox, plan, options, ctx, sinks);
  const fate = aftercare(end);
  if (fate.action === "kill") await discardSandbox(sandbox, options, ctx, fate.reason);
  if (fate.action === "forget") await forgetSandbox(sandbox.sandboxId, ctx, fate.reason);
  // The meter stops here: the sandbox is done with (outputs read back, or killed).
  const durationMs = Math.max(0, options.clock.now().getTime() - startedAt);
  const charge = sandboxCharge(durationMs, await resources, priceList);
  ctx.logger.info(
    {
      sandboxId: sandbox.sandboxId,
      sandbox: acquired.origin,
      end: end.kind,
      durationMs,
      quantities: charge.quantities,
      amountNanoUsd: charge.amount,
    },
    "python call finished",
  );
  const lostNote = acquired.lostPrevious
    ? ["The previous sandbox of this conversation had expired: a new one was started, earlier state is gone."]
    : [];
  return callOutcome(
    {
      end,
      plan,
      sinks,
      origin: acquired.origin,
      durationMs,
      reset: fate.action !== "keep",
      notes: [...lostNote, ...notes],
      charge,
    },
    options,
    ctx,
  );
}
