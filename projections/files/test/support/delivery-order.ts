/** Picks `keys[k] % n`, cycling through the keys (0 when there are none). */
function pick(keys: readonly number[], k: number, n: number): number {
  return (keys[k % Math.max(keys.length, 1)] ?? 0) % n;
}

/**
 * Interleaves the streams of `events` in an order the keys choose, keeping each stream's
 * own order: every order the runner (or a rebuild reading another store) could deliver.
 */
export function interleaveStreams<T extends { readonly stream: string }>(
  events: readonly T[],
  keys: readonly number[],
): T[] {
  const queues = new Map<string, T[]>();
  for (const event of events) {
    const queue = queues.get(event.stream);
    if (queue) queue.push(event);
    else queues.set(event.stream, [event]);
  }
  const result: T[] = [];
  for (let k = 0; queues.size > 0; k++) {
    const streams = [...queues.keys()];
    const stream = streams[pick(keys, k, streams.length)] ?? "";
    const queue = queues.get(stream) ?? [];
    const next = queue.shift();
    if (next) result.push(next);
    if (queue.length === 0) queues.delete(stream);
  }
  return result;
}

/**
 * Delivers some events a second time, somewhere after their first delivery: a redelivery
 * never comes before the original.
 */
export function withLateDuplicates<T>(events: readonly T[], keys: readonly number[]): T[] {
  const placed = events.map((event, index) => ({ event, at: index }));
  events.forEach((event, index) => {
    if (pick(keys, index, 3) !== 0) return;
    // Strictly after the original, up to the end.
    placed.push({ event, at: index + 0.5 + pick(keys, index + 7, events.length - index) });
  });
  return placed.sort((a, b) => a.at - b.at).map(({ event }) => event);
}
