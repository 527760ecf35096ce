import type { AnyEvent } from "@bot/domain";
import type { Metrics } from "@bot/observability";
import { WrongExpectedVersionError } from "./errors.ts";
import type { EventStore } from "./types.ts";

/** The stream category for metric labels: `thread`, `user`, `settings`, ... (never the full name). */
export function streamCategory(stream: string): string {
  const dash = stream.indexOf("-");
  return dash > 0 ? stream.slice(0, dash) : stream;
}

/**
 * Wraps any adapter with prom-client metrics an operator graphs: append latency
 * by outcome, events appended and version conflicts per stream category, and
 * events read by global readers.
 */
export function instrumentEventStore<E extends AnyEvent>(
  store: EventStore<E>,
  metrics: Metrics,
): EventStore<E> {
  const appendSeconds = metrics.histogram({
    name: "eventstore_append_duration_seconds",
    help: "Time to append one batch of events, by outcome",
    labelNames: ["category", "outcome"],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  });
  const appended = metrics.counter({
    name: "eventstore_events_appended_total",
    help: "Events appended, by stream category",
    labelNames: ["category"],
  });
  const conflicts = metrics.counter({
    name: "eventstore_append_conflicts_total",
    help: "Appends refused because the stream moved (WrongExpectedVersionError)",
    labelNames: ["category"],
  });
  const globalRead = metrics.counter({
    name: "eventstore_global_events_read_total",
    help: "Events returned by global reads and subscriptions (pages)",
  });

  return {
    ...store,
    async append(stream, events, options) {
      const category = streamCategory(stream);
      const started = performance.now();
      try {
        const result = await store.append(stream, events, options);
        appendSeconds.observe({ category, outcome: "ok" }, (performance.now() - started) / 1000);
        appended.inc({ category }, events.length);
        return result;
      } catch (error) {
        const outcome = error instanceof WrongExpectedVersionError ? "conflict" : "error";
        if (outcome === "conflict") conflicts.inc({ category });
        appendSeconds.observe({ category, outcome }, (performance.now() - started) / 1000);
        throw error;
      }
    },
    async readAllPage(options) {
      const page = await store.readAllPage(options);
      globalRead.inc(page.events.length);
      return page;
    },
    async *subscribeAllBatches(options) {
      for await (const batch of store.subscribeAllBatches(options)) {
        globalRead.inc(batch.events.length);
        yield batch;
      }
    },
    readStream: (stream, options) => store.readStream(stream, options),
    readAll: (options) => store.readAll(options),
    subscribeAll: (options) => store.subscribeAll(options),
    headPosition: () => store.headPosition(),
    close: () => store.close(),
  };
}
