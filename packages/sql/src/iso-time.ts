/** A timestamptz as ISO-8601 UTC, whichever form the driver returns (pg: Date, PGlite: Date or text). */
export function isoTime(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}
