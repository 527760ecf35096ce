/**
 * Drives a thread the way its actor does (decide, stamp, evolve) for the thread decider tests,
 * with builders for the messages and model-call charges they feed it.
 */
import {
  type ChargeDraft,
  decideThread,
  domainEvents,
  evolveThread,
  fixedClock,
  initialThreadState,
  type MessageReceived,
  sequentialIds,
  stampEvents,
  type ThreadCommand,
  type ThreadEvent,
  type ThreadKey,
  type ThreadState,
  threadStream,
  tokenQuantities,
} from "../../src/index.ts";

/** When the test threads' messages are sent and their events stamped. */
const SENT_AT = "2026-11-26T10:00:00.000Z";

/** A private-chat message of the thread's user, sent at {@link SENT_AT}; `from` defaults to Ann. */
export type MessageFields = Pick<MessageReceived["data"], "messageId" | "updateId" | "text"> &
  Partial<MessageReceived["data"]>;

/** A thread of `key`: its stream, the clock and ids its events are stamped with, and helpers. */
export function threadRunner(key: ThreadKey) {
  const stream = threadStream(key);
  const source = { clock: fixedClock(SENT_AT), ids: sequentialIds() };

  /** Applies commands in order, as the actor would, and returns the state and every event. */
  function run(commands: readonly ThreadCommand[], from: ThreadState = initialThreadState) {
    let state = from;
    const events: ThreadEvent[] = [];
    for (const command of commands) {
      const stamped = stampEvents(domainEvents, decideThread(command, state), source, {
        correlationId: "test",
        userId: key.userId,
      }) as ThreadEvent[];
      for (const event of stamped) state = evolveThread(state, event, stream);
      events.push(...stamped);
    }
    return { state, events };
  }

  /** The data of a message the thread's user sent. */
  function message(fields: MessageFields): MessageReceived["data"] {
    return {
      chatId: key.chatId,
      topicId: key.topicId,
      userId: key.userId,
      chatType: "private",
      sentAt: SENT_AT,
      replyToMessageId: null,
      from: { username: null, firstName: "Ann", languageCode: "en" },
      ...fields,
    };
  }

  return { stream, source, run, message };
}

/** The charge of one model call that used `inputTokens` and `outputTokens`, billed `userAmount`. */
export function modelCharge(
  callIndex: number,
  userAmount: number,
  tokens: { readonly inputTokens: number; readonly outputTokens: number },
): ChargeDraft {
  return {
    callIndex,
    modelId: "claude-sonnet-4-6",
    priceTableVersion: "test-1",
    estimated: false,
    quantities: { ...tokenQuantities(), ...tokens },
    amount: userAmount,
    userAmount,
    cacheWriteSubsidised: false,
  };
}
