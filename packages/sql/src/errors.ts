/** Fields the `pg` and PGlite drivers both put on a server error. */
interface DriverError {
  readonly code?: unknown;
  readonly constraint?: unknown;
}

function driverError(error: unknown): DriverError | null {
  return typeof error === "object" && error !== null ? (error as DriverError) : null;
}

/** The SQLSTATE of a server error, if any. */
export function sqlState(error: unknown): string | null {
  const code = driverError(error)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/** True for a unique violation, optionally on one named constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (sqlState(error) !== "23505") return false;
  return constraint === undefined || driverError(error)?.constraint === constraint;
}

const TRANSIENT_NODE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
]);

/**
 * True when retrying later can succeed: the connection failed or the server is
 * shutting down, or a serialization/deadlock failure. Other errors (constraint
 * violations, syntax, handler bugs) are not transient.
 */
export function isTransientSqlError(error: unknown): boolean {
  // Node codes first: "EPIPE" also has the shape of a SQLSTATE (5 upper-case letters).
  const code = driverError(error)?.code;
  if (typeof code === "string" && TRANSIENT_NODE_CODES.has(code)) return true;
  const state = sqlState(error);
  if (state) {
    return (
      state.startsWith("08") ||
      state.startsWith("57P") ||
      state === "40001" ||
      state === "40P01" ||
      state === "53300"
    );
  }
  const message = error instanceof Error ? error.message : "";
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message);
}
