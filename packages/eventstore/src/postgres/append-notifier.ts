import type { SqlExecutor } from "@bot/sql";

/**
 * Tells other processes that events were appended, after the append committed.
 * Bursts are coalesced: while one NOTIFY is in flight, further pokes collapse
 * into one more. Subscribers re-read the log on wake-up, so one notification per
 * burst is enough, and a lost one only delays them until their fallback poll.
 */
export class AppendNotifier {
  #inFlight: Promise<void> | null = null;
  #pending = false;

  constructor(
    private readonly sql: SqlExecutor,
    private readonly channel: string,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** Schedules a NOTIFY (does not wait for it). */
  poke(): void {
    if (this.#inFlight) {
      this.#pending = true;
      return;
    }
    this.#inFlight = this.#send();
  }

  async #send(): Promise<void> {
    try {
      await this.sql.query("SELECT pg_notify($1, '')", [this.channel]);
    } catch (error) {
      this.onError(error);
    }
    if (this.#pending) {
      this.#pending = false;
      return this.#send();
    }
    this.#inFlight = null;
  }

  /** Resolves when no NOTIFY is in flight (before closing the connection). */
  async idle(): Promise<void> {
    while (this.#inFlight) await this.#inFlight;
  }
}
