import type { Exchange, FakeState } from "./exchange.ts";
import { sendApiError, sendJson } from "./http-replies.ts";
import { countTokensBodyProblem } from "./request-validation.ts";

/** `POST /v1/messages/count_tokens`: `{ input_tokens }` from the configured counter. */
export function answerCountTokens(exchange: Exchange, state: FakeState): void {
  const problem = countTokensBodyProblem(exchange.record.body);
  if (problem) {
    sendApiError(exchange.res, 400, "invalid_request_error", problem);
    return;
  }
  sendJson(exchange.res, 200, { input_tokens: state.countTokens(exchange.record.body) });
}
