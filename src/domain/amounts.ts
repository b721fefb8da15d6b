import { z } from "zod";
import { InvalidInputError } from "./errors.ts";
import * as limits from "./limits.ts";

/**
 * Amounts given to the domain. Chat reads "1200" before it knows the account the amount is for,
 * so it also passes the number as typed (`typed`, major units as a decimal string): the domain
 * converts that with the currency of the record it lands on, so that 1200 on a yen account is
 * ¥1,200, not the ¥120,000 that euro cents would make, and 12.345 is a dinar amount. Callers that
 * know the minor units (the API, imports, tests) pass `minor` alone.
 */
export const amountInput = z.object({
  minor: limits.minorAmount,
  currency: limits.currency.optional(),
  typed: z.string().regex(/^\d{1,20}(\.\d{1,20})?$/).optional(),
  /** The amount as the caller wrote it ("1,125" in German), for the refusal. */
  text: z.string().max(100).optional(),
});
export type AmountInput = z.infer<typeof amountInput>;

const DIGITS = new Map<string, number>();

/** Minor units per major unit of a currency (100 for EUR, 1 for JPY, 1000 for KWD). */
export function minorPerMajor(currency: string): number {
  let d = DIGITS.get(currency);
  if (d === undefined) {
    d = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    DIGITS.set(currency, d);
  }
  return 10 ** d;
}

/** A decimal string ("1234.5") in minor units of a currency, or null when it has more decimals than the currency. */
export function decimalToMinor(major: string, perMajor: number): number | null {
  const decimals = Math.round(Math.log10(perMajor));
  const [int, written = ""] = major.split(".");
  // Trailing zeros beyond the currency's decimals say nothing: "0.500" is 0.50.
  const frac = written.length > decimals ? written.replace(/0+$/, "").padEnd(decimals, "0") : written;
  if (frac.length > decimals) return null;
  const value = Number(int) * perMajor + Number((frac + "0".repeat(decimals)).slice(0, decimals) || "0");
  return Number.isSafeInteger(value) ? value : null;
}

/** An amount's minor units in `currency`, the currency of the record it is for; refused on `field` when it cannot be one. */
export function minorIn(amount: Pick<AmountInput, "minor" | "typed" | "currency" | "text">, currency: string, field: string): bigint {
  if (amount.typed === undefined || amount.currency !== undefined) return BigInt(amount.minor);
  const perMajor = minorPerMajor(currency);
  const minor = decimalToMinor(amount.typed, perMajor);
  const text = amount.text ?? amount.typed;
  if (minor === null) throw new InvalidInputError(field, "usage.amountDecimals", { text, currency, decimals: Math.round(Math.log10(perMajor)) });
  if (minor > limits.MAX_MINOR) throw new InvalidInputError(field, "usage.amountTooLarge", { text, max: `${limits.MAX_MINOR / perMajor} ${currency}` });
  return BigInt(minor);
}
