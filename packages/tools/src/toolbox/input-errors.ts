/**
 * Turning zod issues into a message the model can act on: which field, what is wrong.
 */
import type { z } from "zod";

/** One problem with a tool input, as the model is told. */
export interface InputProblem {
  /** Dotted path of the field (`items.2.name`), or `(input)` for the input as a whole. */
  readonly field: string;
  readonly problem: string;
}

/** The problems of a failed parse, one per zod issue. */
export function inputProblems(error: z.ZodError): readonly InputProblem[] {
  return error.issues.map((issue) => ({
    field: issue.path.length === 0 ? "(input)" : issue.path.map(String).join("."),
    // zod prefixes type errors with "Invalid input: "; the field name already says where.
    problem: issue.message.replace(/^Invalid input: /, ""),
  }));
}

/** "Invalid input for deliver_file: file_id: expected string, received number; ..." */
export function inputErrorMessage(toolName: string, problems: readonly InputProblem[]): string {
  const parts = problems.map((entry) => `${entry.field}: ${entry.problem}`);
  return `Invalid input for ${toolName}: ${parts.join("; ")}. Fix these fields and call the tool again.`;
}
