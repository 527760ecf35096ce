/**
 * `deliver_file`: sends a file a tool made to the chat, as a photo or a document, with its
 * caption (the original bot dropped the caption).
 */
import type { ToolOutcome, ToolRunContext } from "@bot/actors";
import { toolFailure } from "@bot/actors";
import type { ThreadFile } from "@bot/domain";
import { z } from "zod";
import type { ToolDefinition } from "../tool-definition.ts";
import { defineTool } from "../tool-definition.ts";
import { assertNever } from "../toolbox/assert-never.ts";
import { photoFit, TELEGRAM_PHOTO_LIMITS } from "./photo-limits.ts";
import { errorMessage, fileIdField, findThreadFile, isThreadFile } from "./thread-files.ts";

/** Telegram's caption limit (UTF-16 code units, as `string.length` counts). */
export const MAX_CAPTION_CHARS = 1024;

const deliverFileInput = z.object({
  file_id: fileIdField,
  send_as: z
    .enum(["auto", "photo", "document"])
    .default("auto")
    .describe(
      '"auto" (default): a JPEG, PNG or WebP image within Telegram\'s photo limits (10 MB, width + height ≤ ' +
        '10000 px, aspect ratio ≤ 20) is sent as a photo, anything else as a document. "photo" insists on a ' +
        'photo (compressed by Telegram) and fails when the limits are not met. "document" sends the file ' +
        "unchanged, e.g. for full resolution, GIFs or data files.",
    ),
  caption: z
    .string()
    .max(MAX_CAPTION_CHARS)
    .optional()
    .describe(`Plain text shown under the file, at most ${MAX_CAPTION_CHARS} characters. Optional.`),
  sequential: z
    .boolean()
    .default(false)
    .describe(
      "true: the text you wrote so far is sent first as its own message(s), then the file, and the text you " +
        "write afterwards continues below the file, so text and files appear in the order you produce them. " +
        "false (default): the file appears at once, and your whole text answer comes when you finish.",
    ),
});

/** The input of `deliver_file` after parsing. */
export type DeliverFileInput = z.output<typeof deliverFileInput>;

/** The `deliver_file` tool (free). */
export function createDeliverFileTool(): ToolDefinition<DeliverFileInput> {
  return defineTool({
    name: "deliver_file",
    description:
      "Send a file that a tool made (render_latex, execute_python, generate_image, ...) to the user in the chat. " +
      "Tool outputs are pending until delivered: the user sees nothing before this call. Review a file first " +
      "when you can, then deliver it once. With sequential: true the text so far is sent before the file, so " +
      "text and files interleave in order; otherwise the file appears before your text answer is finished.",
    input: deliverFileInput,
    paid: false,
    run: deliverFile,
  });
}

type Decision =
  | { readonly as: "photo" | "document"; readonly reason: string | null }
  | { readonly refused: ToolOutcome };

async function deliverFile(input: DeliverFileInput, context: ToolRunContext): Promise<ToolOutcome> {
  const found = findThreadFile(context, input.file_id);
  if (!isThreadFile(found)) return found;
  const file = found;
  if (file.source === "user") {
    return toolFailure(
      "bad_input",
      `File ${file.fileId} (${file.name}) is the user's own upload and is already in the chat; ` +
        "deliver_file sends files that tools made.",
    );
  }
  const decision = await decide(file, input.send_as, context);
  if ("refused" in decision) return decision.refused;
  const caption = input.caption?.trim() ? input.caption.trim() : null;
  if (context.signal.aborted) return toolFailure("cancelled", "The request was cancelled; nothing was sent.");
  let messageId: number;
  try {
    ({ telegramMessageId: messageId } = await context.files.deliver(file.fileId, {
      as: decision.as,
      caption,
      sequential: input.sequential,
    }));
  } catch (error) {
    context.logger.warn({ err: error, fileId: file.fileId }, "file delivery failed");
    return toolFailure("delivery_failed", `Telegram did not accept ${file.name}: ${errorMessage(error)}`, {
      file_id: file.fileId,
    });
  }
  const result = {
    delivered: true,
    file_id: file.fileId,
    name: file.name,
    sent_as: decision.as,
    caption_sent: caption !== null,
    telegram_message_id: messageId,
    ...(decision.reason === null ? {} : { reason: decision.reason }),
    // Re-sending is allowed (the user may have lost it), but the model should know it repeated itself.
    ...(file.delivered ? { note: "This file had already been delivered; it was sent again." } : {}),
  };
  return {
    ok: true,
    content: JSON.stringify(result),
    errorKind: null,
    summary: `${file.name} sent as ${decision.as}${file.delivered ? " (again)" : ""}`,
    charge: null,
  };
}

/** Photo or document; reads the bytes only when an image's dimensions decide it. */
async function decide(
  file: ThreadFile,
  sendAs: DeliverFileInput["send_as"],
  context: ToolRunContext,
): Promise<Decision> {
  switch (sendAs) {
    case "document":
      return { as: "document", reason: null };
    case "auto": {
      if (!looksLikeImage(file)) return { as: "document", reason: null };
      if (file.sizeBytes > TELEGRAM_PHOTO_LIMITS.maxBytes) {
        return { as: "document", reason: "sent as a document: it is over Telegram's 10 MB photo limit" };
      }
      const bytes = await readBytes(file, context);
      if (!Buffer.isBuffer(bytes)) return { refused: bytes };
      const fit = photoFit(bytes);
      return fit.ok
        ? { as: "photo", reason: null }
        : { as: "document", reason: `sent as a document: ${fit.reason}` };
    }
    case "photo": {
      const bytes = await readBytes(file, context);
      if (!Buffer.isBuffer(bytes)) return { refused: bytes };
      const fit = photoFit(bytes);
      if (fit.ok) return { as: "photo", reason: null };
      return {
        refused: toolFailure(
          "bad_input",
          `${file.name} cannot be sent as a photo: ${fit.reason}. Use send_as "document" (or "auto").`,
          { file_id: file.fileId },
        ),
      };
    }
    default:
      return assertNever(sendAs);
  }
}

/** By the metadata; the bytes have the last word in {@link photoFit}. */
function looksLikeImage(file: ThreadFile): boolean {
  return file.kind === "image" || file.kind === "photo" || file.mimeType.toLowerCase().startsWith("image/");
}

async function readBytes(file: ThreadFile, context: ToolRunContext): Promise<Buffer | ToolOutcome> {
  try {
    return await context.files.read(file.fileId);
  } catch (error) {
    context.logger.warn({ err: error, fileId: file.fileId }, "could not read a file to deliver");
    return toolFailure("read_failed", `Could not read ${file.name}: ${errorMessage(error)}`, {
      file_id: file.fileId,
    });
  }
}
