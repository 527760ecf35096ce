import { sleep, untilAborted, writeChunk } from "../shared/http-io.ts";
import { type E2BExchange, type E2BState, sendApiError } from "./exchange.ts";
import type { LiveSandbox } from "./sandbox-registry.ts";
import type { E2BExecutionRequest, E2BExecutionRunScript, E2BExecutionStep } from "./types.ts";

function base64Of(data: string | Uint8Array): string {
  return typeof data === "string" ? data : Buffer.from(data).toString("base64");
}

function stringMap(value: unknown): Record<string, string> {
  if (typeof value !== "object" || value === null) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
}

/** The NDJSON line for an output step; undefined for steps that only act (file, delay, expire). */
function lineFor(step: E2BExecutionStep, timestamp: string): Record<string, unknown> | undefined {
  switch (step.type) {
    case "stdout":
    case "stderr":
      return { type: step.type, text: step.text, timestamp };
    case "result": {
      const line: Record<string, unknown> = { type: "result", ...step.formats };
      if (step.text !== undefined) line.text = step.text;
      if (step.png !== undefined) line.png = base64Of(step.png);
      if (step.jpeg !== undefined) line.jpeg = base64Of(step.jpeg);
      line.is_main_result = step.isMainResult ?? false;
      return line;
    }
    case "error":
      return { type: "error", name: step.name, value: step.value, traceback: step.traceback };
    case "file":
    case "delay":
    case "expire":
      return undefined;
    default: {
      const unknown: never = step;
      throw new Error(`unknown execution step ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * Streams an execution as the code interpreter does: `number_of_executions`, then one JSON line per
 * step (stdout/stderr with a timestamp, result with `is_main_result`, error with name/value/traceback),
 * then `end_of_execution`. The SDK parses result, stdout, stderr, error and number_of_executions and
 * ignores the rest.
 */
async function run(
  exchange: E2BExchange,
  state: E2BState,
  sandbox: LiveSandbox,
  script: E2BExecutionRunScript,
) {
  const { res, signal } = exchange;
  res.writeHead(200, { "content-type": "application/x-ndjson" });
  // Headers out now: the SDK's request timeout covers only the wait for them, then `timeoutMs` runs.
  res.flushHeaders();
  const send = (line: Record<string, unknown>) => writeChunk(res, `${JSON.stringify(line)}\n`, signal);
  await send({ type: "number_of_executions", execution_count: sandbox.executions });
  for (const step of script.steps) {
    if (signal.aborted) return;
    if (step.type === "delay") {
      await sleep(step.ms, signal);
    } else if (step.type === "file") {
      sandbox.fs.write(
        step.path,
        typeof step.data === "string" ? Buffer.from(step.data) : Buffer.from(step.data),
      );
    } else if (step.type === "expire") {
      state.registry.end(sandbox.sandboxId, "expired");
      // The VM is gone: the connection breaks mid-stream, as it does when E2B reaps a sandbox.
      res.destroy();
      return;
    } else {
      const line = lineFor(step, new Date(state.clock()).toISOString());
      if (line) await send(line);
    }
  }
  if (signal.aborted) return;
  await send({ type: "end_of_execution" });
  res.end();
}

/** `POST /execute` on the code-interpreter port (49999): takes the next execution script and plays it. */
export async function answerExecute(
  exchange: E2BExchange,
  state: E2BState,
  sandbox: LiveSandbox,
): Promise<void> {
  const { record, res, signal } = exchange;
  if (record.method !== "POST" || record.path !== "/execute") {
    return sendApiError(res, 404, `fake e2b code interpreter does not model ${record.method} ${record.path}`);
  }
  const body = record.body;
  if (
    typeof body !== "object" ||
    body === null ||
    typeof (body as Record<string, unknown>).code !== "string"
  ) {
    return sendApiError(res, 400, "code is required");
  }
  const fields = body as Record<string, unknown>;
  sandbox.executions += 1;
  const request: E2BExecutionRequest = {
    sandboxId: sandbox.sandboxId,
    code: fields.code as string,
    language: typeof fields.language === "string" ? fields.language : null,
    contextId: typeof fields.context_id === "string" ? fields.context_id : null,
    envVars: stringMap(fields.env_vars),
    files: sandbox.fs.snapshot(),
  };
  const script = state.executions.shift() ?? (state.responder ? await state.responder(request) : undefined);
  if (!script) throw new Error("no execution script queued");
  switch (script.kind) {
    case "execution":
      return run(exchange, state, sandbox, script);
    case "http_error":
      return sendApiError(res, script.status, script.message ?? `HTTP ${script.status}`);
    case "hang":
      return untilAborted(signal);
    default: {
      const unknown: never = script;
      throw new Error(`unknown execution script ${JSON.stringify(unknown)}`);
    }
  }
}
