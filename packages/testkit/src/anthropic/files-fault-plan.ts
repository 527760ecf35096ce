import type {
  AnthropicFilesFault,
  AnthropicFilesFaultOptions,
  AnthropicFilesOperation,
} from "./file-types.ts";

interface PlannedFault {
  operation: AnthropicFilesOperation | "*";
  fault: AnthropicFilesFault;
  remaining: number;
}

/** Faults injected with `files.fail()`, used up in the order they were planned. */
export class FilesFaultPlan {
  #planned: PlannedFault[] = [];

  /** Plans `fault` for the next `times` calls of `operation` ("*" for any). */
  add(
    operation: AnthropicFilesOperation | "*",
    fault: AnthropicFilesFault,
    options: AnthropicFilesFaultOptions = {},
  ): void {
    const times = options.times ?? 1;
    if (!(times > 0)) throw new RangeError(`fault times must be positive, got ${times}`);
    this.#planned.push({ operation, fault, remaining: times });
  }

  /** Forgets every planned fault. */
  clear(): void {
    this.#planned = [];
  }

  /** The first fault planned for this operation, counted as used; undefined when none applies. */
  take(operation: AnthropicFilesOperation): AnthropicFilesFault | undefined {
    const index = this.#planned.findIndex(
      (entry) => entry.operation === "*" || entry.operation === operation,
    );
    const entry = this.#planned[index];
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.#planned.splice(index, 1);
    return entry.fault;
  }
}
