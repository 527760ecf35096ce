/**
 * One call at a time per thread. The model may ask for several `execute_python` calls in one
 * turn and the tool loop runs them in parallel; sharing one sandbox, they would either race
 * to create two sandboxes (one leaked) or queue inside the Jupyter kernel, each paying for
 * the other's time. Waiting here happens before the meter starts, so it is never charged.
 */
export class ThreadQueue {
  readonly #tails = new Map<string, Promise<void>>();

  /**
   * Runs `task` once every earlier task of `key` ended; if `signal` aborts first, returns
   * `onCancelled()` without running it. Only one process serves a thread at a time (the
   * thread actor), so an in-process queue is enough.
   */
  async run<T>(key: string, signal: AbortSignal, onCancelled: () => T, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release: () => void = () => {};
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.#tails.set(key, tail);
    try {
      const ready = await raceAbort(previous, signal);
      if (!ready) return onCancelled();
      return await task();
    } finally {
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}

/** True once `waited` settles, false if `signal` aborts first. */
async function raceAbort(waited: Promise<void>, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<boolean>((resolve) => {
    onAbort = () => resolve(false);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([waited.then(() => true), aborted]);
  } finally {
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
}
