import type { LlmDelta } from "../src/index.ts";

/** Drains an async iterable. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** The error a promise rejects with; fails when it resolves. */
export async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}

/** Drains a stream, returning what it yielded before failing and the error. */
export async function drainUntilError(
  stream: AsyncIterable<LlmDelta>,
): Promise<{ deltas: LlmDelta[]; error: unknown }> {
  const deltas: LlmDelta[] = [];
  try {
    for await (const delta of stream) deltas.push(delta);
  } catch (error) {
    return { deltas, error };
  }
  throw new Error(`expected the stream to fail; it yielded ${JSON.stringify(deltas)}`);
}
