import type { AnthropicRequestBody } from "./types.ts";

/**
 * Deterministic stand-in for the API's token count: a quarter of the JSON length of the parts that
 * count as input (system prompt, messages, tools), rounded up.
 */
export function estimateInputTokens(body: AnthropicRequestBody): number {
  const counted = JSON.stringify({ system: body.system, messages: body.messages, tools: body.tools });
  return Math.ceil(counted.length / 4);
}
