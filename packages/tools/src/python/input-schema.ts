/** What the model sends to `execute_python`, and what it is told about the tool. */
import { z } from "zod";
import type { ResolvedPythonOptions } from "./options.ts";

/**
 * The input schema. `timeout_seconds` above the maximum is capped rather than refused (the
 * original's default was an hour, and a model asking for more time should still get a run);
 * requirements are checked by `checkRequirements` so a refusal names the exact problem.
 */
export function executePythonInputSchema(options: ResolvedPythonOptions) {
  const { limits } = options;
  return z.object({
    code: z
      .string()
      .min(1)
      .max(limits.maxCodeChars)
      .describe(
        "Python 3 code to run in a Jupyter kernel. print() what you need to read; the value of the last " +
          "expression is returned too. Save files meant for the user under /tmp (e.g. /tmp/chart.png).",
      ),
    requirements: z
      .array(z.string().min(1).max(500))
      .max(limits.maxRequirements)
      .optional()
      .describe(
        "Extra pip packages to install first, one spec per item: a name with optional [extras] and version " +
          'clauses, e.g. ["sympy", "scikit-learn==1.5.2"]. No options, URLs or spaces. numpy, pandas, ' +
          "matplotlib, scipy and other common packages are already installed.",
      ),
    input_files: z
      .array(z.string().min(1).max(200))
      .max(limits.maxInputFiles)
      .optional()
      .describe(
        "file_id values of files in this conversation to upload to /tmp/inputs/<name> before the code runs; " +
          "the result lists each file's path.",
      ),
    timeout_seconds: z
      .number()
      .int()
      .positive()
      .max(86_400)
      .optional()
      .describe(
        `Run deadline in seconds; default ${options.defaultRunTimeoutMs / 1000}, at most ` +
          `${options.maxRunTimeoutMs / 1000} (larger values are capped).`,
      ),
  });
}

/** The parsed input of `execute_python`. */
export type ExecutePythonInput = z.output<ReturnType<typeof executePythonInputSchema>>;

/** The tool's description for the model. */
export function executePythonDescription(options: ResolvedPythonOptions): string {
  const minutes = Math.round(options.sandboxTimeoutMs / 60_000);
  return [
    "Run Python code in a secure cloud sandbox (E2B code interpreter, Jupyter kernel) for calculations, " +
      "math and physics, data analysis, charts and generating files.",
    `The sandbox belongs to this conversation and is reused while it lives (about ${minutes} minutes after ` +
      "the last call): variables, imports, installed packages and files persist between calls. If the result " +
      'says sandbox "new", earlier state is gone.',
    "Files: input_files are uploaded to /tmp/inputs/. Every file the code creates or changes under /tmp " +
      "(outside /tmp/inputs) is registered as a file of the conversation with a file_id; deliver it to the " +
      "user with deliver_file. PNG/JPEG images among them and figures shown with plt.show() are also shown " +
      "to you as images so you can check them.",
    "The result is JSON: ok, stdout, stderr, results, error (name, value, traceback), files, duration_ms.",
    "Costs the user money for the sandbox time the call uses (also when the code fails), so avoid " +
      "needless runs and long sleeps.",
  ].join("\n");
}
