import { describe, expect, it } from "vitest";
import { LLM_ERROR_KINDS, LlmError } from "../src/index.ts";

describe("given an LlmError", () => {
  it("when built with a cause, then it keeps kind, cause and flags", () => {
    const cause = new Error("socket hang up");
    const error = new LlmError("connection", "lost", { cause, beforeFirstToken: true, status: 502 });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("LlmError");
    expect(error).toMatchObject({ kind: "connection", beforeFirstToken: true, status: 502 });
    expect(error.cause).toBe(cause);
    expect(error.retryAfterSeconds).toBeUndefined();
  });

  it("when asking whether it is transient, then capacity and network kinds are, request kinds are not", () => {
    const transient = LLM_ERROR_KINDS.filter(
      (kind) => new LlmError(kind, "", { beforeFirstToken: true }).transient,
    );
    expect(transient).toEqual(["rate_limited", "overloaded", "timeout", "connection", "server"]);
  });

  it("when correcting beforeFirstToken, then everything else is kept", () => {
    const error = new LlmError("rate_limited", "slow", {
      beforeFirstToken: true,
      retryAfterSeconds: 4,
      status: 429,
    });
    const corrected = error.withBeforeFirstToken(false);
    expect(corrected).toMatchObject({
      kind: "rate_limited",
      beforeFirstToken: false,
      retryAfterSeconds: 4,
      status: 429,
    });
    expect(corrected.message).toBe("slow");
    expect(error.withBeforeFirstToken(true)).toBe(error);
  });
});
