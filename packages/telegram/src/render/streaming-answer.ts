import type { Logger } from "@bot/observability";
import type { Api } from "grammy";
import {
  composeStreamingView,
  type FormattedText,
  interruptedMarker,
  renderMarkdown,
  splitForStreaming,
  splitMessage,
  withSuffix,
} from "../format/index.ts";
import { draftIdFor } from "./draft-id.ts";
import {
  editFormatted,
  isBadRequest,
  type MessagePlace,
  sendDraft,
  sendFormatted,
} from "./send-formatted.ts";

/** What the streaming answer shows. */
export interface AnswerViewInput {
  readonly thinking: string;
  readonly answer: string;
  /** A one-line note (a tool running) under the thinking, above the answer. */
  readonly status?: string | undefined;
}

/** The end of an answer. */
export interface FinalAnswerInput {
  readonly answer: string;
  readonly interrupted: boolean;
  readonly notice: string | null;
}

/** Settings of one streaming answer. */
export interface StreamingAnswerOptions {
  readonly api: Api;
  readonly logger: Logger;
  readonly place: MessagePlace;
  /** Reply to this message with the first message sent (groups). */
  readonly replyTo: number | null;
  readonly generationId: string;
  /** "draft": sendMessageDraft previews (private chats); "edit": send, then edit. */
  readonly delivery: "draft" | "edit";
  /** Least time between two updates of the preview, per mode. */
  readonly draftIntervalMs: number;
  readonly editIntervalMs: number;
  /** The localised word in the "[interrupted]" marker. */
  readonly interruptedLabel: string;
  /** Reports each message as soon as Telegram accepted it (the runner records it). */
  readonly onSent?: (message: {
    telegramMessageId: number;
    kind: "preview" | "part";
    partIndex: number | null;
  }) => Promise<void>;
  /** Resuming an interrupted delivery: parts already sent, and the preview message to edit. */
  readonly resume?: { readonly sentParts: number; readonly previewMessageId: number | null };
  readonly now?: () => number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One answer in a Telegram chat, from the first streamed words to the final
 * messages.
 *
 * Views are coalesced: `update` only stores the latest view, and a background loop
 * sends it at the mode's cadence, so the model stream never waits for Telegram (a
 * 429 waited out by the auto-retry transformer delays the preview, never the text).
 * Parts longer than Telegram's limit are sent as real messages as soon as they are
 * complete (they never change afterwards), and the final answer skips those parts.
 * Drafts that Telegram refuses switch the answer to send-and-edit.
 */
export class StreamingAnswer {
  readonly #options: StreamingAnswerOptions;
  readonly #now: () => number;
  readonly #draftId: number;
  #mode: "draft" | "edit";
  #latest: AnswerViewInput | null = null;
  #loop: Promise<void> | null = null;
  #finished = false;
  #lastSendAt = 0;
  #committedParts = 0;
  #liveMessageId: number | null = null;
  readonly #sentIds: number[] = [];

  constructor(options: StreamingAnswerOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => Date.now());
    this.#draftId = draftIdFor(options.generationId);
    this.#mode = options.delivery;
    this.#committedParts = options.resume?.sentParts ?? 0;
    this.#liveMessageId = options.resume?.previewMessageId ?? null;
  }

  async #report(
    telegramMessageId: number,
    kind: "preview" | "part",
    partIndex: number | null,
  ): Promise<void> {
    try {
      await this.#options.onSent?.({ telegramMessageId, kind, partIndex });
    } catch (error) {
      this.#options.logger.error({ err: error }, "could not record a sent message");
    }
  }

  /** The mode in use (a refused draft switches to "edit"). */
  get mode(): "draft" | "edit" {
    return this.#mode;
  }

  /** Resolves once the latest view is shown (its finished parts sent as messages). */
  async settle(): Promise<void> {
    while (this.#loop) await this.#loop;
  }

  /** Shows `view` soon; returns at once. */
  update(view: AnswerViewInput): void {
    if (this.#finished) return;
    this.#latest = view;
    this.#loop ??= this.#run().finally(() => {
      this.#loop = null;
    });
  }

  async #run(): Promise<void> {
    while (this.#latest && !this.#finished) {
      const interval = this.#mode === "draft" ? this.#options.draftIntervalMs : this.#options.editIntervalMs;
      const wait = this.#lastSendAt + interval - this.#now();
      if (wait > 0) await sleep(wait);
      const view = this.#latest;
      this.#latest = null;
      if (!view || this.#finished) break;
      try {
        await this.#show(view);
      } catch (error) {
        // A preview that could not be shown is replaced by the next one (or the final answer).
        this.#options.logger.warn({ err: error }, "could not update the streaming preview");
      }
      this.#lastSendAt = this.#now();
    }
  }

  async #show(view: AnswerViewInput): Promise<void> {
    const split = splitForStreaming(view.answer);
    while (this.#committedParts < split.committed.length) {
      const part = split.committed[this.#committedParts] as FormattedText;
      await this.#sendPart(part, this.#committedParts);
      this.#committedParts++;
    }
    const live = composeStreamingView({ thinking: view.thinking, status: view.status, answer: view.answer });
    if (live.text.trim().length === 0) return;
    if (this.#mode === "draft") {
      try {
        await sendDraft(this.#options.api, this.#options.place, this.#draftId, live);
        return;
      } catch (error) {
        if (!isBadRequest(error)) throw error;
        this.#options.logger.warn({ err: error }, "drafts refused; streaming by send and edit instead");
        this.#mode = "edit";
      }
    }
    await this.#showLive(live);
  }

  async #showLive(live: FormattedText): Promise<void> {
    const { api, place, logger } = this.#options;
    if (this.#liveMessageId !== null && (await editFormatted(api, place, this.#liveMessageId, live, logger)))
      return;
    this.#liveMessageId = await sendFormatted(api, place, live, { replyTo: this.#replyTo(), logger });
    await this.#report(this.#liveMessageId, "preview", null);
  }

  #replyTo(): number | null {
    return this.#sentIds.length === 0 && this.#liveMessageId === null ? this.#options.replyTo : null;
  }

  /** Sends a finished part: it becomes the live message's final text, or a new message. */
  async #sendPart(part: FormattedText, index: number | null): Promise<void> {
    const { api, place, logger } = this.#options;
    if (this.#liveMessageId !== null) {
      const id = this.#liveMessageId;
      this.#liveMessageId = null;
      if (await editFormatted(api, place, id, part, logger)) {
        this.#sentIds.push(id);
        if (index !== null) await this.#report(id, "part", index);
        return;
      }
    }
    const id = await sendFormatted(api, place, part, { replyTo: this.#replyTo(), logger });
    this.#sentIds.push(id);
    if (index !== null) await this.#report(id, "part", index);
  }

  async #stop(): Promise<void> {
    this.#finished = true;
    this.#latest = null;
    await this.#loop;
  }

  /**
   * Sends the final answer: the parts not already sent, the last one carrying the
   * "[interrupted]" marker and the notice. Resolves to every message id of the answer.
   */
  async finish(final: FinalAnswerInput): Promise<number[]> {
    await this.#stop();
    const split = splitForStreaming(final.answer);
    let tail = renderMarkdown(split.tail);
    if (final.interrupted) tail = withSuffix(tail, interruptedMarker(this.#options.interruptedLabel), "\n\n");
    if (final.notice) tail = withSuffix(tail, { text: final.notice, entities: [] }, "\n\n");
    const parts = [...split.committed, ...(tail.text.trim().length > 0 ? splitMessage(tail) : [])];
    for (let index = this.#committedParts; index < parts.length; index++) {
      await this.#sendPart(parts[index] as FormattedText, index);
    }
    this.#committedParts = Math.max(this.#committedParts, parts.length);
    if (this.#liveMessageId !== null) {
      // Everything was sent as parts already; the preview message would repeat them.
      await this.#options.api
        .deleteMessage(this.#options.place.chatId, this.#liveMessageId)
        .catch((error: unknown) => this.#options.logger.warn({ err: error }, "could not delete the preview"));
      this.#liveMessageId = null;
    }
    return [...this.#sentIds];
  }

  /** Shows `notice` instead of an answer (nothing was streamed). */
  async fail(notice: string): Promise<number[]> {
    await this.#stop();
    await this.#sendPart({ text: notice, entities: [] }, null);
    return [...this.#sentIds];
  }
}
