import type { ToolOutcome, ToolRunContext } from "@bot/actors";
import type { z } from "zod";

/**
 * One of our tools: what the model is told (name, description, the input's JSON Schema
 * derived from `input`), whether it costs money, and how it runs. `run` gets input that
 * already passed `input`; it resolves with an outcome for every failure it can name
 * (bad input beyond the schema, provider errors, timeouts, cancellation) and sets
 * `charge` whenever resources were used, even when the work failed.
 */
export interface ToolDefinition<I = unknown> {
  readonly name: string;
  readonly description: string;
  readonly input: z.ZodType<I>;
  readonly paid: boolean;
  run(input: I, context: ToolRunContext): Promise<ToolOutcome>;
}

/** Declares a tool with its input type inferred from the schema. */
export function defineTool<S extends z.ZodType>(definition: {
  readonly name: string;
  readonly description: string;
  readonly input: S;
  readonly paid: boolean;
  run(input: z.output<S>, context: ToolRunContext): Promise<ToolOutcome>;
}): ToolDefinition<z.output<S>> {
  return definition as ToolDefinition<z.output<S>>;
}
