import { describe } from "vitest";
import { describeEventStoreContract } from "../src/testing/contract-suite.ts";
import { serverPostgresHarness, testDatabaseUrl } from "../src/testing/postgres-harness.ts";

const url = testDatabaseUrl();

// Runs whenever DATABASE_URL is set; .ci/run always sets it.
describe.runIf(url)("event store contract: server PostgreSQL (DATABASE_URL)", () => {
  describeEventStoreContract(() => serverPostgresHarness(url as string));
});
