const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Thrown when a schema/table/channel name is not a plain lower-case SQL identifier. */
export class InvalidIdentifierError extends Error {
  override readonly name = "InvalidIdentifierError";
  constructor(readonly identifier: string) {
    super(`"${identifier}" is not a valid identifier: use 1-63 of [a-z0-9_], not starting with a digit`);
  }
}

/**
 * Validates a name that is interpolated into SQL (schemas, channels). Only plain
 * lower-case identifiers are accepted, so quoting is never needed and no input can
 * change the statement.
 */
export function sqlIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new InvalidIdentifierError(name);
  return name;
}
