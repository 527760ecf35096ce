import { describe } from "vitest";
import { describeEventStoreContract } from "../src/testing/contract-suite.ts";
import { pgliteHarness } from "../src/testing/postgres-harness.ts";

describe("event store contract: PGlite (embedded)", () => {
  describeEventStoreContract(pgliteHarness);
});
