/**
 * A place in the global log. Totally ordered by (commit, prepare).
 *
 * - PostgreSQL adapter: `commit` is the writing transaction's id (xid8) and
 *   `prepare` the row's global sequence number; readers order by both so that a
 *   transaction that took its sequence numbers early but committed late is never
 *   skipped (see docs/architecture.md, "Global order").
 * - EventStoreDB adapter: the server's commit/prepare log positions.
 *
 * Positions are opaque to callers except for comparison and serialisation.
 */
export interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

/** Before every event: reading after START yields the whole log. */
export const START: Position = Object.freeze({ commit: -1n, prepare: -1n });

/** Negative, zero or positive as `a` is before, equal to or after `b`. */
export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** The later of two positions. */
export function maxPosition(a: Position, b: Position): Position {
  return comparePositions(a, b) >= 0 ? a : b;
}

/** `"<commit>/<prepare>"`, the form used in logs, checkpoints and CLIs. */
export function formatPosition(position: Position): string {
  return `${position.commit}/${position.prepare}`;
}

/** Parses {@link formatPosition}'s output. */
export function parsePosition(text: string): Position {
  const match = /^(-?\d+)\/(-?\d+)$/.exec(text.trim());
  if (!match?.[1] || !match[2]) throw new Error(`"${text}" is not a position (expected <commit>/<prepare>)`);
  return { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
}

const MAX_BIGINT = 9223372036854775807n;

/**
 * For people: like {@link formatPosition}, but a checkpoint that ends a scan of
 * the whole log up to a transaction (prepare = max) is shown as `<commit>/end`.
 */
export function describePosition(position: Position): string {
  return position.prepare === MAX_BIGINT ? `${position.commit}/end` : formatPosition(position);
}
