import type { DestinationStream } from "pino";

/** A pino destination that keeps what was written, for assertions. */
export interface MemoryDestination extends DestinationStream {
  readonly chunks: string[];
  /** Every written chunk parsed as one JSON log record. */
  records(): Record<string, unknown>[];
}

export function memoryDestination(): MemoryDestination {
  const chunks: string[] = [];
  return {
    chunks,
    write(chunk: string) {
      chunks.push(chunk);
    },
    records() {
      return chunks.map((chunk) => JSON.parse(chunk) as Record<string, unknown>);
    },
  };
}
