/** E2B SDK errors turned into a message the model (and the log) can use. */
import {
  AuthenticationError,
  NotFoundError,
  RateLimitError,
  SandboxError,
  ServiceBusyError,
  TimeoutError,
} from "@e2b/code-interpreter";

/** What an E2B failure means for the call and for the thread's sandbox. */
export interface E2BFailure {
  /** For the model: what happened, with the status when there is one. */
  readonly message: string;
  /** The sandbox is gone (expired, killed, not found): the session must be closed. */
  readonly sandboxGone: boolean;
  /** The SDK's own words, for the log. */
  readonly detail: string;
}

/** `runCode` gave up waiting because its `timeoutMs` passed (not a sandbox or request timeout). */
export function isExecutionTimeout(error: unknown): boolean {
  return error instanceof TimeoutError && error.message.startsWith("Execution timed out");
}

/** Describes an error thrown by the SDK while doing `what` ("creating the sandbox", ...). */
export function describeE2BError(error: unknown, what: string): E2BFailure {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const failure = (message: string, sandboxGone = false): E2BFailure => ({
    message: `E2B failed while ${what}: ${message}`,
    sandboxGone,
    detail,
  });
  if (error instanceof AuthenticationError) {
    return failure(
      "the API key was refused (401). The code sandbox is misconfigured; tell the user it is unavailable.",
    );
  }
  if (error instanceof RateLimitError) {
    return failure("too many requests (429). Wait a minute before trying again.");
  }
  if (error instanceof ServiceBusyError) {
    return failure("the service is temporarily out of capacity (503). Try again shortly.");
  }
  if (error instanceof TimeoutError) {
    if (/killed while the request was in progress/.test(error.message)) {
      return failure(
        "the sandbox expired or was killed while the code was running; its state is lost.",
        true,
      );
    }
    if (/sandbox timeout/.test(error.message)) {
      return failure("the sandbox is no longer reachable (it expired); its state is lost.", true);
    }
    return failure("E2B did not answer in time.");
  }
  if (error instanceof NotFoundError) {
    return failure("the sandbox no longer exists; its state is lost.", true);
  }
  if (error instanceof SandboxError) {
    const status = error.statusCode ?? statusInMessage(error.message);
    return failure(
      status === undefined
        ? `the sandbox reported an error (${error.message.slice(0, 200)}).`
        : `E2B answered HTTP ${status}${status >= 500 ? " (a server error on E2B's side; try again later)" : ""}: ${error.message.slice(0, 200)}`,
    );
  }
  if (error instanceof TypeError) {
    const cause = error.cause instanceof Error ? error.cause.message : error.message;
    return failure(`E2B could not be reached (${cause.slice(0, 200)}).`);
  }
  return failure(`unexpected error (${detail.slice(0, 200)}).`);
}

/** The status of the code interpreter's errors, which carry it only as "500 Internal Server Error". */
function statusInMessage(message: string): number | undefined {
  const match = /^(\d{3})\b/.exec(message);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
