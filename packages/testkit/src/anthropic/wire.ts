/** A JSON object as sent on the wire; shapes are pinned by the tests against the real SDK. */
export type JsonObject = { [key: string]: unknown };
