import type { GenerationObserver } from "@bot/actors";
import type { Metrics } from "@bot/observability";
import type { PaymentMetrics } from "./money/payment-service.ts";

/** What the bot reports to Prometheus. */
export interface BotMetrics {
  update(kind: string): void;
  duplicateUpdate(): void;
  liveActors(count: number): void;
  generation: GenerationObserver;
  payments: PaymentMetrics;
}

/** Bot metrics on a registry: updates by kind, duplicates, live actors, generation timings and outcomes, spend. */
export function createBotMetrics(metrics: Metrics, now: () => number = () => performance.now()): BotMetrics {
  const updates = metrics.counter({
    name: "telegram_updates_total",
    help: "Updates handled, by kind",
    labelNames: ["kind"],
  });
  const duplicates = metrics.counter({
    name: "telegram_duplicate_updates_total",
    help: "Updates delivered again and skipped",
  });
  const actors = metrics.gauge({ name: "thread_actors_live", help: "Thread actors alive in this process" });
  const firstToken = metrics.histogram({
    name: "generation_first_token_seconds",
    help: "Model request sent to first streamed token",
    buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32],
  });
  const overhead = metrics.histogram({
    name: "turn_overhead_seconds",
    help: "This process's time on a turn before the model request: message received to request sent, batching window excluded",
    buckets: [0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  });
  const outcomes = metrics.counter({
    name: "generations_total",
    help: "Generations by outcome and model",
    labelNames: ["outcome", "model"],
  });
  const spend = metrics.counter({
    name: "usage_charged_nano_usd_total",
    help: "What users were charged for model calls, nano-USD",
    labelNames: ["model", "estimated"],
  });
  const refusals = metrics.counter({
    name: "requests_refused_total",
    help: "Model requests refused before they started, by reason",
    labelNames: ["reason"],
  });
  const checkouts = metrics.counter({
    name: "checkouts_total",
    help: "Pre-checkout queries answered, by outcome (approved or the reason declined)",
    labelNames: ["outcome"],
  });
  const stars = metrics.counter({ name: "stars_received_total", help: "Telegram Stars credited" });
  const credited = metrics.counter({
    name: "credited_nano_usd_total",
    help: "USD credited for Stars, nano-USD",
  });
  const refunds = metrics.counter({
    name: "refunds_total",
    help: "Refund requests by outcome (refunded, failed, pending, refused)",
    labelNames: ["outcome"],
  });
  const toolCalls = metrics.counter({
    name: "tool_calls_total",
    help: "Tool calls by tool and outcome (ok or the error kind the model was told)",
    labelNames: ["tool", "outcome"],
  });
  const toolDuration = metrics.histogram({
    name: "tool_duration_seconds",
    help: "How long tool calls ran, by tool",
    labelNames: ["tool"],
    buckets: [0.05, 0.25, 1, 2.5, 5, 10, 30, 60, 180, 300],
  });
  const toolSpend = metrics.counter({
    name: "tool_charged_nano_usd_total",
    help: "What paid tools cost users (incl. automatic transcription), nano-USD, by tool",
    labelNames: ["tool"],
  });
  const sentAt = new Map<string, number>();
  return {
    update: (kind) => updates.inc({ kind }),
    duplicateUpdate: () => duplicates.inc(),
    liveActors: (count) => actors.set(count),
    generation: {
      requestSent(generationId, turnOverheadMs) {
        sentAt.set(generationId, now());
        if (turnOverheadMs !== null) overhead.observe(turnOverheadMs / 1000);
      },
      firstToken(generationId) {
        const started = sentAt.get(generationId);
        if (started !== undefined) firstToken.observe((now() - started) / 1000);
      },
      ended(generationId, outcome, modelId) {
        sentAt.delete(generationId);
        outcomes.inc({ outcome, model: modelId });
      },
      charged(modelId, userAmount, estimated) {
        if (userAmount > 0) spend.inc({ model: modelId, estimated: String(estimated) }, userAmount);
      },
      refused(reason) {
        refusals.inc({ reason });
      },
      toolCharged(toolName, userAmount) {
        if (userAmount > 0) toolSpend.inc({ tool: toolName }, userAmount);
      },
      toolCompleted(toolName, errorKind, durationMs) {
        toolCalls.inc({ tool: toolName, outcome: errorKind ?? "ok" });
        toolDuration.observe({ tool: toolName }, durationMs / 1000);
      },
    },
    payments: {
      checkout: (outcome) => checkouts.inc({ outcome }),
      credited(starCount, amount) {
        stars.inc(starCount);
        credited.inc(amount);
      },
      refund: (outcome) => refunds.inc({ outcome }),
    },
  };
}
