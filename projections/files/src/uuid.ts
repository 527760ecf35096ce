const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether `value` is a UUID in its usual text form. File ids may come from a model's
 * tool call: a query checks them first, since a failed `::uuid` cast aborts the transaction.
 */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
