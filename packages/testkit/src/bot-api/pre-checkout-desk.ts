import type { PreCheckoutQuery } from "@grammyjs/types";
import { badRequest } from "./bot-api-error.ts";

/** Telegram waits 10 s for answerPreCheckoutQuery; later answers are refused and the payment fails. */
export const PRE_CHECKOUT_TIMEOUT_MS = 10_000;

/** How the bot answered a pre_checkout_query (answerPreCheckoutQuery). */
export interface PreCheckoutAnswer {
  queryId: string;
  ok: boolean;
  /** The text shown to the user; present when `ok` is false. */
  errorMessage?: string;
  /** When the answer arrived, in ms since the epoch. */
  at: number;
}

interface QueryRecord {
  query: PreCheckoutQuery;
  openedAt: number;
  /** Set when the buyer's checkout gave up waiting (payInvoice timed out). */
  expired: boolean;
  answer: PreCheckoutAnswer | undefined;
  waiters: Array<(answer: PreCheckoutAnswer) => void>;
}

const TOO_OLD = "query is too old and response timeout expired or query ID is invalid";

/**
 * The pre-checkout queries pushed to the bot: each can be answered exactly once and only
 * within {@link PRE_CHECKOUT_TIMEOUT_MS}; answers are kept so tests can read or await them.
 */
export class PreCheckoutDesk {
  private readonly queries = new Map<string, QueryRecord>();
  private count = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** A fresh query id; Telegram's are long decimal strings. */
  nextId(): string {
    this.count += 1;
    return `${this.now()}${String(this.count).padStart(7, "0")}`;
  }

  open(query: PreCheckoutQuery): void {
    this.queries.set(query.id, {
      query,
      openedAt: this.now(),
      expired: false,
      answer: undefined,
      waiters: [],
    });
  }

  /** The pushed query with this id. */
  query(queryId: string): PreCheckoutQuery | undefined {
    return this.queries.get(queryId)?.query;
  }

  /**
   * answerPreCheckoutQuery. Unknown, answered or expired queries get Telegram's "query is too
   * old" 400; `ok: false` needs an error message for the user.
   */
  answer(queryId: string, ok: boolean, errorMessage: string | undefined): PreCheckoutAnswer {
    const record = this.queries.get(queryId);
    if (
      record === undefined ||
      record.answer !== undefined ||
      record.expired ||
      this.now() - record.openedAt > PRE_CHECKOUT_TIMEOUT_MS
    ) {
      throw badRequest(TOO_OLD);
    }
    if (!ok && (errorMessage === undefined || errorMessage.trim() === ""))
      throw badRequest("ERROR_TEXT_EMPTY");
    const answer: PreCheckoutAnswer = {
      queryId,
      ok,
      ...(ok || errorMessage === undefined ? {} : { errorMessage }),
      at: this.now(),
    };
    record.answer = answer;
    for (const waiter of record.waiters.splice(0)) waiter(answer);
    return answer;
  }

  /** The buyer's checkout stopped waiting: a later answer is refused as too old. */
  expire(queryId: string): void {
    const record = this.queries.get(queryId);
    if (record !== undefined && record.answer === undefined) record.expired = true;
  }

  /** The answer so far, if any. */
  answerOf(queryId: string): PreCheckoutAnswer | undefined {
    return this.queries.get(queryId)?.answer;
  }

  /**
   * The answer, already given or future; undefined when none arrives within `timeoutMs`.
   * Throws for ids that were never pushed, which is a mistake in the test.
   */
  waitForAnswer(queryId: string, timeoutMs: number): Promise<PreCheckoutAnswer | undefined> {
    const record = this.queries.get(queryId);
    if (record === undefined) throw new Error(`fake Bot API: no pre_checkout_query ${queryId} was pushed`);
    if (record.answer !== undefined) return Promise.resolve(record.answer);
    return new Promise((resolve) => {
      const waiter = (answer: PreCheckoutAnswer): void => {
        clearTimeout(timer);
        resolve(answer);
      };
      const timer = setTimeout(() => {
        record.waiters = record.waiters.filter((other) => other !== waiter);
        resolve(undefined);
      }, timeoutMs);
      record.waiters.push(waiter);
    });
  }
}
