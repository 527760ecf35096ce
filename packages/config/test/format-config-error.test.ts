import { describe, expect, it } from "vitest";
import { ConfigError, formatConfigError } from "../src/index.ts";

describe("given a ConfigError with two issues", () => {
  const error = new ConfigError([
    { setting: "OPS_PORT", problem: "invalid", hint: 'expected an integer 0-65535, got "abc"' },
    { setting: "OPS_TOKEN", problem: "missing", hint: "set the env var OPS_TOKEN" },
  ]);

  it("when formatted for a CLI, then it prints a heading, one bullet per issue and a pointer to the docs", () => {
    expect(formatConfigError(error)).toBe(
      [
        "Configuration is invalid (2 problems):",
        '  - OPS_PORT is invalid: expected an integer 0-65535, got "abc"',
        "  - OPS_TOKEN is missing: set the env var OPS_TOKEN",
        "See secrets/README.md for where each secret can be provided.",
      ].join("\n"),
    );
  });

  it("when inspected, then it is an Error named ConfigError with frozen issues", () => {
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("ConfigError");
    expect(Object.isFrozen(error.issues)).toBe(true);
  });
});

describe("given an error that is not a ConfigError", () => {
  it("when formatted, then its name and message are printed", () => {
    expect(formatConfigError(new TypeError("boom"))).toBe("TypeError: boom");
    expect(formatConfigError("plain")).toBe("plain");
  });
});
