import { sendJson, sleep } from "../shared/http-io.ts";
import type { OpenAIExchange, OpenAIState } from "./exchange.ts";
import { sendFakeFailure, sendOpenAIError, sendScriptedError, sendText } from "./openai-errors.ts";
import { checkTranscriptionRequest, type TranscriptionRequest } from "./transcription-request.ts";
import { transcriptResponse } from "./transcription-response.ts";
import type { OpenAITranscriptScript } from "./types.ts";

function sendTranscript(
  exchange: OpenAIExchange,
  request: TranscriptionRequest,
  script: OpenAITranscriptScript,
): void {
  const response = transcriptResponse(request.format, {
    script,
    model: request.model,
    fileBytes: request.file.bytes.length,
    language: request.language,
    prompt: request.prompt,
  });
  switch (response.kind) {
    case "json":
      sendJson(exchange.res, 200, response.body);
      return;
    case "text":
      sendText(exchange.res, response.text, response.contentType);
      return;
    default:
      throw new Error(`fake openai: unknown response ${JSON.stringify(response satisfies never)}`);
  }
}

/**
 * `POST /v1/audio/transcriptions`: validates the upload, takes the next script and answers with the
 * transcript in the requested format, or with the scripted error. A refused request uses no script.
 */
export async function answerTranscription(exchange: OpenAIExchange, state: OpenAIState): Promise<void> {
  const checked = checkTranscriptionRequest(exchange.upload, state.maxFileBytes);
  if (!checked.ok) {
    sendOpenAIError(exchange.res, checked.refusal.status, checked.refusal.error);
    return;
  }
  const { request } = checked;
  if (request.stream) {
    sendFakeFailure(exchange.res, "streamed transcriptions are not supported");
    return;
  }
  const script = state.transcripts.shift();
  if (!script) {
    sendFakeFailure(exchange.res, "no transcription scripted");
    return;
  }
  await sleep(script.delayMs ?? 0, exchange.signal);
  if (exchange.signal.aborted) return;
  switch (script.kind) {
    case "transcript":
      sendTranscript(exchange, request, script);
      return;
    case "http_error":
      sendScriptedError(exchange.res, script);
      return;
    default:
      throw new Error(`fake openai: unknown script ${JSON.stringify(script satisfies never)}`);
  }
}
