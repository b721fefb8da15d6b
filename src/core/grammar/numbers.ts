/**
 * Numbers as the caller writes them. English writes 1,234.5 and German 1.234,5; kam reads each
 * caller's own convention and refuses what it could only guess:
 *
 * - A separator that appears twice ("1.234.567"), or both separators ("1.234,50", "1,234.50"),
 *   can be read only one way: the last separator of two kinds is the decimal one.
 * - A group separator must be followed by exactly three digits; spaces and apostrophes
 *   ("1 234", "1'234") are always group separators.
 * - A single "." or "," followed by other than three digits ("1,5", "2.75"), or after a zero or
 *   more than three digits ("0.500", "1234,567"), is a decimal separator in either language.
 * - A single separator after one to three digits and followed by exactly three digits is read in
 *   the caller's language: its group separator ("1,200" en, "1.200" de) makes 1200; its decimal
 *   separator makes a fraction ("1.125" en, "1,125" de) unless the fraction ends in 0 ("1.200" en,
 *   "1,250" de): nobody writes 1.2 as 1.200, so that is the other language's thousands or a typo,
 *   and it is refused with both readings. Intl.NumberFormat never writes such a form.
 */
export type NumberLocale = "en" | "de";

/** A decimal string such as "1200" or "1.25" (no exponent, no sign). */
export type NumberReading = { value: string } | { ambiguous: [decimal: string, grouped: string] };

const DECIMAL: Record<NumberLocale, "." | ","> = { en: ".", de: "," };
const SPACE_GROUPS = /[\u00a0\u202f '’]/;

function normalize(intDigits: string, frac?: string): string {
  const int = intDigits.replace(/^0+(?=\d)/, "");
  return frac === undefined ? int : `${int}.${frac}`;
}

/** Integer digits grouped by `sep` (and spaces): first group 1–3 digits, then groups of exactly 3. */
function groupedInteger(text: string, sep: string | null): string | null {
  const chunks = text.split(sep ?? "\u0000").flatMap((c) => c.split(SPACE_GROUPS));
  if (chunks.some((c) => !/^\d+$/.test(c))) return null;
  if (chunks.length === 1) return chunks[0]!;
  if (chunks[0]!.length > 3 || /^0/.test(chunks[0]!) || chunks.slice(1).some((c) => c.length !== 3)) return null;
  return chunks.join("");
}

export function readNumber(text: string, locale: NumberLocale): NumberReading | null {
  const s = text.trim();
  if (!/^\d[\d.,\u00a0\u202f '’]*$/.test(s) || !/\d$/.test(s)) return null;
  if (/[.,\u00a0\u202f '’]{2}/.test(s)) return null;
  const dots = s.split(".").length - 1;
  const commas = s.split(",").length - 1;
  let decimal: "." | "," | null = null;
  let group: "." | "," | null = null;
  if (dots && commas) {
    decimal = s.lastIndexOf(".") > s.lastIndexOf(",") ? "." : ",";
    group = decimal === "." ? "," : ".";
    if ((decimal === "." ? dots : commas) !== 1) return null;
  } else if (dots > 1 || commas > 1) {
    group = dots ? "." : ",";
  } else if (dots || commas) {
    const sep = dots ? "." : ",";
    const [int, frac] = s.split(sep) as [string, string];
    const spaced = SPACE_GROUPS.test(int);
    const couldGroup = !spaced && frac.length === 3 && /^[1-9]\d{0,2}$/.test(int);
    if (!couldGroup) decimal = sep;
    else if (sep !== DECIMAL[locale]) group = sep;
    else if (frac.endsWith("0")) return { ambiguous: [normalize(int, frac), normalize(int + frac)] };
    else decimal = sep;
  }
  const [intText, fracText] = decimal ? (s.split(decimal) as [string, string]) : [s, undefined];
  if (fracText !== undefined && !/^\d+$/.test(fracText)) return null;
  const digits = groupedInteger(intText, group);
  if (digits === null) return null;
  return { value: normalize(digits, fracText) };
}

const WORDS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, fifteen: 15, twenty: 20, thirty: 30, forty: 40, fifty: 50, hundred: 100, thousand: 1000, dozen: 12,
  null: 0, eins: 1, ein: 1, eine: 1, zwei: 2, drei: 3, vier: 4, "fünf": 5, sechs: 6, sieben: 7, acht: 8, neun: 9, zehn: 10,
  elf: 11, "zwölf": 12, "fünfzehn": 15, zwanzig: 20, "dreißig": 30, vierzig: 40, "fünfzig": 50, hundert: 100, tausend: 1000, dutzend: 12,
};

/** "five", "Zehn" → 5, 10: a number written as a word, which kam asks to be written in digits. */
export function numberWord(text: string): number | undefined {
  return WORDS[text.trim().toLowerCase()];
}
