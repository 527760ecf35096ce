/**
 * The {@link ToolBox} port over our tool definitions and the provider's server tools.
 */
import type { ToolBox, ToolInvocation, ToolOutcome, ToolRunContext } from "@bot/actors";
import { toolFailure } from "@bot/actors";
import type { FunctionToolSpec, ToolSpec } from "@bot/llm";
import type { ToolDefinition } from "../tool-definition.ts";
import type { WebFetchOptions, WebSearchOptions } from "../web/server-tools.ts";
import { SERVER_TOOL_NAMES, serverToolSpecs } from "../web/server-tools.ts";
import { inputErrorMessage, inputProblems } from "./input-errors.ts";
import { toolInputSchema } from "./input-schema.ts";

/** What {@link createToolBox} offers. */
export interface ToolBoxOptions {
  /** Our tools, in the order the model is shown them. Names must be unique. */
  readonly tools: readonly ToolDefinition[];
  /** Offer the provider's web search (charged per search from usage). Off when absent. */
  readonly webSearch?: WebSearchOptions;
  /** Offer the provider's web fetch (billed as input tokens). Off when absent. */
  readonly webFetch?: WebFetchOptions;
}

/** Tool names the providers accept: letters, digits, `_` and `-`, at most 64. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * Builds the tool box. Every schema is converted once, here, so a tool whose schema has no
 * JSON Schema form fails at start-up rather than on a user's request.
 *
 * @throws Error on a duplicate or invalid name, a name of a server tool, a non-object input
 * schema, or server-tool limits that are not positive integers.
 */
export function createToolBox(options: ToolBoxOptions): ToolBox {
  const byName = new Map<string, ToolDefinition>();
  const functionSpecs: FunctionToolSpec[] = [];
  for (const tool of options.tools) {
    if (!TOOL_NAME.test(tool.name)) throw new Error(`invalid tool name: ${JSON.stringify(tool.name)}`);
    if (byName.has(tool.name)) throw new Error(`two tools are named ${tool.name}`);
    if (SERVER_TOOL_NAMES.includes(tool.name)) throw new Error(`${tool.name} is a server tool's name`);
    byName.set(tool.name, tool);
    functionSpecs.push({
      type: "function",
      name: tool.name,
      description: tool.description,
      inputSchema: toolInputSchema(tool.name, tool.input),
    });
  }
  checkLimits(options);
  const specs: readonly ToolSpec[] = Object.freeze([...functionSpecs, ...serverToolSpecs(options)]);

  return {
    // The same tools in every chat today; the context is there for per-chat offers later.
    specs: () => specs,
    // Server tools are not ours to run, so they are never "paid" in the sense of the gate.
    isPaid: (name) => byName.get(name)?.paid ?? false,
    run: (call, context) => runTool(byName, call, context),
  };
}

async function runTool(
  byName: ReadonlyMap<string, ToolDefinition>,
  call: ToolInvocation,
  context: ToolRunContext,
): Promise<ToolOutcome> {
  const tool = byName.get(call.name);
  if (!tool) {
    const known = [...byName.keys()].join(", ");
    return toolFailure("unknown_tool", `There is no tool named ${call.name}. Available tools: ${known}.`);
  }
  const parsed = tool.input.safeParse(call.input);
  if (!parsed.success) {
    const issues = inputProblems(parsed.error);
    context.logger.info({ tool: call.name, issues }, "tool input rejected");
    return toolFailure("bad_input", inputErrorMessage(call.name, issues), { issues });
  }
  if (context.signal.aborted)
    return toolFailure("cancelled", "The request was cancelled before the tool ran.");
  try {
    return await tool.run(parsed.data, context);
  } catch (error) {
    // A tool should name its failures; a throw is a bug, but the model still gets an answer.
    context.logger.error({ err: error, tool: call.name }, "tool threw instead of returning a failure");
    const message = error instanceof Error ? error.message : String(error);
    return toolFailure("failed", `${call.name} failed unexpectedly: ${message}`);
  }
}

function checkLimits(options: ToolBoxOptions): void {
  const limits: [string, number | undefined][] = [
    ["webSearch.maxUses", options.webSearch?.maxUses],
    ["webFetch.maxUses", options.webFetch?.maxUses],
    ["webFetch.maxContentTokens", options.webFetch?.maxContentTokens],
  ];
  for (const [name, value] of limits) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) {
      throw new Error(`${name} must be a positive integer, got ${value}`);
    }
  }
}
