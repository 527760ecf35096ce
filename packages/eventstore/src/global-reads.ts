import type { AnyEvent } from "@bot/domain";
import type { Position } from "./position.ts";
import type {
  AllPage,
  ReadAllOptions,
  ReadAllPageOptions,
  RecordedEvent,
  SubscribeAllOptions,
} from "./types.ts";
import type { Wakeup } from "./wakeup.ts";

/** Page size for reads that do not state one. */
export const DEFAULT_PAGE_SIZE = 1000;

/** Reads the global log to its current end, page by page (shared by adapters). */
export async function* readAllByPages<E extends AnyEvent>(
  readPage: (options: ReadAllPageOptions) => Promise<AllPage<E>>,
  options: ReadAllOptions = {},
): AsyncGenerator<RecordedEvent<E>> {
  let after: Position | undefined = options.after;
  let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
  while (remaining > 0) {
    const page = await readPage({
      ...(after ? { after } : {}),
      ...(options.filter ? { filter: options.filter } : {}),
      maxCount: Math.min(DEFAULT_PAGE_SIZE, remaining),
    });
    for (const event of page.events) {
      yield event;
      remaining--;
    }
    if (page.isEnd) return;
    after = page.next;
  }
}

/** A page plus whether hidden committed events wait behind an open transaction. */
export interface PollPage<E extends AnyEvent> {
  readonly page: AllPage<E>;
  /** True when a later commit is hidden only because an older transaction is still open. */
  readonly blocked: boolean;
}

/** How a polling subscription waits between pages. */
export interface PollingOptions {
  readonly wakeup: Wakeup;
  /** Longest wait without a notification (fallback for lost notifications). */
  readonly idlePollMs: number;
  /**
   * First wait while an older transaction hides newer commits (it may end without
   * notifying, e.g. when it rolls back); doubled while it stays blocked, up to 250 ms.
   */
  readonly blockedPollMs: number;
  /**
   * After a wake-up, wait this long before reading, so a live subscriber takes the
   * appends of a burst in one batch (one projection transaction instead of one per
   * event). 0 reads at once.
   */
  readonly lingerMs?: number;
}

const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Waits `ms`, or less when `signal` aborts (at once if it already has). Never rejects. */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * Catch-up then live subscription over a page reader and a {@link Wakeup} (the
 * PostgreSQL adapter). Yields a batch whenever events arrived, or when the scan
 * moved past filtered-out events; returns when the signal aborts.
 */
export async function* pollBatches<E extends AnyEvent>(
  readPage: (options: ReadAllPageOptions) => Promise<PollPage<E>>,
  polling: PollingOptions,
  options: SubscribeAllOptions,
): AsyncGenerator<AllPage<E>> {
  let after: Position | undefined = options.after;
  const maxCount = options.maxBatch ?? DEFAULT_PAGE_SIZE;
  let blockedRounds = 0;
  while (!options.signal.aborted) {
    const seen = polling.wakeup.generation;
    const { page, blocked } = await readPage({
      ...(after ? { after } : {}),
      ...(options.filter ? { filter: options.filter } : {}),
      maxCount,
    });
    if (options.signal.aborted) return;
    const moved =
      after === undefined || page.next.commit !== after.commit || page.next.prepare !== after.prepare;
    if (page.events.length > 0 || moved) yield page;
    after = page.next;
    blockedRounds = blocked ? blockedRounds + 1 : 0;
    if (page.isEnd) {
      const wait = blocked
        ? Math.min(polling.blockedPollMs * 2 ** (blockedRounds - 1), 250)
        : polling.idlePollMs;
      await polling.wakeup.wait(seen, wait, options.signal);
      if (polling.lingerMs && !options.signal.aborted)
        await sleepUnlessAborted(polling.lingerMs, options.signal);
    } else {
      // Embedded PGlite answers without leaving the microtask queue: yield so that
      // timers and I/O (Telegram, the model stream) run between pages.
      await nextMacrotask();
    }
  }
}

/** Flattens batches into single events, dropping empty batches. */
export async function* flattenBatches<E extends AnyEvent>(
  batches: AsyncIterable<AllPage<E>>,
): AsyncGenerator<RecordedEvent<E>> {
  for await (const batch of batches) yield* batch.events;
}
