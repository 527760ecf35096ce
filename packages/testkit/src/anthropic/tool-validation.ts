import type { AnthropicRequestBody } from "./types.ts";

/**
 * The `name` each versioned tool type must carry, from the SDK's `ToolUnion` (1.14); null for the
 * toolsets, which have no name. A type missing here is one the API does not know: 400.
 */
const TOOL_NAMES: ReadonlyMap<string, string | null> = new Map([
  ["web_search_20250305", "web_search"],
  ["web_search_20260209", "web_search"],
  ["web_search_20260318", "web_search"],
  ["web_fetch_20250910", "web_fetch"],
  ["web_fetch_20260209", "web_fetch"],
  ["web_fetch_20260309", "web_fetch"],
  ["web_fetch_20260318", "web_fetch"],
  ["code_execution_20250522", "code_execution"],
  ["code_execution_20250825", "code_execution"],
  ["code_execution_20260120", "code_execution"],
  ["code_execution_20260521", "code_execution"],
  ["bash_20250124", "bash"],
  ["memory_20250818", "memory"],
  ["text_editor_20250124", "str_replace_editor"],
  ["text_editor_20250429", "str_replace_based_edit_tool"],
  ["text_editor_20250728", "str_replace_based_edit_tool"],
  ["tool_search_tool_bm25_20251119", "tool_search_tool_bm25"],
  ["tool_search_tool_bm25", "tool_search_tool_bm25"],
  ["tool_search_tool_regex_20251119", "tool_search_tool_regex"],
  ["tool_search_tool_regex", "tool_search_tool_regex"],
  ["browser_toolset_20260801", null],
  ["computer_toolset_20260801", null],
]);

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isCustom(type: unknown): boolean {
  return type === undefined || type === null || type === "custom";
}

/** What the API checks of one versioned tool's options. */
function serverToolOptionsProblem(tool: Readonly<Record<string, unknown>>, at: string): string | undefined {
  const maxUses = tool.max_uses;
  if (maxUses !== undefined && maxUses !== null && !(Number.isInteger(maxUses) && Number(maxUses) > 0)) {
    return `${at}.max_uses: Input should be greater than 0`;
  }
  if (tool.allowed_domains != null && tool.blocked_domains != null) {
    return `${at}: cannot use both allowed_domains and blocked_domains`;
  }
  return undefined;
}

function toolProblem(tool: unknown, index: number): string | undefined {
  const at = `tools.${index}`;
  if (!isObject(tool)) return `${at}: Input should be an object`;
  if (isCustom(tool.type)) {
    return typeof tool.name === "string" && tool.name !== ""
      ? undefined
      : `${at}.custom.name: Field required`;
  }
  const type = String(tool.type);
  if (!TOOL_NAMES.has(type)) {
    return `${at}: Input tag '${type}' found using 'type' does not match any of the expected tags: ${[
      "custom",
      ...TOOL_NAMES.keys(),
    ]
      .map((tag) => `'${tag}'`)
      .join(", ")}`;
  }
  const name = TOOL_NAMES.get(type) ?? null;
  if (name !== null && tool.name !== name) return `${at}.${type}.name: Input should be '${name}'`;
  return serverToolOptionsProblem(tool, `${at}.${type}`);
}

/** The name a tool goes by in the request (toolsets by their type), for the uniqueness check. */
function toolName(tool: unknown): string | undefined {
  if (!isObject(tool)) return undefined;
  return typeof tool.name === "string" ? tool.name : typeof tool.type === "string" ? tool.type : undefined;
}

/**
 * What the API would reject with 400 in a body's `tools`: not an array, an unknown tool type (e.g.
 * a server tool version that does not exist), a versioned tool under the wrong name, bad server
 * tool options, or two tools of one name. Undefined when there is nothing wrong or no tools.
 */
export function toolsProblem(body: AnthropicRequestBody): string | undefined {
  const { tools } = body;
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) return "tools: Input should be a valid list";
  for (const [index, tool] of tools.entries()) {
    const problem = toolProblem(tool, index);
    if (problem) return problem;
  }
  const names = tools.map(toolName).filter((name): name is string => name !== undefined);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  return repeated === undefined ? undefined : `tools: Tool names must be unique, '${repeated}' is repeated`;
}
