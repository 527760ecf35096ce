/**
 * The tool_result the model reads: one JSON text block (never Python's `str(dict)`, as the
 * original sent) followed by the images it should see. The original stripped its image
 * previews before the model saw them; here they are real image blocks.
 */
import type { AttachmentPart, ContentPart } from "@bot/llm";
import type { Result } from "@e2b/code-interpreter";
import { type BlockImageType, imageSize, sniffBlockImage } from "./file-types.ts";
import type { ExecutePythonLimits } from "./options.ts";
import { truncateMiddle } from "./text-limits.ts";

/** One display result or the cell's value, as described to the model. */
export interface ResultEntry {
  /** The richest format: "text", "png", "jpeg", "html", "markdown", "latex", "json", "svg", "pdf"... */
  readonly type: string;
  readonly text?: string;
  /** True for the cell's value (the last expression), false for display() / plt.show(). */
  readonly main?: true;
  /** For an image: the file it was registered as. */
  file_id?: string;
}

/** A file registered for the model and the user. */
export interface OutputFileEntry {
  readonly file_id: string;
  readonly name: string;
  readonly size: number;
  /** Where it is in the sandbox (figures shown with plt.show() have none). */
  readonly path: string | null;
  readonly mime_type: string;
}

/** The JSON body of the tool result. */
export interface PythonResultBody {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly results: readonly ResultEntry[];
  readonly error?:
    | { readonly name: string; readonly value: string; readonly traceback: string }
    | { readonly kind: string; readonly message: string };
  readonly files: readonly OutputFileEntry[];
  readonly input_files: readonly { readonly file_id: string; readonly path: string }[];
  readonly duration_ms: number;
  readonly sandbox: "reused" | "new";
  readonly notes?: readonly string[];
}

/** An image found in the results, waiting to be registered as a file. */
export interface ResultImage {
  readonly entry: ResultEntry;
  readonly type: BlockImageType;
  readonly bytes: Uint8Array;
}

const TEXT_FORMATS = ["markdown", "latex", "json", "html", "javascript"] as const;

/** Describes the execution's results and pulls out their PNG/JPEG images. */
export function describeResults(
  results: readonly Result[],
  limits: ExecutePythonLimits,
): { entries: ResultEntry[]; images: ResultImage[]; notes: string[] } {
  const entries: ResultEntry[] = [];
  const images: ResultImage[] = [];
  const notes: string[] = [];
  if (results.length > limits.maxResults) {
    notes.push(`Only the first ${limits.maxResults} of ${results.length} display results are described.`);
  }
  for (const result of results.slice(0, limits.maxResults)) {
    const main = result.isMainResult ? ({ main: true } as const) : {};
    const text =
      result.text === undefined ? undefined : truncateMiddle(result.text, limits.maxResultTextChars);
    const image = imageOf(result);
    if (image) {
      const entry: ResultEntry = {
        type: image.type === "image/png" ? "png" : "jpeg",
        ...main,
        ...(text ? { text } : {}),
      };
      entries.push(entry);
      images.push({ entry, ...image });
      continue;
    }
    const richer = TEXT_FORMATS.find((format) => typeof result[format] === "string");
    const formats = result.formats().filter((format) => format !== "text");
    const type = richer ?? formats[0] ?? "text";
    const shown =
      text ??
      (richer === undefined ? undefined : truncateMiddle(result[richer] ?? "", limits.maxResultTextChars));
    entries.push({ type, ...main, ...(shown === undefined ? {} : { text: shown }) });
  }
  return { entries, images, notes };
}

function imageOf(result: Result): { type: BlockImageType; bytes: Uint8Array } | null {
  for (const data of [result.png, result.jpeg]) {
    if (typeof data !== "string" || data === "") continue;
    const bytes = Buffer.from(data, "base64");
    // Trust the bytes, not the key: the provider rejects an image block that is not what it claims.
    const type = sniffBlockImage(bytes);
    if (type) return { type, bytes };
  }
  return null;
}

/** An image the model might be shown, with what to call it in a note. */
export interface ImageCandidate {
  readonly label: string;
  readonly bytes: Uint8Array;
}

/** Image blocks for the PNG/JPEG candidates within the count, size and side limits, with notes for the rest. */
export function imageBlocks(
  candidates: readonly ImageCandidate[],
  limits: ExecutePythonLimits,
): { blocks: AttachmentPart[]; notes: string[] } {
  const blocks: AttachmentPart[] = [];
  const notes: string[] = [];
  for (const candidate of candidates) {
    const type = sniffBlockImage(candidate.bytes);
    if (!type) continue;
    if (blocks.length >= limits.maxImageBlocks) {
      notes.push(
        `${candidate.label} is not shown to you (at most ${limits.maxImageBlocks} images per call).`,
      );
      continue;
    }
    if (candidate.bytes.byteLength > limits.maxImageBlockBytes) {
      notes.push(
        `${candidate.label} is not shown to you: ${candidate.bytes.byteLength} bytes, over ${limits.maxImageBlockBytes}.`,
      );
      continue;
    }
    const size = imageSize(candidate.bytes, type);
    if (!size || size.width > limits.maxImageSide || size.height > limits.maxImageSide) {
      notes.push(
        `${candidate.label} is not shown to you: ${size ? `${size.width}×${size.height} px exceeds ${limits.maxImageSide} px` : "its size cannot be read"}.`,
      );
      continue;
    }
    blocks.push({
      type: "image",
      base64: { mediaType: type, data: Buffer.from(candidate.bytes).toString("base64") },
    });
  }
  return { blocks, notes };
}

/** The tool_result content: the JSON alone, or the JSON then the images. */
export function resultContent(
  body: PythonResultBody,
  blocks: readonly AttachmentPart[],
): string | ContentPart[] {
  const json = JSON.stringify(body);
  if (blocks.length === 0) return json;
  return [{ type: "text", text: json }, ...blocks];
}
