import {
  ANNOUNCEMENT_LIST_LIMIT,
  ANNOUNCEMENTS_STREAM,
  type DomainEvent,
  domainEvents,
  type EventClock,
  type EventContext,
  stampEvents,
} from "@bot/domain";
import type { EventStore } from "@bot/eventstore";
import type { Logger } from "@bot/observability";
import { type Api, GrammyError } from "grammy";

/** A confirmed broadcast. */
export interface BroadcastRequest {
  readonly announcementId: string;
  readonly adminId: number;
  readonly audience: "all" | "listed";
  readonly recipients: readonly number[];
  /** The administrator's message, copied to every recipient. */
  readonly source: { readonly chatId: number; readonly messageId: number };
}

/** Where a broadcast stands. */
export interface BroadcastProgress {
  readonly done: number;
  readonly total: number;
}

/** How a broadcast ended, recipient by recipient. */
export interface BroadcastReport {
  readonly delivered: readonly number[];
  readonly blocked: readonly number[];
  readonly failed: readonly { readonly userId: number; readonly error: string }[];
  readonly stoppedEarly: boolean;
}

/** What {@link Broadcaster} needs. */
export interface BroadcasterDeps {
  readonly api: Pick<Api, "copyMessage">;
  readonly store: EventStore<DomainEvent>;
  readonly source: EventClock;
  readonly logger: Logger;
  /** Pause between two recipients (Telegram allows about 30 messages a second overall). */
  readonly pacingMs?: number;
  /** How often progress is reported, in recipients. */
  readonly progressEvery?: number;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });

/**
 * Sends an administrator's message to many users: AnnouncementStarted is recorded
 * before the first send, AnnouncementCompleted (counts and the ids that failed) after
 * the last. 429s are waited out by the API client's auto-retry; a user who blocked the
 * bot (403) is reported, not retried. Shutting down stops between two recipients and
 * records how far it got; nothing is resent on restart.
 */
export class Broadcaster {
  readonly #deps: BroadcasterDeps;
  readonly #shutdown = new AbortController();
  readonly #running = new Set<Promise<unknown>>();

  constructor(deps: BroadcasterDeps) {
    this.#deps = deps;
  }

  /** Runs a broadcast to its end (or until shutdown). */
  run(
    request: BroadcastRequest,
    context: EventContext,
    onProgress: (progress: BroadcastProgress) => void,
  ): Promise<BroadcastReport> {
    const running = this.#run(request, context, onProgress);
    this.#running.add(running);
    void running.finally(() => this.#running.delete(running)).catch(() => undefined);
    return running;
  }

  /** Stops running broadcasts between two recipients and waits for them to record their end. */
  async stop(): Promise<void> {
    this.#shutdown.abort();
    await Promise.allSettled([...this.#running]);
  }

  async #append(drafts: Parameters<typeof stampEvents<DomainEvent>>[1], context: EventContext) {
    const events = stampEvents(domainEvents, drafts, this.#deps.source, context);
    await this.#deps.store.append(ANNOUNCEMENTS_STREAM, events, { expectedRevision: "any" });
  }

  async #run(
    request: BroadcastRequest,
    context: EventContext,
    onProgress: (progress: BroadcastProgress) => void,
  ): Promise<BroadcastReport> {
    const { announcementId } = request;
    await this.#append(
      [
        {
          type: "AnnouncementStarted",
          data: {
            announcementId,
            adminId: request.adminId,
            audience: request.audience,
            recipients: request.recipients.length,
            sourceChatId: request.source.chatId,
            sourceMessageId: request.source.messageId,
          },
        },
      ],
      context,
    );
    const signal = this.#shutdown.signal;
    const every = this.#deps.progressEvery ?? 25;
    const delivered: number[] = [];
    const blocked: number[] = [];
    const failed: { userId: number; error: string }[] = [];
    for (const [index, userId] of request.recipients.entries()) {
      if (signal.aborted) break;
      try {
        await this.#deps.api.copyMessage(userId, request.source.chatId, request.source.messageId);
        delivered.push(userId);
      } catch (error) {
        if (error instanceof GrammyError && error.error_code === 403) blocked.push(userId);
        else failed.push({ userId, error: error instanceof Error ? error.message : String(error) });
      }
      const done = index + 1;
      if (done % every === 0 || done === request.recipients.length)
        onProgress({ done, total: request.recipients.length });
      if (done < request.recipients.length) await sleep(this.#deps.pacingMs ?? 40, signal);
    }
    const stoppedEarly = delivered.length + blocked.length + failed.length < request.recipients.length;
    await this.#append(
      [
        {
          type: "AnnouncementCompleted",
          data: {
            announcementId,
            delivered: delivered.length,
            blocked: blocked.length,
            failed: failed.length,
            blockedUserIds: blocked.slice(0, ANNOUNCEMENT_LIST_LIMIT),
            failedUserIds: failed.slice(0, ANNOUNCEMENT_LIST_LIMIT).map((entry) => entry.userId),
            stoppedEarly,
          },
        },
      ],
      context,
    );
    this.#deps.logger.info(
      {
        announcementId,
        delivered: delivered.length,
        blocked: blocked.length,
        failed: failed.length,
        stoppedEarly,
      },
      "broadcast finished",
    );
    return { delivered, blocked, failed, stoppedEarly };
  }
}

/** The delivery report file: one line per recipient with what happened. */
export function broadcastReportText(
  report: BroadcastReport,
  usernames: ReadonlyMap<number, string | null>,
): string {
  const name = (userId: number) => {
    const username = usernames.get(userId);
    return username ? `${userId} (@${username})` : String(userId);
  };
  return [
    `delivered: ${report.delivered.length}`,
    ...report.delivered.map((userId) => `  ${name(userId)}`),
    `blocked the bot: ${report.blocked.length}`,
    ...report.blocked.map((userId) => `  ${name(userId)}`),
    `failed: ${report.failed.length}`,
    ...report.failed.map((entry) => `  ${name(entry.userId)}: ${entry.error}`),
    ...(report.stoppedEarly ? ["stopped early: the bot was shutting down; the rest were not sent"] : []),
    "",
  ].join("\n");
}
