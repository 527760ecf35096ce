import { type NanoUsd, nanoUsd, parseUsd } from "@bot/domain";

const TOKENS_PER_MILLION = 1_000_000;

/** Thrown when a $/MTok price is not a whole number of nano-USD per token. */
export class PriceNotRepresentableError extends Error {
  override readonly name = "PriceNotRepresentableError";
  constructor(
    readonly pricePerMTokUsd: string,
    readonly where: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${where}: $${pricePerMTokUsd}/MTok is not a whole number of nano-USD per token ` +
        "(prices must be multiples of $0.001/MTok)",
      options,
    );
  }
}

/**
 * Converts a decimal "USD per million tokens" string into an integer nano-USD price per
 * token: $3/MTok = 3_000 nano-USD per token, $0.01/MTok = 10. A price finer than
 * $0.001/MTok would need a fractional unit price, which would make charges inexact, so
 * it fails loudly instead of rounding.
 */
export function perTokenNanoUsd(pricePerMTokUsd: string, where: string): NanoUsd {
  let perMillion: number;
  try {
    perMillion = parseUsd(pricePerMTokUsd);
  } catch (cause) {
    throw new PriceNotRepresentableError(pricePerMTokUsd, where, { cause });
  }
  if (perMillion < 0 || perMillion % TOKENS_PER_MILLION !== 0) {
    throw new PriceNotRepresentableError(pricePerMTokUsd, where);
  }
  return nanoUsd(perMillion / TOKENS_PER_MILLION);
}
