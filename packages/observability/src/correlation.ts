import type { Logger } from "pino";

/** Ids that tie log lines to the update, thread, user or projection they concern. */
export interface CorrelationIds {
  /** Telegram `update_id`. */
  readonly updateId?: number;
  /** The conversation thread the line belongs to. */
  readonly threadKey?: string;
  /** Telegram user id. */
  readonly userId?: number;
  /** Id carried across services for one logical operation. */
  readonly correlationId?: string;
  /** Projection name, for projector logs. */
  readonly projection?: string;
}

/**
 * Returns a child logger that stamps the given ids on every line. Undefined ids
 * are left out rather than logged as missing, so call sites can pass whatever
 * they have.
 */
export function withCorrelation(logger: Logger, ids: CorrelationIds): Logger {
  const bindings: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(ids)) {
    if (typeof value === "string" || typeof value === "number") bindings[key] = value;
  }
  return logger.child(bindings);
}
