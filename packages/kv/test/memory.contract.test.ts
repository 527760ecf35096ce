import { keyValueContract, memoryHarness } from "../src/testing.ts";

keyValueContract("in-memory", async () => memoryHarness());
