import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** Why an admin request is or is not allowed. */
export type AdminDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly status: 401 | 403; readonly reason: string };

/**
 * Decides whether a request may reach an admin route.
 * - With a token configured, `Authorization: Bearer <token>` is required (401 otherwise).
 * - Without one, admin routes are served only when the server is bound to a loopback
 *   host, where only local processes can reach it; on any other host they are 403,
 *   so forgetting `OPS_TOKEN` never exposes them to the network.
 */
export function decideAdminAccess(
  req: IncomingMessage,
  boundHost: string,
  token: string | undefined,
): AdminDecision {
  if (token === undefined || token === "") {
    return isLoopbackHost(boundHost)
      ? { allowed: true }
      : { allowed: false, status: 403, reason: "admin routes need OPS_TOKEN when not bound to loopback" };
  }
  const presented = bearerToken(req.headers.authorization);
  if (presented === undefined) return { allowed: false, status: 401, reason: "missing bearer token" };
  if (!sameSecret(presented, token)) return { allowed: false, status: 401, reason: "invalid bearer token" };
  return { allowed: true };
}

/** Whether `host` only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  return (
    bare === "localhost" ||
    bare === "::1" ||
    /^127(\.\d{1,3}){3}$/.test(bare) ||
    /^::ffff:127(\.\d{1,3}){3}$/.test(bare)
  );
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1];
}

/** Constant-time comparison; hashing first makes lengths equal so timing reveals nothing. */
function sameSecret(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
