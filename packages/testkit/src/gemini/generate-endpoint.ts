import type { ServerResponse } from "node:http";
import { sendJson, sleep, untilAborted, writeChunk } from "../shared/http-io.ts";
import { defaultGoogleMessage, googleErrorBody, sendGoogleError } from "./google-errors.ts";
import {
  estimatePromptTokens,
  planParts,
  type ResponseContext,
  responseChunk,
  usageFor,
} from "./response-plan.ts";
import type {
  GeminiPromptBlockedScript,
  GeminiResponseScript,
  GeminiScript,
  GeminiStreamErrorScript,
} from "./types.ts";

/** How the answer is framed: one JSON object, SSE `data:` chunks, or a JSON array (stream without alt=sse). */
export type Framing = "unary" | "sse" | "json_array";

/** One generate request being answered with a script. */
export interface GenerateExchange {
  res: ServerResponse;
  framing: Framing;
  context: ResponseContext;
  /** Aborts when the client goes away or the server closes. */
  signal: AbortSignal;
}

/** Google ends every SSE event with CRLF CRLF; the SDK accepts that and bare LF LF. */
function sseEvent(chunk: unknown): string {
  return `data: ${JSON.stringify(chunk)}\r\n\r\n`;
}

/** Writes chunks in the request's framing, `gapMs` apart; the last is written even for a unary answer. */
async function sendChunks(exchange: GenerateExchange, chunks: readonly unknown[], gapMs = 0): Promise<void> {
  const { res, framing, signal } = exchange;
  if (framing === "unary") {
    sendJson(res, 200, chunks[chunks.length - 1] ?? {});
    return;
  }
  if (framing === "json_array") {
    sendJson(res, 200, chunks);
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  // Headers out at once, so the client sees the stream open before the first chunk.
  res.flushHeaders();
  for (const [index, chunk] of chunks.entries()) {
    if (index > 0) await sleep(gapMs, signal);
    if (signal.aborted) return;
    await writeChunk(res, sseEvent(chunk), signal);
  }
  res.end();
}

function answerResponse(exchange: GenerateExchange, script: GeminiResponseScript): Promise<void> {
  const { context, framing } = exchange;
  const streamed = framing !== "unary";
  const planned = planParts(script.parts, context, streamed ? script.textChunkChars : undefined);
  const finishReason = script.finishReason ?? "STOP";
  const modelVersion = script.modelVersion ?? context.model;
  const total = usageFor(planned, context.summary, script.usage);
  if (!streamed || planned.length <= 1) {
    const parts = planned.map((entry) => entry.part);
    return sendChunks(exchange, [responseChunk(context, parts, finishReason, total, modelVersion)]);
  }
  // Each chunk carries the running usage, as the API does; the last one has the script's totals.
  const chunks = planned.map((entry, index) => {
    const last = index === planned.length - 1;
    const usage = last
      ? total
      : usageFor(planned.slice(0, index + 1), context.summary, { promptTokenCount: total.promptTokenCount });
    return responseChunk(context, [entry.part], last ? finishReason : undefined, usage, modelVersion);
  });
  return sendChunks(exchange, chunks, script.chunkDelayMs ?? 0);
}

function answerPromptBlocked(exchange: GenerateExchange, script: GeminiPromptBlockedScript): Promise<void> {
  const { context } = exchange;
  const promptTokenCount = estimatePromptTokens(context.summary);
  return sendChunks(exchange, [
    {
      promptFeedback: { blockReason: script.blockReason },
      usageMetadata: { promptTokenCount, totalTokenCount: promptTokenCount },
      modelVersion: context.model,
      responseId: context.responseId,
    },
  ]);
}

function answerStreamError(exchange: GenerateExchange, script: GeminiStreamErrorScript): Promise<void> {
  const { context, res } = exchange;
  const code = script.code ?? 500;
  const error = googleErrorBody(code, script.message ?? defaultGoogleMessage(code), script.googleStatus);
  if (exchange.framing === "unary") {
    // A unary call has no stream to break; the API reports the failure as the HTTP status.
    sendJson(res, code, error);
    return Promise.resolve();
  }
  const planned = planParts(script.afterParts, context);
  const chunks: unknown[] = planned.map((entry, index) =>
    responseChunk(
      context,
      [entry.part],
      undefined,
      usageFor(planned.slice(0, index + 1), context.summary),
      context.model,
    ),
  );
  chunks.push(error);
  return sendChunks(exchange, chunks);
}

/** Answers a valid generate request as `script` says. */
export async function playScript(exchange: GenerateExchange, script: GeminiScript): Promise<void> {
  const { res, signal } = exchange;
  switch (script.kind) {
    case "response":
      await sleep(script.delayMs ?? 0, signal);
      if (!signal.aborted) await answerResponse(exchange, script);
      return;
    case "prompt_blocked":
      await answerPromptBlocked(exchange, script);
      return;
    case "http_error":
      await sleep(script.delayMs ?? 0, signal);
      if (signal.aborted) return;
      sendGoogleError(res, script.status, script.message ?? defaultGoogleMessage(script.status), {
        status: script.googleStatus,
        retryAfterSeconds: script.retryAfterSeconds,
      });
      return;
    case "stream_error":
      await answerStreamError(exchange, script);
      return;
    case "hang":
      await untilAborted(signal);
      return;
    default: {
      const unknown: never = script;
      throw new Error(`unknown gemini script ${JSON.stringify(unknown)}`);
    }
  }
}
