import { toolFailure } from "@bot/actors";
import { fixedClock } from "@bot/domain";
import type { FunctionToolSpec, ToolSpec } from "@bot/llm";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import {
  createDeliverFileTool,
  createListFilesTool,
  createPreviewFileTool,
  createRenderLatexTool,
  createToolBox,
  defineTool,
  type ToolDefinition,
} from "../src/index.ts";
import { fakeToolRun } from "../src/toolbox/fake-tool-context.ts";

const echo = defineTool({
  name: "echo",
  description: "Echoes its input.",
  input: z.object({
    text: z.string().min(1).describe("What to echo."),
    times: z.number().int().min(1).max(3).default(1).describe("How often."),
  }),
  paid: false,
  async run(input) {
    return {
      ok: true,
      content: input.text.repeat(input.times),
      errorKind: null,
      summary: "echoed",
      charge: null,
    };
  },
});

const costly = defineTool({
  name: "costly",
  description: "Costs money.",
  input: z.object({}),
  paid: true,
  async run() {
    return { ok: true, content: "{}", errorKind: null, summary: "ok", charge: null };
  },
});

const broken = defineTool({
  name: "broken",
  description: "Always throws.",
  input: z.object({}),
  paid: false,
  async run() {
    throw new Error("disk on fire");
  },
});

function functionSpec(specs: readonly ToolSpec[], name: string): FunctionToolSpec {
  const spec = specs.find(
    (entry): entry is FunctionToolSpec => entry.type === "function" && entry.name === name,
  );
  if (!spec) throw new Error(`no spec ${name}`);
  return spec;
}

const chat = { userId: 42, chatType: "private" } as const;

describe("createToolBox specs", () => {
  it("given tools, when specs are asked, then each has its JSON Schema without $schema and with descriptions", () => {
    const box = createToolBox({ tools: [echo, costly] });
    const spec = functionSpec(box.specs(chat), "echo");
    expect(spec.description).toBe("Echoes its input.");
    expect(spec.inputSchema).not.toHaveProperty("$schema");
    expect(spec.inputSchema).toMatchObject({
      type: "object",
      required: ["text"],
      properties: {
        text: { type: "string", minLength: 1, description: "What to echo." },
        times: { type: "integer", minimum: 1, maximum: 3, default: 1, description: "How often." },
      },
    });
    expect(functionSpec(box.specs(chat), "costly").inputSchema).toEqual({ type: "object", properties: {} });
  });

  it("given web search and fetch options, when specs are asked, then the server tools follow ours", () => {
    const box = createToolBox({
      tools: [echo],
      webSearch: { maxUses: 5 },
      webFetch: { maxUses: 3, maxContentTokens: 20_000 },
    });
    expect(box.specs(chat).map((spec) => spec.type)).toEqual(["function", "web_search", "web_fetch"]);
    expect(box.specs(chat).slice(1)).toEqual([
      { type: "web_search", maxUses: 5 },
      { type: "web_fetch", maxUses: 3, maxContentTokens: 20_000 },
    ]);
  });

  it("given no web options, when specs are asked, then no server tool is offered", () => {
    const box = createToolBox({ tools: [echo] });
    expect(box.specs({ userId: 1, chatType: "group" })).toHaveLength(1);
  });

  it("given paid and free tools, when isPaid is asked, then only the paid one (and no unknown name) is", () => {
    const box = createToolBox({ tools: [echo, costly], webSearch: { maxUses: 5 } });
    expect(box.isPaid("costly")).toBe(true);
    expect(box.isPaid("echo")).toBe(false);
    expect(box.isPaid("web_search")).toBe(false);
    expect(box.isPaid("nope")).toBe(false);
  });

  it("given two tools with one name, when the box is built, then it refuses", () => {
    expect(() => createToolBox({ tools: [echo, echo] })).toThrow(/two tools are named echo/);
  });

  it("given a tool named like a server tool, when the box is built, then it refuses", () => {
    const clash = { ...echo, name: "web_search" } as ToolDefinition;
    expect(() => createToolBox({ tools: [clash] })).toThrow(/server tool/);
  });

  it("given a non-object input schema, when the box is built, then it refuses", () => {
    const scalar = defineTool({
      name: "scalar",
      description: "x",
      input: z.string(),
      paid: false,
      run: async () => toolFailure("x", "x"),
    });
    expect(() => createToolBox({ tools: [scalar as ToolDefinition] })).toThrow(/must be an object/);
  });

  it("given a zero web search limit, when the box is built, then it refuses", () => {
    expect(() => createToolBox({ tools: [], webSearch: { maxUses: 0 } })).toThrow(/webSearch.maxUses/);
  });
});

describe("createToolBox run", () => {
  it("given valid input, when run, then the definition gets the parsed input with defaults", async () => {
    const box = createToolBox({ tools: [echo] });
    const { context } = fakeToolRun();
    const outcome = await box.run(
      { toolUseId: "t1", name: "echo", input: { text: "ab", times: 2 } },
      context,
    );
    expect(outcome).toMatchObject({ ok: true, content: "abab" });
    const defaulted = await box.run({ toolUseId: "t2", name: "echo", input: { text: "ab" } }, context);
    expect(defaulted.content).toBe("ab");
  });

  it("given an unknown tool name, when run, then unknown_tool names the available tools", async () => {
    const box = createToolBox({ tools: [echo, costly] });
    const outcome = await box.run({ toolUseId: "t1", name: "nope", input: {} }, fakeToolRun().context);
    expect(outcome.ok).toBe(false);
    expect(outcome.errorKind).toBe("unknown_tool");
    expect(JSON.parse(outcome.content as string).message).toBe(
      "There is no tool named nope. Available tools: echo, costly.",
    );
  });

  it("given input of the wrong types, when run, then bad_input names each field and nothing is charged", async () => {
    const box = createToolBox({ tools: [echo] });
    const run = vi.spyOn(echo, "run");
    const outcome = await box.run(
      { toolUseId: "t1", name: "echo", input: { text: 5, times: 9 } },
      fakeToolRun().context,
    );
    expect(outcome).toMatchObject({ ok: false, errorKind: "bad_input", charge: null });
    const body = JSON.parse(outcome.content as string);
    expect(body.message).toMatch(/^Invalid input for echo: text: .*expected string.*; times: .*<=3/);
    expect(body.issues.map((issue: { field: string }) => issue.field)).toEqual(["text", "times"]);
    expect(run).not.toHaveBeenCalled();
    run.mockRestore();
  });

  it("given no input object at all, when run, then bad_input speaks of the input as a whole", async () => {
    const box = createToolBox({ tools: [echo] });
    const outcome = await box.run({ toolUseId: "t1", name: "echo", input: "hello" }, fakeToolRun().context);
    expect(JSON.parse(outcome.content as string).issues[0].field).toBe("(input)");
  });

  it("given a tool that throws, when run, then the outcome is failed with the message and it is logged", async () => {
    const box = createToolBox({ tools: [broken] });
    const { context } = fakeToolRun();
    const error = vi.spyOn(context.logger, "error");
    const outcome = await box.run({ toolUseId: "t1", name: "broken", input: {} }, context);
    expect(outcome).toMatchObject({ ok: false, errorKind: "failed", charge: null });
    expect(JSON.parse(outcome.content as string).message).toBe("broken failed unexpectedly: disk on fire");
    expect(error).toHaveBeenCalledOnce();
  });

  it("given an aborted request, when run, then the tool does not start", async () => {
    const box = createToolBox({ tools: [echo] });
    const { context, controller } = fakeToolRun();
    controller.abort();
    const outcome = await box.run({ toolUseId: "t1", name: "echo", input: { text: "a" } }, context);
    expect(outcome.errorKind).toBe("cancelled");
  });
});

describe("the real tools' schemas", () => {
  const box = createToolBox({
    tools: [
      createRenderLatexTool(),
      createListFilesTool({ clock: fixedClock("2025-06-01T12:00:00Z") }),
      createDeliverFileTool(),
      createPreviewFileTool(),
    ],
  });
  const specs = box.specs(chat);

  it.each([
    ["render_latex", ["latex"], ["latex", "dpi", "background"]],
    ["list_files", undefined, []],
    ["deliver_file", ["file_id"], ["file_id", "send_as", "caption", "sequential"]],
    ["preview_file", ["file_id"], ["file_id", "max_lines", "from_line", "sheet"]],
  ])(
    "given %s, when its schema is built, then it requires %j and has exactly its fields",
    (name, required, fields) => {
      const schema = functionSpec(specs, name).inputSchema;
      expect(schema.type).toBe("object");
      expect(schema).not.toHaveProperty("$schema");
      expect(schema.required).toEqual(required);
      expect(Object.keys(schema.properties as object)).toEqual(fields);
    },
  );

  it("given every real tool, when its schema is built, then every field has a description the model sees", () => {
    for (const spec of specs) {
      if (spec.type !== "function") continue;
      expect(spec.description.length).toBeGreaterThan(40);
      for (const [field, property] of Object.entries(spec.inputSchema.properties as Record<string, object>)) {
        expect(property, `${spec.name}.${field}`).toHaveProperty("description");
      }
    }
  });

  it("given deliver_file, when its schema is built, then sequential is an optional boolean and send_as is an enum", () => {
    const schema = functionSpec(specs, "deliver_file").inputSchema as { properties: Record<string, unknown> };
    expect(schema.properties.sequential).toMatchObject({ type: "boolean", default: false });
    expect(schema.properties.send_as).toMatchObject({ enum: ["auto", "photo", "document"], default: "auto" });
    expect(schema.properties.caption).toMatchObject({ type: "string", maxLength: 1024 });
  });
});
