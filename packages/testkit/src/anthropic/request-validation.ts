import { toolsProblem } from "./tool-validation.ts";
import type { AnthropicRequestBody } from "./types.ts";

/** What the real API would reject with 400 in a `POST /v1/messages` body, or undefined. */
export function messagesBodyProblem(body: AnthropicRequestBody): string | undefined {
  return (
    countTokensBodyProblem(body) ??
    (typeof body.max_tokens === "number" ? undefined : "max_tokens: Field required")
  );
}

/** What the real API would reject with 400 in a `POST /v1/messages/count_tokens` body, or undefined. */
export function countTokensBodyProblem(body: AnthropicRequestBody): string | undefined {
  if (typeof body.model !== "string") return "model: Field required";
  if (!Array.isArray(body.messages)) return "messages: Field required";
  return toolsProblem(body);
}
