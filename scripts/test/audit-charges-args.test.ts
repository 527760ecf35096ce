import { describe, expect, it } from "vitest";
import { DEFAULT_WAIT_SECONDS, parseAuditArgs, parseInstant } from "../src/audit/audit-args.ts";

describe("given the audit-charges command line", () => {
  it("when no argument is given, then everything is listed as text with the default wait", () => {
    expect(parseAuditArgs([])).toEqual({
      kind: "run",
      request: {
        filter: { userId: null, thread: null, since: null, until: null },
        format: "text",
        waitSeconds: DEFAULT_WAIT_SECONDS,
      },
    });
  });

  it("when every filter is given, in both option forms, then each is parsed and normalised", () => {
    const args = parseAuditArgs([
      "--user",
      "42",
      "--thread=-1001234/0/42",
      "--since",
      "2024-09-01",
      "--until=2024-09-02T12:30:00+02:00",
      "--json",
      "--wait",
      "0.5",
    ]);
    expect(args).toEqual({
      kind: "run",
      request: {
        filter: {
          userId: 42,
          thread: "thread--1001234-0-42",
          since: { ms: Date.UTC(2024, 8, 1), iso: "2024-09-01T00:00:00.000Z" },
          until: { ms: Date.UTC(2024, 8, 2, 10, 30), iso: "2024-09-02T10:30:00.000Z" },
        },
        format: "json",
        waitSeconds: 0.5,
      },
    });
  });

  it("when the thread is a stream name, then it is used as such; --csv selects CSV", () => {
    const args = parseAuditArgs(["--thread", "thread-7-3-9", "--csv"]);
    expect(args).toMatchObject({
      kind: "run",
      request: { filter: { thread: "thread-7-3-9" }, format: "csv" },
    });
  });

  it("when --help is among the arguments, then help is asked for", () => {
    expect(parseAuditArgs(["--user", "1", "--help"])).toEqual({ kind: "help" });
  });

  it.each([
    [["--since", "yesterdayish"], '--since "yesterdayish" is not a date or a time'],
    [["--until", "2024-02-30"], '--until "2024-02-30" is not a date or a time'],
    [["--since", "2024-09-01T10:00:00"], '--since "2024-09-01T10:00:00" is not a date or a time'],
    [
      ["--since", "2024-09-02", "--until", "2024-09-01"],
      "--since (2024-09-02T00:00:00.000Z) must be before --until",
    ],
    [["--user", "abc"], '--user needs a Telegram user id (a positive integer), got "abc"'],
    [["--user", "0"], 'got "0"'],
    [["--user", "-5"], 'got "-5"'],
    [["--user", "1", "--user", "2"], "--user given twice"],
    [["--user"], "--user needs a value"],
    [["--thread", "nope"], '--thread "nope": "nope" is not a thread'],
    [["--thread", "thread-1-0-0"], "user id must be positive"],
    [["--json", "--csv"], "choose one of --json and --csv"],
    [["--wait", "soon"], '--wait needs seconds from 0 to 3600, got "soon"'],
    [["--verbose"], "unknown option --verbose"],
    [["42"], 'unexpected argument "42"'],
  ])("when the arguments are %j, then it is a usage error saying %j", (argv, problem) => {
    const args = parseAuditArgs(argv);
    expect(args.kind).toBe("usage");
    expect(args.kind === "usage" && args.problem).toContain(problem);
  });
});

describe("given a --since/--until value", () => {
  it.each([
    ["2024-09-01", "2024-09-01T00:00:00.000Z"],
    ["2024-02-29", "2024-02-29T00:00:00.000Z"],
    ["2024-09-01T10:00Z", "2024-09-01T10:00:00.000Z"],
    ["2024-09-01T10:00:00.123456Z", "2024-09-01T10:00:00.123Z"],
    ["2024-09-01T01:00:00-03:00", "2024-09-01T04:00:00.000Z"],
  ])("when it is %j, then it is the instant %s", (text, iso) => {
    expect(parseInstant(text)?.iso).toBe(iso);
  });

  it.each([
    "yesterday",
    "2023-02-29",
    "2024-09-31",
    "2024-13-01",
    "2024-09-01T25:00Z",
    "2024-09-01 10:00Z",
    "1725184800",
  ])("when it is %j, then it is refused", (text) => {
    expect(parseInstant(text)).toBeNull();
  });
});
