import { type DomainEvent, domainEvents, type MessageReceived, threadStream } from "@bot/domain";
import { randomIds, systemClock } from "@bot/domain/system";
import type { EventStore, Position } from "@bot/eventstore";

/** Options of {@link seedDemoConversations}. */
export interface DemoConversationOptions {
  /** Number of private-chat threads (default 10). */
  readonly threads?: number;
  /** Messages per thread (default 100). */
  readonly messagesPerThread?: number;
  /** User id of the first thread; thread i belongs to user firstUserId + i (default 900000000). */
  readonly firstUserId?: number;
}

/**
 * Appends demo conversations (MessageReceived events, one private thread per user)
 * so operators can try projections, rebuilds and benchmarks on a fresh store; the
 * end-to-end tests use it too. Message `i` of thread `t` reads `message i of thread t`.
 * Returns the position of the last event.
 */
export async function seedDemoConversations(
  store: EventStore<DomainEvent>,
  options: DemoConversationOptions = {},
): Promise<Position> {
  const threads = options.threads ?? 10;
  const perThread = options.messagesPerThread ?? 100;
  const firstUserId = options.firstUserId ?? 900_000_000;
  let last: Position | null = null;
  for (let thread = 0; thread < threads; thread++) {
    const userId = firstUserId + thread;
    const stream = threadStream({ chatId: userId, topicId: null, userId });
    let expected: bigint | "no_stream" | "stream_exists" = "no_stream";
    for (let start = 0; start < perThread; start += 500) {
      const events: MessageReceived[] = [];
      for (let i = start; i < Math.min(perThread, start + 500); i++) {
        events.push(
          domainEvents.create(
            "MessageReceived",
            {
              chatId: userId,
              topicId: null,
              userId,
              chatType: "private",
              messageId: i + 1,
              updateId: thread * 1_000_000 + i,
              text: `message ${i} of thread ${thread}`,
              sentAt: systemClock.now().toISOString(),
              replyToMessageId: null,
              from: { username: null, firstName: "Demo", languageCode: "en" },
            },
            { clock: systemClock, ids: randomIds },
            { correlationId: `demo-${thread}-${i}`, userId },
          ) as MessageReceived,
        );
      }
      const result = await store.append(stream, events, { expectedRevision: expected });
      expected = result.nextRevision;
      last = result.position;
    }
  }
  if (!last) throw new Error("seedDemoConversations needs at least one thread and one message");
  return last;
}
