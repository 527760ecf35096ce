import type { Logger } from "@bot/observability";
import type { Api } from "grammy";
import { ANSWER_SEGMENT_BREAK } from "../format/split-for-streaming.ts";
import { textsFor } from "../i18n/texts.ts";
import {
  type AnswerViewInput,
  type FinalAnswerInput,
  StreamingAnswer,
  type StreamingAnswerOptions,
} from "./streaming-answer.ts";

/** Where an answer goes (structurally the actors' ReplyTarget). */
export interface AnswerTarget {
  readonly chatId: number;
  readonly topicId: number | null;
  readonly chatType: "private" | "group" | "supergroup";
  readonly replyToMessageId: number | null;
}

/** Cadences of previews. */
export interface RendererCadence {
  /** Draft updates in private chats (default 500 ms). */
  readonly draftIntervalMs: number;
  /** Edits in private chats that cannot use drafts (default 1000 ms). */
  readonly editIntervalMs: number;
  /** Edits in groups, which Telegram limits to ~20 messages a minute (default 3000 ms). */
  readonly groupEditIntervalMs: number;
}

/** Defaults inside the brief's 300–500 ms for drafts and within Telegram's folk limits for edits. */
export const defaultCadence: RendererCadence = {
  draftIntervalMs: 500,
  editIntervalMs: 1000,
  groupEditIntervalMs: 3000,
};

/** A live answer (structurally the actors' RenderSession). */
export interface TelegramRenderSession {
  update(view: AnswerViewInput): void;
  settle(): Promise<void>;
  finish(answer: FinalAnswerInput): Promise<number[]>;
  fail(notice: string): Promise<number[]>;
}

/**
 * Telegram output of answers (the actors' AnswerRenderer port): drafts in private
 * chats, send-and-edit in groups or when drafts are refused, entities instead of
 * parse_mode, long answers split under 4096 UTF-16 units, plain-text fallback on any
 * 400. 429s are waited out by the API's auto-retry transformer (installed by the bot).
 */
export class TelegramAnswerRenderer {
  /** Ends a segment of an answer's text (see ANSWER_SEGMENT_BREAK). */
  readonly segmentBreak = ANSWER_SEGMENT_BREAK;

  readonly #cadence: RendererCadence;

  constructor(
    private readonly api: Api,
    private readonly logger: Logger,
    cadence: Partial<RendererCadence> = {},
  ) {
    this.#cadence = { ...defaultCadence, ...cadence };
  }

  /** How often the generation runner flushes (and records) text for a delivery mode. */
  flushIntervalMs(delivery: "draft" | "edit"): number {
    return delivery === "draft" ? this.#cadence.draftIntervalMs : this.#cadence.editIntervalMs;
  }

  #session(
    target: AnswerTarget,
    generationId: string,
    delivery: "draft" | "edit",
    language: string | null,
    extra: Pick<StreamingAnswerOptions, "onSent" | "resume">,
  ): StreamingAnswer {
    return new StreamingAnswer({
      ...extra,
      api: this.api,
      logger: this.logger.child({ chatId: target.chatId, generationId }),
      place: { chatId: target.chatId, topicId: target.topicId },
      replyTo: target.replyToMessageId,
      generationId,
      delivery: target.chatType === "private" ? delivery : "edit",
      draftIntervalMs: this.#cadence.draftIntervalMs,
      editIntervalMs:
        target.chatType === "private" ? this.#cadence.editIntervalMs : this.#cadence.groupEditIntervalMs,
      interruptedLabel: textsFor(language).interruptedLabel,
    });
  }

  /** Starts showing an answer; a "typing…" action appears until the first preview. */
  begin(
    target: AnswerTarget,
    options: {
      readonly generationId: string;
      readonly delivery: "draft" | "edit";
      readonly language: string | null;
      readonly onSent?: StreamingAnswerOptions["onSent"];
    },
  ): TelegramRenderSession {
    this.api
      .sendChatAction(
        target.chatId,
        "typing",
        target.topicId === null ? {} : { message_thread_id: target.topicId },
      )
      .catch((error: unknown) => this.logger.debug({ err: error }, "typing action failed"));
    return this.#session(target, options.generationId, options.delivery, options.language, {
      ...(options.onSent ? { onSent: options.onSent } : {}),
    });
  }

  /**
   * Sends a finished answer without a preview (recovery after a restart), skipping the
   * parts an interrupted delivery already sent and editing its preview message.
   */
  deliver(
    target: AnswerTarget,
    answer: FinalAnswerInput,
    options: {
      readonly language: string | null;
      readonly resume?: StreamingAnswerOptions["resume"];
      readonly onSent?: StreamingAnswerOptions["onSent"];
    },
  ): Promise<number[]> {
    return this.#session(target, "00000000-0000-4000-8000-000000000000", "edit", options.language, {
      ...(options.onSent ? { onSent: options.onSent } : {}),
      ...(options.resume ? { resume: options.resume } : {}),
    }).finish(answer);
  }
}
