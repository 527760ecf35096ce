import type { AuditLine } from "./audit-line.ts";

/** An instant given on the command line: as milliseconds, and as the ISO form shown back. */
export interface Instant {
  readonly ms: number;
  readonly iso: string;
}

/**
 * Which lines the listing and the totals show. Display only: the reconciliation
 * always sums the whole log.
 */
export interface AuditFilter {
  /** Lines of this user only. */
  readonly userId: number | null;
  /** Lines recorded in this thread stream only (charges; credits live in user streams). */
  readonly thread: string | null;
  /** Lines that occurred at or after this instant. */
  readonly since: Instant | null;
  /** Lines that occurred before this instant (exclusive). */
  readonly until: Instant | null;
}

/** No filter: every line. */
export const NO_FILTER: AuditFilter = { userId: null, thread: null, since: null, until: null };

/** True when `line` passes every condition of `filter` (domain time, `occurredAt`). */
export function matchesFilter(line: AuditLine, filter: AuditFilter): boolean {
  if (filter.userId !== null && line.userId !== filter.userId) return false;
  if (filter.thread !== null && line.stream !== filter.thread) return false;
  if (filter.since === null && filter.until === null) return true;
  // Parsed, not compared as text: an occurredAt may carry an offset other than Z.
  const at = Date.parse(line.occurredAt);
  if (filter.since !== null && at < filter.since.ms) return false;
  if (filter.until !== null && at >= filter.until.ms) return false;
  return true;
}

/** The filter in words (`user 42; since 2024-09-01T00:00:00.000Z`), or "none". */
export function describeFilter(filter: AuditFilter): string {
  const parts: string[] = [];
  if (filter.userId !== null) parts.push(`user ${filter.userId}`);
  if (filter.thread !== null) parts.push(`thread ${filter.thread}`);
  if (filter.since !== null) parts.push(`since ${filter.since.iso}`);
  if (filter.until !== null) parts.push(`until ${filter.until.iso} (exclusive)`);
  return parts.length > 0 ? parts.join("; ") : "none";
}
