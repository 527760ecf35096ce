/**
 * Aborts its signal when `touch()` is not called for `idleMs`. Used for streams: the SDK's
 * `timeout` only covers the wait for response headers, so a stream that stalls after
 * them would otherwise hang forever.
 */
export class IdleWatchdog {
  readonly #controller = new AbortController();
  readonly #idleMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(idleMs: number) {
    if (!Number.isFinite(idleMs) || idleMs <= 0)
      throw new RangeError(`idleMs must be positive, got ${idleMs}`);
    this.#idleMs = idleMs;
  }

  /** Aborts after `idleMs` of silence. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Whether the watchdog fired. */
  get fired(): boolean {
    return this.#controller.signal.aborted;
  }

  /** (Re)starts the countdown. */
  touch(): void {
    if (this.fired) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(
      () => this.#controller.abort(new Error(`no data for ${this.#idleMs} ms`)),
      this.#idleMs,
    );
  }

  /** Stops the countdown for good. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
