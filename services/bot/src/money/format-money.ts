import { formatUsd, type NanoUsd } from "@bot/domain";

/**
 * An amount for people: four decimals ("$0.0065", "-$1.2500"), six for amounts below
 * a hundredth of a cent so a small charge never reads as "$0.0000".
 */
export function formatMoney(amount: NanoUsd | number | bigint): string {
  const value = typeof amount === "bigint" ? Number(amount) : amount;
  const decimals = value !== 0 && Math.abs(value) < 100_000 ? 6 : 4;
  return formatUsd(value as NanoUsd, { decimals });
}

/** A signed amount: "+$0.6500", "-$0.0123". */
export function formatSignedMoney(amount: NanoUsd | number | bigint): string {
  const text = formatMoney(amount);
  return Number(amount) > 0 ? `+${text}` : text;
}
