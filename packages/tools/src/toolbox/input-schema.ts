/**
 * A tool's zod input schema as the JSON Schema the model is shown.
 */
import { z } from "zod";

/**
 * Converts a tool's input schema to JSON Schema (draft-07, which every provider accepts).
 * `io: "input"` describes what the model may send, so fields with a default are optional.
 * The `$schema` key is dropped: Anthropic wants the bare object schema.
 *
 * @throws Error when the schema is not an object, or zod cannot represent it (a transform
 * without an input type, a custom check): both are programming errors caught at start-up.
 */
export function toolInputSchema(toolName: string, schema: z.ZodType): Readonly<Record<string, unknown>> {
  let json: Record<string, unknown>;
  try {
    json = z.toJSONSchema(schema, { io: "input", target: "draft-7" }) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`tool ${toolName}: its input schema has no JSON Schema form`, { cause: error });
  }
  const { $schema: _dropped, ...rest } = json;
  if (rest.type !== "object") throw new Error(`tool ${toolName}: the input schema must be an object`);
  return rest;
}
