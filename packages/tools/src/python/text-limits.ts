/** Bounded text for the model: long output keeps its beginning and its end. */

/**
 * `text` cut to `max` characters plus a marker saying how much was left out. The head and
 * the tail are kept because the start shows what ran and the end shows how it finished.
 */
export function truncateMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.ceil(max * 0.4);
  const tail = max - head;
  const omitted = text.length - head - tail;
  return `${text.slice(0, head)}\n…[${omitted} characters truncated]…\n${text.slice(text.length - tail)}`;
}

/**
 * Collects streamed text (stdout or stderr) without holding more than needed: the first
 * part of the budget as it arrives, and a rolling window for the end.
 */
export class BoundedText {
  readonly #max: number;
  #head = "";
  #tail = "";
  #total = 0;

  constructor(max: number) {
    this.#max = max;
  }

  append(chunk: string): void {
    this.#total += chunk.length;
    const headRoom = Math.ceil(this.#max * 0.4) - this.#head.length;
    let rest = chunk;
    if (headRoom > 0) {
      this.#head += rest.slice(0, headRoom);
      rest = rest.slice(headRoom);
    }
    if (rest === "") return;
    // The tail window is kept at most twice its size between trims, so appends stay cheap.
    const tailMax = this.#max - Math.ceil(this.#max * 0.4);
    this.#tail += rest;
    if (this.#tail.length > 2 * tailMax) this.#tail = this.#tail.slice(this.#tail.length - tailMax);
  }

  /** Everything received, when it fits; else head, a marker with the omitted count, and tail. */
  text(): string {
    const kept = this.#head.length + this.#tail.length;
    if (this.#total <= this.#max && kept === this.#total) return this.#head + this.#tail;
    const tailMax = this.#max - Math.ceil(this.#max * 0.4);
    const tail = this.#tail.slice(Math.max(0, this.#tail.length - tailMax));
    const omitted = this.#total - this.#head.length - tail.length;
    return `${this.#head}\n…[${omitted} characters truncated]…\n${tail}`;
  }

  /** Characters received in all. */
  get total(): number {
    return this.#total;
  }
}

/** ESC [ ... final byte: the colour codes IPython puts in tracebacks (built from a char code to keep control characters out of the source). */
const ANSI_SEQUENCE = new RegExp(`${String.fromCharCode(27)}\\[[0-?]*[ -/]*[@-~]`, "g");

/** `text` without terminal colour codes, which only cost the model tokens. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_SEQUENCE, "");
}
