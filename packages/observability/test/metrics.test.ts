import { register as globalRegistry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createMetrics, MetricConflictError } from "../src/index.ts";

describe("given a metrics registry", () => {
  it("when two components ask for the same counter, then they share one prefixed instance", async () => {
    const metrics = createMetrics({ defaultMetrics: false });

    const first = metrics.counter({ name: "updates_total", help: "Updates", labelNames: ["kind"] });
    const second = metrics.counter({ name: "updates_total", help: "Updates", labelNames: ["kind"] });
    first.inc({ kind: "message" });
    second.inc({ kind: "message" });

    expect(second).toBe(first);
    expect(await metrics.registry.metrics()).toContain('bot_updates_total{kind="message"} 2');
  });

  it("when a name is re-declared as another type, then a clear conflict error is thrown", () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.counter({ name: "lag", help: "Lag" });

    expect(() => metrics.gauge({ name: "lag", help: "Lag" })).toThrow(MetricConflictError);
    expect(() => metrics.histogram({ name: "lag", help: "Lag" })).toThrow(
      "Metric bot_lag is already registered as a counter; it cannot also be a histogram",
    );
  });

  it("when a name is re-declared with other labels, then a conflict error names both label sets", () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.gauge({ name: "queue", help: "Queue", labelNames: ["a"] });

    expect(() => metrics.gauge({ name: "queue", help: "Queue", labelNames: ["b"] })).toThrow(/\[a\].*\[b\]/);
  });

  it("when gauges and histograms are created, then they use the custom prefix and options", async () => {
    const metrics = createMetrics({
      prefix: "proj_",
      defaultMetrics: false,
      labels: { service: "projector" },
    });
    let scrapes = 0;
    metrics.gauge({
      name: "lag_events",
      help: "Lag",
      collect() {
        scrapes += 1;
        this.set(7);
      },
    });
    metrics.histogram({ name: "handle_seconds", help: "Handling time", buckets: [0.1, 1] }).observe(0.5);

    const text = await metrics.registry.metrics();

    expect(scrapes).toBe(1);
    expect(text).toContain('proj_lag_events{service="projector"} 7');
    expect(text).toContain('proj_handle_seconds_bucket{le="1",service="projector"} 1');
  });

  it("when default metrics are on or off, then process metrics are present or absent", async () => {
    const withDefaults = await createMetrics().registry.metrics();
    const without = await createMetrics({ defaultMetrics: false }).registry.metrics();

    expect(withDefaults).toContain("process_cpu_user_seconds_total");
    expect(without).not.toContain("process_cpu_user_seconds_total");
  });

  it("when metrics are created, then prom-client's global registry stays untouched", () => {
    createMetrics({ defaultMetrics: false }).counter({ name: "isolated_total", help: "x" });
    createMetrics({ defaultMetrics: false }).counter({ name: "isolated_total", help: "x" });

    expect(globalRegistry.getSingleMetric("bot_isolated_total")).toBeUndefined();
  });
});
