import { describe } from "vitest";
import { keyValueContract } from "../src/testing.ts";
import { redisHarness, testRedisUrl } from "./support/redis.ts";

const url = testRedisUrl();

// Runs whenever REDIS_URL is set; CI sets it.
describe.runIf(url)("key-value contract: Redis (REDIS_URL)", () => {
  keyValueContract("Redis", async () => redisHarness(url as string));
});
