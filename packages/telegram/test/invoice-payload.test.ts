import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvoicePayloadCodec } from "../src/index.ts";

const codec = new InvoicePayloadCodec("test-secret");
const payload = {
  userId: 123456789,
  stars: 2500,
  issuedAt: new Date("2026-11-26T10:00:00Z"),
  marginBasisPoints: 1250,
};

describe("given the invoice payload codec", () => {
  it("when a payload is encoded, then it fits Telegram's 128 bytes and decodes to the same fields", () => {
    const text = codec.encode(payload);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(128);
    expect(codec.decode(text)).toEqual({ ok: true, payload });
  });

  it("when any field is edited, then the signature no longer verifies", () => {
    const text = codec.encode(payload);
    for (const edited of [
      text.replace(".2500.", ".2501."),
      text.replace("p1.123456789.", "p1.123456780."),
      text.replace(".1250.", ".0."),
    ]) {
      expect(codec.decode(edited)).toEqual({ ok: false, reason: "bad_signature" });
    }
  });

  it("when another secret signed it, then it is rejected; a text of another shape is malformed", () => {
    expect(new InvoicePayloadCodec("other").decode(codec.encode(payload))).toEqual({
      ok: false,
      reason: "bad_signature",
    });
    for (const text of [
      "",
      "topup_1_2_3",
      "p1.1.2.3.4",
      `${codec.encode(payload)}x`,
      "p2.1.1.1.0.AAAAAAAAAAAAAAAAAAAAAA",
    ]) {
      expect(codec.decode(text)).toEqual({ ok: false, reason: "malformed" });
    }
  });

  it("when any payload is encoded, then it round-trips and a single changed character breaks it", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 52 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: 4_000_000_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.nat(),
        (userId, stars, seconds, margin, position) => {
          const original = { userId, stars, issuedAt: new Date(seconds * 1000), marginBasisPoints: margin };
          const text = codec.encode(original);
          expect(codec.decode(text)).toEqual({ ok: true, payload: original });
          const at = position % text.length;
          const changed = `${text.slice(0, at)}${text[at] === "1" ? "2" : "1"}${text.slice(at + 1)}`;
          expect(codec.decode(changed).ok).toBe(false);
        },
      ),
    );
  });
});
