import type { UpdateQueue } from "./update-queue.ts";

/** How the fake retries webhook deliveries; small defaults keep tests fast. */
export interface WebhookDeliveryOptions {
  /** Wait before retry n is n × this; default 100 ms. */
  retryDelayMs?: number;
  /** Attempts per update before giving up on it; default 5. */
  maxAttempts?: number;
  /** How long to wait for the bot's answer; default 10 s (Telegram redelivers slow answers too). */
  timeoutMs?: number;
}

/** The webhook as set by setWebhook. */
export interface WebhookTarget {
  url: string;
  secretToken?: string;
  maxConnections?: number;
}

/**
 * Posts queued updates to the webhook one at a time, in order, with the
 * `X-Telegram-Bot-Api-Secret-Token` header, and retries an update after a non-2xx answer,
 * a network error or a timeout.
 */
export class WebhookSender {
  private target: WebhookTarget | undefined;
  private running = false;
  private stopped = false;
  private inFlight: AbortController | undefined;
  private lastError: { date: number; message: string } | undefined;
  private readonly retryDelayMs: number;
  private readonly maxAttempts: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly queue: UpdateQueue,
    options: WebhookDeliveryOptions = {},
  ) {
    this.retryDelayMs = options.retryDelayMs ?? 100;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    queue.onQueued(() => this.kick());
  }

  set(target: WebhookTarget): void {
    this.target = target;
    this.lastError = undefined;
    this.kick();
  }

  clear(): void {
    this.target = undefined;
  }

  current(): WebhookTarget | undefined {
    return this.target;
  }

  /** The most recent failed delivery (for getWebhookInfo), Unix time in seconds. */
  lastFailure(): { date: number; message: string } | undefined {
    return this.lastError;
  }

  /** Stops delivering and aborts the request in flight. */
  stop(): void {
    this.stopped = true;
    this.inFlight?.abort();
  }

  private kick(): void {
    if (this.running || this.stopped || this.target === undefined) return;
    this.running = true;
    void this.drain().finally(() => {
      this.running = false;
      // Work may have arrived between the loop's last check and now.
      if (!this.stopped && this.target !== undefined && this.queue.peek() !== undefined) this.kick();
    });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const target = this.target;
      const entry = this.queue.peek();
      if (this.stopped || target === undefined || entry === undefined) return;
      const failure = await this.post(target, JSON.stringify(entry.update));
      if (failure === undefined) {
        this.queue.remove(entry);
        continue;
      }
      this.lastError = { date: Math.floor(Date.now() / 1000), message: failure };
      entry.attempts += 1;
      if (entry.attempts >= this.maxAttempts) {
        this.queue.remove(entry);
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs * entry.attempts));
    }
  }

  /** Posts one update; returns why it failed, or undefined on a 2xx answer. */
  private async post(target: WebhookTarget, body: string): Promise<string | undefined> {
    const controller = new AbortController();
    this.inFlight = controller;
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const response = await fetch(target.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(target.secretToken === undefined
            ? {}
            : { "X-Telegram-Bot-Api-Secret-Token": target.secretToken }),
        },
        body,
        signal: controller.signal,
      });
      // Drain the body so the connection can be reused.
      await response.arrayBuffer().catch(() => undefined);
      return response.ok
        ? undefined
        : `Wrong response from the webhook: ${response.status} ${response.statusText}`;
    } catch (error) {
      return controller.signal.aborted
        ? "Read timeout expired"
        : `Connection failed: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      clearTimeout(timer);
      this.inFlight = undefined;
    }
  }
}
