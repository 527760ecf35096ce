import type { FileStore, FileTransport, ReplyTarget } from "@bot/actors";
import { type Api, InputFile } from "grammy";

/** Telegram's download limit for bots (getFile). */
export const TELEGRAM_DOWNLOAD_LIMIT_BYTES = 20 * 1024 * 1024;

/** A file could not be moved between Telegram and the bot. */
export class FileTransportError extends Error {
  override readonly name = "FileTransportError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Downloads users' files with getFile + the file URL, keeping each in the file store
 * under its `file_id` so a photo is fetched once however many turns include it; sends
 * tool outputs with sendPhoto/sendDocument.
 */
export class TelegramFileTransport implements FileTransport {
  readonly #downloaded = new Map<string, string>();

  constructor(
    private readonly deps: {
      readonly api: Api;
      readonly token: string;
      readonly apiRoot: string;
      readonly store: FileStore;
      readonly timeoutMs?: number;
    },
  ) {}

  async download(telegramFileId: string, signal?: AbortSignal): Promise<Buffer> {
    const known = this.#downloaded.get(telegramFileId);
    const cached = known ? await this.deps.store.get(known) : null;
    if (cached) return cached;
    const file = await this.deps.api.getFile(telegramFileId);
    if (file.file_size !== undefined && file.file_size > TELEGRAM_DOWNLOAD_LIMIT_BYTES) {
      throw new FileTransportError(`the file is ${file.file_size} bytes; bots can download at most 20 MB`);
    }
    if (!file.file_path) throw new FileTransportError("Telegram gave no path for the file");
    const url = `${this.deps.apiRoot}/file/bot${this.deps.token}/${file.file_path}`;
    const timeout = AbortSignal.timeout(this.deps.timeoutMs ?? 60_000);
    let response: Response;
    try {
      response = await fetch(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    } catch (error) {
      throw new FileTransportError("could not download the file from Telegram", { cause: error });
    }
    if (!response.ok)
      throw new FileTransportError(`Telegram answered ${response.status} to the file download`);
    const bytes = Buffer.from(await response.arrayBuffer());
    this.#downloaded.set(telegramFileId, await this.deps.store.put(bytes));
    if (this.#downloaded.size > 10_000) {
      const oldest = this.#downloaded.keys().next().value;
      if (oldest !== undefined) this.#downloaded.delete(oldest);
    }
    return bytes;
  }

  async send(
    target: ReplyTarget,
    file: { readonly bytes: Uint8Array; readonly name: string; readonly mimeType: string },
    options: { readonly as: "photo" | "document"; readonly caption: string | null },
  ): Promise<{ readonly telegramMessageId: number; readonly telegramFileId: string }> {
    const input = new InputFile(file.bytes, file.name);
    const extra = {
      ...(target.topicId ? { message_thread_id: target.topicId } : {}),
      ...(options.caption ? { caption: options.caption } : {}),
      ...(target.replyToMessageId
        ? { reply_parameters: { message_id: target.replyToMessageId, allow_sending_without_reply: true } }
        : {}),
    };
    if (options.as === "photo") {
      const message = await this.deps.api.sendPhoto(target.chatId, input, extra);
      const largest = message.photo?.at(-1);
      if (!largest) throw new FileTransportError("Telegram returned no photo for the sent file");
      return { telegramMessageId: message.message_id, telegramFileId: largest.file_id };
    }
    const message = await this.deps.api.sendDocument(target.chatId, input, extra);
    if (!message.document) throw new FileTransportError("Telegram returned no document for the sent file");
    return { telegramMessageId: message.message_id, telegramFileId: message.document.file_id };
  }
}
