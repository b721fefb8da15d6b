const SYMBOLS: Record<string, string> = { "€": "EUR", $: "USD", "£": "GBP", "¥": "JPY", "CHF": "CHF", "Fr.": "CHF" };

export interface ParsedAmount {
  /** In major units (euros), exact to the cent as a decimal string is turned into minor units by the caller. */
  major: string;
  currency?: string;
}

/**
 * Reads an amount: "1234.50", "1.234,50 €", "EUR 99", "€99", "99 EUR", "1,234.50", "2,5".
 * Returns the number as a normalized decimal string and the currency if one was written.
 */
export function parseAmount(text: string): ParsedAmount | null {
  let s = text.trim().replace(/\u00a0/g, " ");
  let currency: string | undefined;
  const code = /^([A-Za-z]{3})\s*(.+)$/.exec(s) ?? /^(.+?)\s*([A-Za-z]{3})$/.exec(s);
  if (code) {
    const [a, b] = [code[1]!, code[2]!];
    const isCodeFirst = /^[A-Za-z]{3}$/.test(a);
    currency = (isCodeFirst ? a : b).toUpperCase();
    s = (isCodeFirst ? b : a).trim();
  }
  for (const [symbol, iso] of Object.entries(SYMBOLS)) {
    if (s.startsWith(symbol) || s.endsWith(symbol)) {
      if (currency && currency !== iso) return null;
      currency = iso;
      s = (s.startsWith(symbol) ? s.slice(symbol.length) : s.slice(0, -symbol.length)).trim();
    }
  }
  if (!/^\d[\d.,' ]*$/.test(s) || /[.,' ]$/.test(s)) return null;
  s = s.replace(/['\s]/g, "");
  const lastDot = s.lastIndexOf(".");
  const lastComma = s.lastIndexOf(",");
  let decimal: "." | "," | null = null;
  if (lastDot >= 0 && lastComma >= 0) decimal = lastDot > lastComma ? "." : ",";
  else if (lastComma >= 0) decimal = /^\d{1,3}(,\d{3})+$/.test(s) ? null : ",";
  else if (lastDot >= 0) decimal = /^\d{1,3}(\.\d{3}){2,}$/.test(s) ? null : ".";
  const thousands = decimal === "." ? "," : decimal === "," ? "." : s.includes(",") ? "," : ".";
  const [intPart, fracPart, extra] = s.split(decimal ?? "\u0000");
  if (extra !== undefined) return null;
  const grouped = intPart!.split(thousands);
  if (grouped.length > 1 && grouped.slice(1).some((g) => g.length !== 3)) return null;
  const digits = grouped.join("");
  if (!/^\d+$/.test(digits) || (fracPart !== undefined && !/^\d+$/.test(fracPart))) return null;
  const major = fracPart === undefined ? digits.replace(/^0+(?=\d)/, "") : `${digits.replace(/^0+(?=\d)/, "")}.${fracPart}`;
  return { major, ...(currency ? { currency } : {}) };
}

/** Major-unit decimal string → minor units, or null when it has more decimals than the currency. */
export function toMinor(major: string, minorPerMajor: number): number | null {
  const decimals = Math.round(Math.log10(minorPerMajor));
  const [int, frac = ""] = major.split(".");
  if (frac.length > decimals) return null;
  const value = Number(int) * minorPerMajor + Number((frac + "0".repeat(decimals)).slice(0, decimals) || "0");
  return Number.isSafeInteger(value) ? value : null;
}

/** "10", "2.5", "2,5" → 2.5 for quantities. */
export function parseQuantity(text: string): number | null {
  const s = text.trim().replace(",", ".");
  if (!/^\d+(\.\d+)?$/.test(s)) return null;
  return Number(s);
}
