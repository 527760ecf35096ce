import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** An id shaped like the API's (`msg_…`, `toolu_…`, `srvtoolu_…`, `req_…`): prefix + 24 base62 chars. */
export function fakeId(prefix: string): string {
  let id = prefix;
  for (const byte of randomBytes(24)) id += ALPHABET[byte % ALPHABET.length];
  return id;
}
