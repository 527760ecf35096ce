import type { AnthropicResponder, AnthropicScript, RecordedAnthropicRequest } from "./types.ts";

/** Hands out scripts: queued ones first (FIFO), then the responder's; undefined when neither. */
export class ScriptSource {
  readonly #queue: AnthropicScript[] = [];
  #responder: AnthropicResponder | undefined;

  /** Appends scripts to the queue. */
  enqueue(scripts: readonly AnthropicScript[]): void {
    this.#queue.push(...scripts);
  }

  /** Sets the fallback used once the queue is empty. */
  respondWith(responder: AnthropicResponder): void {
    this.#responder = responder;
  }

  /** The script for this request; the responder may throw or reject, which the caller reports. */
  async next(request: RecordedAnthropicRequest): Promise<AnthropicScript | undefined> {
    const queued = this.#queue.shift();
    if (queued) return queued;
    return this.#responder ? await this.#responder(request) : undefined;
  }
}
