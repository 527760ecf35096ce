import { sendJson } from "../shared/http-io.ts";
import type { Exchange, FakeState } from "./exchange.ts";
import { fileReferenceProblem } from "./file-references.ts";
import { sendApiError } from "./http-replies.ts";
import { countTokensBodyProblem } from "./request-validation.ts";

/**
 * `POST /v1/messages/count_tokens`: `{ input_tokens }` from the configured counter, after the same
 * checks of tools and referenced files that `POST /v1/messages` makes.
 */
export function answerCountTokens(exchange: Exchange, state: FakeState): void {
  const { body } = exchange.record;
  const problem = countTokensBodyProblem(body) ?? fileReferenceProblem(body, state.files);
  if (problem) {
    sendApiError(exchange.res, 400, "invalid_request_error", problem);
    return;
  }
  sendJson(exchange.res, 200, { input_tokens: state.countTokens(body) });
}
