/**
 * The provider's own web tools. We only offer them: the provider runs them, and the tool
 * loop charges searches from the call's usage, so there is no `run` here.
 */
import type { ToolSpec } from "@bot/llm";

/** The provider's web search: how many searches one model call may make. */
export interface WebSearchOptions {
  readonly maxUses: number;
}

/** The provider's web fetch: how many pages one model call may fetch, and how much of each. */
export interface WebFetchOptions {
  readonly maxUses: number;
  /** Longest page content handed to the model, tokens (bounds the input cost of a fetch). */
  readonly maxContentTokens: number;
}

/** Names the server tools take; our own tools must not reuse them. */
export const SERVER_TOOL_NAMES: readonly string[] = ["web_search", "web_fetch"];

/** The specs of the enabled server tools, in a fixed order (search, then fetch). */
export function serverToolSpecs(options: {
  readonly webSearch?: WebSearchOptions;
  readonly webFetch?: WebFetchOptions;
}): readonly ToolSpec[] {
  const specs: ToolSpec[] = [];
  if (options.webSearch) specs.push({ type: "web_search", maxUses: options.webSearch.maxUses });
  if (options.webFetch) {
    specs.push({
      type: "web_fetch",
      maxUses: options.webFetch.maxUses,
      maxContentTokens: options.webFetch.maxContentTokens,
    });
  }
  return specs;
}
