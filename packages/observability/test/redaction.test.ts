import { describe, expect, it } from "vitest";
import { isSensitiveKey, redactToken, redactUrl } from "../src/index.ts";

describe("given connection strings", () => {
  it.each([
    ["postgres://user:pass@host", "postgres://user:***@host"],
    [
      "postgresql://bot:s3cr3t@db.internal:5432/bot?sslmode=require",
      "postgresql://bot:***@db.internal:5432/bot?sslmode=require",
    ],
    ["postgres://bot:p@ss@host/db", "postgres://bot:***@host/db"],
    [
      "esdb+discover://admin:changeit@es1:2113,es2:2113?tls=true",
      "esdb+discover://admin:***@es1:2113,es2:2113?tls=true",
    ],
    [
      "postgres://host/db?user=bot&password=hunter2&sslmode=disable",
      "postgres://host/db?user=bot&password=***&sslmode=disable",
    ],
  ])("when %s is redacted, then the password is masked: %s", (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it.each([
    "postgres://bot@host/db",
    "postgres://host:5432/db",
    "http://example.com/a:b@c",
    "not a url: with @ and :",
  ])("when %s has no password, then it is unchanged", (url) => {
    expect(redactUrl(url)).toBe(url);
  });
});

describe("given text that embeds a token", () => {
  const token = "123456:ABC-def";

  it("when redacted, then raw and URL-encoded occurrences are replaced", () => {
    const text = `GET https://api.telegram.org/bot${token}/getMe failed; retry /bot${encodeURIComponent(token)}/x`;

    expect(redactToken(text, token)).toBe(
      "GET https://api.telegram.org/bot[redacted]/getMe failed; retry /bot[redacted]/x",
    );
  });

  it("when the token is empty or undefined, then the text is unchanged", () => {
    expect(redactToken("abc", "")).toBe("abc");
    expect(redactToken("abc", undefined)).toBe("abc");
  });
});

describe("given property names", () => {
  it.each([
    "token",
    "opsToken",
    "telegram_bot_token",
    "apiKey",
    "x-api-key",
    "authorization",
    "paymentPayloadSecret",
    "databaseUrl",
    "password",
    "set-cookie",
  ])("when %s is checked, then it is sensitive", (key) => {
    expect(isSensitiveKey(key)).toBe(true);
  });

  it.each(["inputTokens", "tokenCount", "name", "secretsDir", "url", "keyboard"])(
    "when %s is checked, then it is not sensitive",
    (key) => {
      expect(isSensitiveKey(key)).toBe(false);
    },
  );
});
