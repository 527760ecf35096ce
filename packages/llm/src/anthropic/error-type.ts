import type { LlmErrorKind } from "../llm-error.ts";

/**
 * The kind for an Anthropic error body's `error.type`, or undefined when the type says
 * nothing the HTTP status does not (`api_error`, unknown types).
 *
 * billing_error and permission_error become "authentication": like a bad key they are
 * account problems only the operator can fix, and retrying never helps.
 */
export function kindForErrorType(type: string | null | undefined): LlmErrorKind | undefined {
  switch (type) {
    case "overloaded_error":
      return "overloaded";
    case "rate_limit_error":
      return "rate_limited";
    case "timeout_error":
      return "timeout";
    case "authentication_error":
    case "permission_error":
    case "billing_error":
      return "authentication";
    case "not_found_error":
      return "not_found";
    case "invalid_request_error":
      return "invalid_request";
    default:
      return undefined;
  }
}
