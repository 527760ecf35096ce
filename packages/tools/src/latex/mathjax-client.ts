/**
 * The main-thread side of the MathJax worker (mathjax-worker.mjs): one long-lived worker,
 * jobs run one at a time, each under a hard deadline after which the worker is terminated
 * and replaced.
 *
 * Why a worker: MathJax is synchronous, and bounding the input does not bound its work. Macro
 * expansion amplifies: MathJax's own limits (1000 substitutions, a 5 KiB buffer per
 * expansion) still allow `\def\a{…400 chars…}\def\b{\a×10}\def\c{\b×10}\c`, a 466-character
 * input that took 36 s on the event loop when measured here. A worker's `terminate()` stops
 * that at any point, and the event loop stays free meanwhile.
 */
import { Worker } from "node:worker_threads";

/** One formula row to typeset. */
export interface TypesetRow {
  readonly tex: string;
  readonly display: boolean;
}

/** MathJax's output for a row: its SVG (with an merror inside when `texError` is set). */
export type TypesetRowOutcome =
  | { readonly svg: string; readonly texError: string | null }
  | { readonly thrown: { readonly name: string; readonly message: string } };

/** The worker's answer for a job; rows stop at the first error. */
export type TypesetOutcome =
  | { readonly kind: "done"; readonly rows: readonly TypesetRowOutcome[] }
  | { readonly kind: "timeout" }
  | { readonly kind: "out_of_memory" }
  | { readonly kind: "crashed"; readonly message: string };

interface Job {
  readonly rows: readonly TypesetRow[];
  readonly emPx: number;
  readonly exPx: number;
  readonly timeoutMs: number;
}

// Starting the worker loads MathJax (~0.3 s, more on a busy machine); it is not counted in a
// job's deadline, but a worker that never becomes ready is a failure.
const STARTUP_TIMEOUT_MS = 30_000;
// A huge expansion fails as out-of-memory in the worker instead of growing the bot's heap.
const WORKER_HEAP_MB = 512;

/** A single MathJax worker with a job queue. */
export class MathJaxWorker {
  private worker: Worker | undefined;
  private ready: Promise<Worker> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;

  constructor(private readonly packages: readonly string[]) {}

  /** Typesets `rows`; resolves (never rejects) when done, on the deadline, or on a crash. */
  typeset(
    rows: readonly TypesetRow[],
    emPx: number,
    exPx: number,
    timeoutMs: number,
  ): Promise<TypesetOutcome> {
    const result = this.queue.then(() => this.run({ rows, emPx, exPx, timeoutMs }));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Stops the worker (a new one starts on the next job). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    await worker?.terminate();
  }

  private async run(job: Job): Promise<TypesetOutcome> {
    let worker: Worker;
    try {
      this.ready ??= this.start();
      worker = await this.ready;
    } catch (error) {
      await this.close();
      return { kind: "crashed", message: error instanceof Error ? error.message : String(error) };
    }
    const id = this.nextId++;
    worker.ref();
    try {
      return await new Promise<TypesetOutcome>((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        const finish = (outcome: TypesetOutcome): void => {
          clearTimeout(timer);
          worker.off("message", onMessage);
          worker.off("error", onError);
          worker.off("exit", onExit);
          resolve(outcome);
        };
        const onMessage = (message: { id?: number; rows?: TypesetRowOutcome[] }): void => {
          if (message.id === id) finish({ kind: "done", rows: message.rows ?? [] });
        };
        const onError = (error: Error & { code?: string }): void => {
          finish(
            error.code === "ERR_WORKER_OUT_OF_MEMORY"
              ? { kind: "out_of_memory" }
              : { kind: "crashed", message: error.message },
          );
        };
        const onExit = (code: number): void =>
          finish({ kind: "crashed", message: `worker exited (${code})` });
        worker.on("message", onMessage);
        worker.on("error", onError);
        worker.on("exit", onExit);
        timer = setTimeout(() => finish({ kind: "timeout" }), job.timeoutMs);
        worker.postMessage({ id, rows: job.rows, emPx: job.emPx, exPx: job.exPx });
      }).then(async (outcome) => {
        // Anything but a clean answer may leave the worker busy or broken: replace it.
        const thrown = outcome.kind === "done" && outcome.rows.some((row) => "thrown" in row);
        if (outcome.kind !== "done" || thrown) await this.close();
        return outcome;
      });
    } finally {
      // Idle workers must not keep the process alive.
      if (this.worker === worker) worker.unref();
    }
  }

  private start(): Promise<Worker> {
    const worker = new Worker(new URL("./mathjax-worker.mjs", import.meta.url), {
      workerData: { packages: [...this.packages] },
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    this.worker = worker;
    return new Promise<Worker>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error("the MathJax worker did not start")),
        STARTUP_TIMEOUT_MS,
      );
      const onMessage = (message: { ready?: boolean }): void => {
        if (message.ready !== true) return;
        cleanup();
        resolve(worker);
      };
      const onError = (error: Error): void => {
        cleanup();
        reject(error);
      };
      const onExit = (code: number): void => {
        cleanup();
        reject(new Error(`the MathJax worker exited while starting (${code})`));
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
      };
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onExit);
    });
  }
}
