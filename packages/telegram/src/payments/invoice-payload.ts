import { createHmac, timingSafeEqual } from "node:crypto";

/** What a Stars invoice binds: who may pay it, how many Stars, when it was issued, at which margin. */
export interface InvoicePayload {
  readonly userId: number;
  readonly stars: number;
  /** Whole seconds. */
  readonly issuedAt: Date;
  /** The owner's margin k3 the invoice's price was shown at. */
  readonly marginBasisPoints: number;
}

/** Why a payload is not one of ours. */
export type PayloadRejection = "malformed" | "bad_signature";

const VERSION = "p1";
const FORMAT = /^p1\.([1-9]\d{0,15})\.([1-9]\d{0,5})\.(\d{1,12})\.(\d{1,5})\.([A-Za-z0-9_-]{22})$/;

/**
 * Signs and checks invoice payloads: `p1.<user>.<stars>.<issued s>.<k3 bp>.<mac>` with
 * a 128-bit HMAC-SHA256 tag, 60-odd bytes (Telegram allows 128). Telegram returns the
 * payload in the pre-checkout query and the payment, so a forged or edited invoice is
 * recognised without storing invoices anywhere.
 */
export class InvoicePayloadCodec {
  readonly #key: Buffer;

  /** `secret`: PAYMENT_PAYLOAD_SECRET; without one, a key derived from the bot token. */
  constructor(secret: string) {
    if (secret.length === 0) throw new RangeError("the payload secret must not be empty");
    this.#key = createHmac("sha256", "telegram-stars-invoice-payload").update(secret).digest();
  }

  #tag(body: string): string {
    return createHmac("sha256", this.#key).update(body).digest("base64url").slice(0, 22);
  }

  /** The payload text to put in sendInvoice. */
  encode(payload: InvoicePayload): string {
    const body = [
      VERSION,
      payload.userId,
      payload.stars,
      Math.floor(payload.issuedAt.getTime() / 1000),
      payload.marginBasisPoints,
    ].join(".");
    return `${body}.${this.#tag(body)}`;
  }

  /** The payload a text carries, or why it is not a valid one of ours. */
  decode(text: string): { ok: true; payload: InvoicePayload } | { ok: false; reason: PayloadRejection } {
    const match = FORMAT.exec(text);
    if (!match) return { ok: false, reason: "malformed" };
    const [, user, stars, issued, margin, tag] = match as unknown as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const expected = Buffer.from(this.#tag(text.slice(0, text.length - tag.length - 1)));
    const given = Buffer.from(tag);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      return { ok: false, reason: "bad_signature" };
    }
    return {
      ok: true,
      payload: {
        userId: Number(user),
        stars: Number(stars),
        issuedAt: new Date(Number(issued) * 1000),
        marginBasisPoints: Number(margin),
      },
    };
  }
}
