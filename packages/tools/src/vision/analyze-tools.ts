/**
 * `analyze_image` and `analyze_pdf`: a question about one image or PDF of the thread,
 * answered by a vision model in a separate call (paid, by its tokens). The main model
 * gets the answer as text, which keeps large files out of its own context.
 */
import type { ToolOutcome, ToolRunContext } from "@bot/actors";
import { toolFailure } from "@bot/actors";
import type { ThreadFile } from "@bot/domain";
import { type ContentPart, LlmError, type LlmProvider, type ModelInfo, ZERO_USAGE } from "@bot/llm";
import { z } from "zod";
import { errorMessage, fileIdField, findThreadFile, isThreadFile } from "../files/thread-files.ts";
import type { ToolDefinition } from "../tool-definition.ts";
import { defineTool } from "../tool-definition.ts";
import { modelCallCharge } from "./model-call-charge.ts";

/** The largest image and PDF sent to the vision model (the provider's limits). */
export const VISION_LIMITS = {
  imageBytes: 5 * 1024 * 1024,
  pdfBytes: 32 * 1024 * 1024,
  maxTokens: 4096,
} as const;

const IMAGE_TYPES = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);

/** What the vision tools need. */
export interface VisionToolOptions {
  readonly provider: LlmProvider;
  /** The vision model (from the registry; its prices price the call). */
  readonly model: ModelInfo;
}

const analyzeInput = z.object({
  file_id: fileIdField,
  question: z
    .string()
    .min(1)
    .max(4000)
    .describe(
      "What to find out from the file, e.g. 'Transcribe the table on page 2' or 'What brand is the car?'.",
    ),
});

type AnalyzeInput = z.output<typeof analyzeInput>;

function suitable(file: ThreadFile, kind: "image" | "pdf"): string | null {
  if (kind === "image") {
    if (!(file.kind === "photo" || file.kind === "image") || !IMAGE_TYPES.has(file.mimeType)) {
      return `${file.name} is ${file.kind} (${file.mimeType}), not a JPEG, PNG, GIF or WebP image; use analyze_pdf for PDFs.`;
    }
    if (file.sizeBytes > VISION_LIMITS.imageBytes)
      return `${file.name} is larger than the 5 MB the vision model reads.`;
    return null;
  }
  if (file.kind !== "pdf")
    return `${file.name} is ${file.kind} (${file.mimeType}), not a PDF; use analyze_image for images.`;
  if (file.sizeBytes > VISION_LIMITS.pdfBytes)
    return `${file.name} is larger than the 32 MB the vision model reads.`;
  return null;
}

/** Asks the vision model `input.question` about one image or PDF of the thread. */
export async function analyzeThreadFile(
  options: VisionToolOptions,
  kind: "image" | "pdf",
  input: AnalyzeInput,
  context: ToolRunContext,
): Promise<ToolOutcome> {
  const found = findThreadFile(context, input.file_id);
  if (!isThreadFile(found)) return found;
  const problem = suitable(found, kind);
  if (problem) return toolFailure("bad_input", problem);
  // An upload the conversation already made is reused; otherwise the bytes go inline.
  const upload = [...found.uploads]
    .reverse()
    .find((candidate) => candidate.provider === options.provider.name);
  let attachment: ContentPart;
  if (upload) attachment = { type: kind === "pdf" ? "document" : "image", fileId: upload.providerFileId };
  else {
    let bytes: Buffer;
    try {
      bytes = await context.files.read(found.fileId);
    } catch (error) {
      return toolFailure("file_unavailable", `could not read ${found.name}: ${errorMessage(error)}`);
    }
    attachment = {
      type: kind === "pdf" ? "document" : "image",
      base64: {
        mediaType: kind === "pdf" ? "application/pdf" : found.mimeType,
        data: bytes.toString("base64"),
      },
    };
  }
  let text = "";
  let usage = ZERO_USAGE;
  let finished = false;
  try {
    for await (const delta of options.provider.stream(
      {
        model: options.model.id,
        system: [
          {
            text: "You analyse one file for another assistant. Answer the question precisely and completely; say what you cannot read.",
          },
        ],
        messages: [{ role: "user", content: [attachment, { type: "text", text: input.question }] }],
        maxTokens: Math.min(VISION_LIMITS.maxTokens, options.model.maxOutputTokens),
      },
      context.signal,
    )) {
      if (delta.type === "text") text += delta.text;
      else if (delta.type === "usage") usage = delta.usage;
      else if (delta.type === "done") {
        usage = delta.usage;
        finished = true;
      }
    }
  } catch (error) {
    // Tokens the provider reported before failing were used: they are charged.
    const charge = usage === ZERO_USAGE ? null : modelCallCharge(options.model, usage);
    if (error instanceof LlmError && error.kind === "aborted") {
      return toolFailure("cancelled", "the analysis was stopped", {}, charge);
    }
    const kindName = error instanceof LlmError ? error.kind : "failed";
    return toolFailure(
      "provider_error",
      `the vision model failed (${kindName}): ${errorMessage(error)}`,
      {},
      charge,
    );
  }
  const charge = modelCallCharge(options.model, usage);
  return {
    ok: finished,
    content: JSON.stringify({ file_id: found.fileId, model: options.model.id, answer: text }),
    errorKind: finished ? null : "incomplete",
    summary: `${kind} ${found.name}: ${text.slice(0, 300)}`,
    charge,
  };
}

/** `analyze_image`: a question about an image of the thread, answered by the vision model. */
export function createAnalyzeImageTool(options: VisionToolOptions): ToolDefinition<AnalyzeInput> {
  return defineTool({
    name: "analyze_image",
    description:
      "Asks the vision model a question about one image of this conversation (by file id) and returns its answer. " +
      "Paid by tokens. Images the user sent in this turn you can see yourself; use this for older or very detailed ones.",
    input: analyzeInput,
    paid: true,
    run: (input, context) => analyzeThreadFile(options, "image", input, context),
  });
}

/** `analyze_pdf`: a question about a PDF of the thread, answered by the vision model. */
export function createAnalyzePdfTool(options: VisionToolOptions): ToolDefinition<AnalyzeInput> {
  return defineTool({
    name: "analyze_pdf",
    description:
      "Asks the vision model a question about one PDF of this conversation (by file id): text, tables, figures. " +
      "Returns its answer. Paid by tokens.",
    input: analyzeInput,
    paid: true,
    run: (input, context) => analyzeThreadFile(options, "pdf", input, context),
  });
}
