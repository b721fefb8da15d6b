import { readNumber, type NumberLocale } from "./numbers.ts";

// Longest first: "US$" before "$". Intl writes "US$" and "JP¥" in en-GB.
const SYMBOLS: [string, string][] = [["US$", "USD"], ["JP¥", "JPY"], ["Fr.", "CHF"], ["CHF", "CHF"], ["€", "EUR"], ["$", "USD"], ["£", "GBP"], ["¥", "JPY"]];

export interface ParsedAmount {
  /** In major units (euros), exact to the cent as a decimal string is turned into minor units by the caller. */
  major: string;
  currency?: string;
}

/** An amount that could be read two ways in the caller's language (see numbers.ts). */
export interface AmbiguousAmount {
  ambiguous: [string, string];
  currency?: string;
}

/**
 * Reads an amount as the caller writes numbers: "1234.50", "1.234,50 €", "EUR 99", "€99", "99 EUR",
 * "$1,234.50", "2,5". Returns the number as a normalized decimal string and the currency if one
 * was written; both readings when the number is ambiguous in the caller's language.
 */
export function parseAmount(text: string, locale: NumberLocale): ParsedAmount | AmbiguousAmount | null {
  let s = text.trim().replace(/\u00a0/g, " ");
  let currency: string | undefined;
  const code = /^([A-Za-z]{3})\s*(\d.*)$/.exec(s) ?? /^(.*\d)\s*([A-Za-z]{3})$/.exec(s);
  if (code) {
    const [a, b] = [code[1]!, code[2]!];
    const isCodeFirst = /^[A-Za-z]{3}$/.test(a);
    currency = (isCodeFirst ? a : b).toUpperCase();
    s = (isCodeFirst ? b : a).trim();
  }
  for (const [symbol, iso] of SYMBOLS) {
    if (s.startsWith(symbol) || s.endsWith(symbol)) {
      if (currency && currency !== iso) return null;
      currency = iso;
      s = (s.startsWith(symbol) ? s.slice(symbol.length) : s.slice(0, -symbol.length)).trim();
    }
  }
  const reading = readNumber(s, locale);
  if (!reading) return null;
  const withCurrency = currency ? { currency } : {};
  return "value" in reading ? { major: reading.value, ...withCurrency } : { ambiguous: reading.ambiguous, ...withCurrency };
}

/** Major-unit decimal string → minor units, or null when it has more (non-zero) decimals than the currency. */

/** "10", "2.5", "1,200" → a quantity as the caller writes numbers; both readings when ambiguous. */
export function parseQuantity(text: string, locale: NumberLocale): { value: number } | { ambiguous: [number, number] } | null {
  const reading = readNumber(text, locale);
  if (!reading) return null;
  if ("value" in reading) return { value: Number(reading.value) };
  return { ambiguous: [Number(reading.ambiguous[0]), Number(reading.ambiguous[1])] };
}
