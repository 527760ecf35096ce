import { sendJson, sleep } from "../shared/http-io.ts";
import type { Exchange, FakeState } from "./exchange.ts";
import { fileReferenceProblem } from "./file-references.ts";
import { sendApiError, sendFakeFailure } from "./http-replies.ts";
import { type MessagePlan, planMessage } from "./message-plan.ts";
import { messagesBodyProblem } from "./request-validation.ts";
import { interruptedFrames, messageFrames, type SseFrame } from "./sse-frames.ts";
import { type Pacing, startEventStream, writeFrames } from "./sse-writer.ts";
import type { AnthropicMessageScript, AnthropicScript, AnthropicStreamErrorScript } from "./types.ts";

/** HTTP status of each mid-stream error type when the request was not streaming. */
const STREAM_ERROR_STATUS = { overloaded_error: 529, api_error: 500 } as const;
const STREAM_ERROR_MESSAGE = { overloaded_error: "Overloaded", api_error: "Internal server error" } as const;

function pacingFor(script: { tokensPerSecond?: number; pingEvery?: number }, state: FakeState): Pacing {
  const rate = script.tokensPerSecond ?? state.tokensPerSecond;
  return { intervalMs: rate && rate > 0 ? 1000 / rate : 0, pingEvery: script.pingEvery };
}

function plan(exchange: Exchange, state: FakeState, script: AnthropicMessageScript): MessagePlan {
  const { body } = exchange.record;
  const stopSequences = Array.isArray(body.stop_sequences)
    ? body.stop_sequences.filter((entry): entry is string => typeof entry === "string")
    : [];
  return planMessage(script, {
    requestedModel: String(body.model),
    inputTokens: state.countTokens(body),
    stopSequences,
  });
}

async function stream(exchange: Exchange, frames: readonly SseFrame[], pacing: Pacing): Promise<void> {
  startEventStream(exchange.res);
  const firstToken = () => {
    exchange.record.firstTokenAt = Date.now();
  };
  if (await writeFrames(exchange.res, frames, pacing, exchange.signal, firstToken)) exchange.res.end();
}

async function answerMessage(exchange: Exchange, state: FakeState, script: AnthropicMessageScript) {
  const message = plan(exchange, state, script);
  const pacing = pacingFor(script, state);
  if (exchange.record.body.stream === true) {
    await stream(exchange, messageFrames(message), pacing);
    return;
  }
  // A non-streaming answer takes as long as streaming it would have.
  await sleep(Math.max(0, message.tokenCount - 1) * pacing.intervalMs, exchange.signal);
  if (!exchange.signal.aborted) sendJson(exchange.res, 200, message.message);
}

async function answerStreamError(exchange: Exchange, state: FakeState, script: AnthropicStreamErrorScript) {
  const message = script.message ?? STREAM_ERROR_MESSAGE[script.errorType];
  if (exchange.record.body.stream !== true) {
    sendApiError(exchange.res, STREAM_ERROR_STATUS[script.errorType], script.errorType, message);
    return;
  }
  const partial = plan(exchange, state, { kind: "message", blocks: script.afterBlocks });
  await stream(exchange, interruptedFrames(partial, script.errorType, message), pacingFor({}, state));
}

async function answer(exchange: Exchange, state: FakeState, script: AnthropicScript): Promise<void> {
  switch (script.kind) {
    case "message":
      return answerMessage(exchange, state, script);
    case "stream_error":
      return answerStreamError(exchange, state, script);
    case "http_error": {
      const headers: Record<string, string> = {};
      if (script.retryAfterSeconds !== undefined) headers["retry-after"] = String(script.retryAfterSeconds);
      if (script.shouldRetry !== undefined) headers["x-should-retry"] = String(script.shouldRetry);
      sendApiError(exchange.res, script.status, script.errorType, script.message, headers);
      return;
    }
    case "hang":
      // Never answer: the socket stays open until the client aborts or the server closes it.
      return;
    default:
      throw new Error(`fake anthropic: unknown script ${JSON.stringify(script satisfies never)}`);
  }
}

/**
 * `POST /v1/messages`: validates the body (shape, tools, referenced files), takes the next script
 * and plays it. A rejected body uses no script.
 */
export async function answerMessages(exchange: Exchange, state: FakeState): Promise<void> {
  const { body } = exchange.record;
  const problem = messagesBodyProblem(body) ?? fileReferenceProblem(body, state.files);
  if (problem) {
    sendApiError(exchange.res, 400, "invalid_request_error", problem);
    return;
  }
  let script: AnthropicScript | undefined;
  try {
    script = await state.scripts.next(exchange.record);
  } catch (error) {
    sendFakeFailure(
      exchange.res,
      `responder failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    return;
  }
  if (!script) {
    sendFakeFailure(exchange.res, "no response scripted");
    return;
  }
  await answer(exchange, state, script);
}
