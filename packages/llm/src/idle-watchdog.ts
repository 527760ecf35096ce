/**
 * Aborts its signal when `touch()` is not called for `idleMs`. Used for streams: the SDK's
 * `timeout` only covers the wait for response headers, so a stream that stalls after
 * them would otherwise hang forever.
 */
export class IdleWatchdog {
  readonly #controller = new AbortController();
  readonly #idleMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastTouch = 0;

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

  /**
   * (Re)starts the countdown. Called for every streamed delta, so it only notes the
   * time; the one timer checks it when it fires and sleeps again for what is left
   * (re-arming a timer per delta cost measurable CPU with hundreds of streams).
   */
  touch(): void {
    if (this.fired) return;
    this.#lastTouch = performance.now();
    if (this.#timer === undefined) this.#arm(this.#idleMs);
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(() => {
      const silent = performance.now() - this.#lastTouch;
      if (silent >= this.#idleMs) this.#controller.abort(new Error(`no data for ${this.#idleMs} ms`));
      else this.#arm(this.#idleMs - silent);
    }, ms);
  }

  /** Stops the countdown for good. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
