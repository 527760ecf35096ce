import type { ServerResponse } from "node:http";
import { sendJson } from "../shared/http-io.ts";

/** Google's canonical status name for an HTTP status (google.rpc.Code mapping). */
export function googleStatusFor(httpStatus: number): string {
  switch (httpStatus) {
    case 400:
      return "INVALID_ARGUMENT";
    case 401:
      return "UNAUTHENTICATED";
    case 403:
      return "PERMISSION_DENIED";
    case 404:
      return "NOT_FOUND";
    case 409:
      return "ABORTED";
    case 429:
      return "RESOURCE_EXHAUSTED";
    case 499:
      return "CANCELLED";
    case 501:
      return "UNIMPLEMENTED";
    case 503:
      return "UNAVAILABLE";
    case 504:
      return "DEADLINE_EXCEEDED";
    default:
      return httpStatus >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
  }
}

/** Messages the API uses for the statuses tests script most. */
export function defaultGoogleMessage(httpStatus: number): string {
  switch (httpStatus) {
    case 429:
      return "Resource has been exhausted (e.g. check quota).";
    case 500:
      return "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting";
    case 503:
      return "The model is overloaded. Please try again later.";
    case 504:
      return "Deadline expired before operation could complete.";
    default:
      return `HTTP ${httpStatus}`;
  }
}

/** The body Google sends with an error: `{error:{code,message,status[,details]}}`. */
export function googleErrorBody(
  code: number,
  message: string,
  status: string = googleStatusFor(code),
  details?: readonly unknown[],
): { error: Record<string, unknown> } {
  return { error: { code, message, status, ...(details ? { details } : {}) } };
}

/** Sends Google's error JSON; the SDK reads it (content-type JSON) into `ApiError.message`. */
export function sendGoogleError(
  res: ServerResponse,
  code: number,
  message: string,
  options: {
    status?: string | undefined;
    details?: readonly unknown[];
    retryAfterSeconds?: number | undefined;
  } = {},
): void {
  const headers: Record<string, string> = {};
  if (options.retryAfterSeconds !== undefined) headers["retry-after"] = String(options.retryAfterSeconds);
  sendJson(res, code, googleErrorBody(code, message, options.status, options.details), headers);
}
