/**
 * `render_latex`: renders LaTeX to a PNG, stores it as a pending file of the thread and shows
 * it to the model, which reviews it and sends it with `deliver_file`.
 */
import type { ToolOutcome, ToolRunContext } from "@bot/actors";
import { toolFailure } from "@bot/actors";
import { z } from "zod";
import type { RenderLatexOptions } from "../latex/render-latex.ts";
import { RENDER_LATEX_DEFAULTS, renderLatex } from "../latex/render-latex.ts";
import type { RenderLatexError, RenderLatexSuccess } from "../latex/types.ts";
import type { ToolDefinition } from "../tool-definition.ts";
import { defineTool } from "../tool-definition.ts";
import { assertNever } from "../toolbox/assert-never.ts";

/** Dependencies of {@link createRenderLatexTool}. */
export interface RenderLatexToolOptions {
  /** Passed to {@link renderLatex} (engines, limits, timeouts). */
  readonly render?: RenderLatexOptions;
}

const { minDpi, maxDpi, dpi: defaultDpi } = RENDER_LATEX_DEFAULTS;

const renderLatexInput = z.object({
  latex: z
    .string()
    .min(1)
    .describe(
      "The LaTeX to render: a formula (with or without $…$, \\[…\\] delimiters; several lines become " +
        "several rows), an align/cases/matrix environment, a TikZ picture or tabular, or a whole document " +
        `with \\documentclass. At most ${RENDER_LATEX_DEFAULTS.maxInputChars} characters. File access and ` +
        "shell commands (\\input, \\write18, ...) are refused.",
    ),
  dpi: z
    .number()
    .int()
    .min(minDpi)
    .max(maxDpi)
    .optional()
    .describe(
      `Resolution, ${minDpi}–${maxDpi}. Default ${defaultDpi}: formulas at about twice phone text size.`,
    ),
  background: z
    .enum(["white", "transparent"])
    .optional()
    .describe(
      '"white" (default) reads well in light and dark chat themes; "transparent" for reuse elsewhere.',
    ),
});

/** The input of `render_latex` after parsing. */
export type RenderLatexToolInput = z.output<typeof renderLatexInput>;

/** The `render_latex` tool (free). */
export function createRenderLatexTool(
  options: RenderLatexToolOptions = {},
): ToolDefinition<RenderLatexToolInput> {
  return defineTool({
    name: "render_latex",
    description:
      "Render LaTeX (formulas, equations, TikZ diagrams, tables, small documents) to a PNG image, because " +
      "Telegram cannot display LaTeX. You see the image in the result; the user does not until you send it " +
      "with deliver_file using the returned file_id. Use it whenever an answer needs a formula that plain " +
      "text would garble.",
    input: renderLatexInput,
    paid: false,
    run: (input, context) => run(input, context, options.render ?? {}),
  });
}

async function run(
  input: RenderLatexToolInput,
  context: ToolRunContext,
  renderOptions: RenderLatexOptions,
): Promise<ToolOutcome> {
  const rendered = await renderLatex(
    {
      latex: input.latex,
      ...(input.dpi === undefined ? {} : { dpi: input.dpi }),
      ...(input.background === undefined ? {} : { background: input.background }),
    },
    renderOptions,
  );
  if (!rendered.ok) return renderFailure(rendered.error);
  // The render cannot be interrupted, but a cancelled request must not leave a new file behind.
  if (context.signal.aborted)
    return toolFailure("cancelled", "The request was cancelled; the image was discarded.");
  return stored(rendered, context);
}

async function stored(rendered: RenderLatexSuccess, context: ToolRunContext): Promise<ToolOutcome> {
  const name = rendered.mode === "formula" ? "formula.png" : "latex.png";
  const file = await context.files.produce({
    bytes: rendered.png,
    name,
    mimeType: "image/png",
    kind: "image",
  });
  const result = {
    file_id: file.fileId,
    name,
    width: rendered.width,
    height: rendered.height,
    engine: rendered.engine,
    mode: rendered.mode,
    status: "pending",
    next: "Check the image below. If it is right, send it with deliver_file(file_id); the user has not seen it yet.",
  };
  return {
    ok: true,
    content: [
      { type: "text", text: JSON.stringify(result) },
      { type: "image", base64: { mediaType: "image/png", data: rendered.png.toString("base64") } },
    ],
    errorKind: null,
    summary: `${rendered.mode} ${rendered.width}×${rendered.height} px by ${rendered.engine}`,
    charge: null,
  };
}

/** Each render failure keeps its kind, so logs and metrics tell them apart. */
function renderFailure(error: RenderLatexError): ToolOutcome {
  const details = error.detail === undefined ? {} : { detail: error.detail };
  switch (error.kind) {
    case "forbidden_primitive":
    case "syntax":
    case "timeout":
    case "too_large":
    case "engine_missing":
    case "engine_failed":
      return toolFailure(error.kind, error.message, details);
    case "empty":
      // Only input the schema let through can be empty (whitespace, bare delimiters): the model's mistake.
      return toolFailure("bad_input", error.message, details);
    default:
      return assertNever(error.kind);
  }
}
