import { describe, expect, it } from "vitest";
import { parseAmount, parseQuantity } from "../../src/core/grammar/amounts.ts";
import { decimalToMinor as toMinor } from "../../src/domain/amounts.ts";
import { parseDay, todayIn } from "../../src/core/grammar/dates.ts";
import { parseDuration } from "../../src/core/grammar/durations.ts";
import { clauses, tokenize } from "../../src/core/grammar/tokens.ts";

// Thursday 26 November 2026, 23:30 UTC: already Friday the 27th in Berlin.
const NOW = new Date("2026-11-26T23:30:00Z");

describe("dates", () => {
  it.each([
    ["2026-12-31", "2026-12-31"],
    ["31.12.2026", "2026-12-31"],
    ["1.2.27", "2027-02-01"],
    ["12/31/2026", "2026-12-31"],
    ["next friday", "2026-12-04"],
    ["in 2 weeks", "2026-12-11"],
    ["tomorrow", "2026-11-28"],
    ["nächsten Freitag", "2026-12-04"],
    ["morgen", "2026-11-28"],
    ["in 3 Tagen", "2026-11-30"],
    ["December 24", "2026-12-24"],
    ["24. Dezember", "2026-12-24"],
  ])("reads %s in Europe/Berlin", (text, expected) => {
    expect(parseDay(text, "Europe/Berlin", NOW)).toBe(expected);
  });

  it("reads relative dates in the caller's time zone", () => {
    expect(todayIn("Europe/Berlin", NOW)).toBe("2026-11-27");
    expect(todayIn("America/New_York", NOW)).toBe("2026-11-26");
    expect(parseDay("tomorrow", "America/New_York", NOW)).toBe("2026-11-27");
    expect(parseDay("tomorrow", "Europe/Berlin", NOW)).toBe("2026-11-28");
  });

  it.each(["2026-02-30", "31.02.2026", "13/01/2026", "someday", "next friday or so", "", "2026-1-1x", "99.99.9999"])("refuses %s", (text) => {
    expect(parseDay(text, "Europe/Berlin", NOW)).toBeNull();
  });
});

describe("amounts", () => {
  it.each([
    ["1234.50", "1234.50", undefined],
    ["1.234,50 €", "1234.50", "EUR"],
    ["1.234,50\u00a0€", "1234.50", "EUR"],
    ["EUR 99", "99", "EUR"],
    ["99 usd", "99", "USD"],
    ["€99", "99", "EUR"],
    ["$1,234.50", "1234.50", "USD"],
    ["2,5", "2.5", undefined],
    ["1,234", "1234", undefined],
    ["1.234.567", "1234567", undefined],
    ["CHF 1'234.00", "1234.00", "CHF"],
  ])("reads %s", (text, major, currency) => {
    expect(parseAmount(text, "en")).toEqual({ major, ...(currency ? { currency } : {}) });
  });

  it.each(["", "abc", "-5", "1.2.3,4,5", "€", "1,23,4", "12 EUR USD", "$5 EUR"])("refuses %s", (text) => {
    expect(parseAmount(text, "en")).toBeNull();
    expect(parseAmount(text, "de")).toBeNull();
  });

  it("turns major units into minor units exactly, per currency", () => {
    expect(toMinor("1234.50", 100)).toBe(123450);
    expect(toMinor("0.1", 100)).toBe(10);
    expect(toMinor("19.99", 100)).toBe(1999);
    expect(toMinor("1.234", 100)).toBeNull();
    expect(toMinor("500", 1)).toBe(500);
    expect(toMinor("5.5", 1)).toBeNull();
  });

  it("reads quantities with a decimal point or comma", () => {
    expect(parseQuantity("10", "en")).toEqual({ value: 10 });
    expect(parseQuantity("2,5", "en")).toEqual({ value: 2.5 });
    expect(parseQuantity("2,5", "de")).toEqual({ value: 2.5 });
    expect(parseQuantity("-1", "en")).toBeNull();
    expect(parseQuantity("1e3", "de")).toBeNull();
  });
});

describe("durations", () => {
  it.each([
    ["1d", 86_400_000],
    ["2 days", 2 * 86_400_000],
    ["1w", 604_800_000],
    ["12h", 12 * 3_600_000],
    ["3 Tage", 3 * 86_400_000],
    ["2 Wochen", 2 * 604_800_000],
  ])("reads %s", (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(["", "0d", "d", "5 fortnights", "400d", "-1d"])("refuses %s", (text) => expect(parseDuration(text)).toBeNull());
});

describe("tokens", () => {
  it("keeps quoted names together, splits commas, unwraps Slack mentions", () => {
    const tokens = tokenize(`order log "ACME Holding GmbH" 10 BOLT-10 @ 2,50 €, 5 NUT-10 due „nächsten Freitag“ <@U123|ada>`);
    expect(tokens.map((t) => t.text)).toEqual([
      "order", "log", "ACME Holding GmbH", "10", "BOLT-10", "@", "2,50", "€", ",", "5", "NUT-10", "due", "nächsten Freitag", "U123",
    ]);
    expect(tokens[2]!.quoted).toBe(true);
  });

  it("reads keyword clauses, ignoring quoted keywords", () => {
    const { head, parts } = clauses(tokenize(`"due" thing due next friday po 4711`), ["due", "po"]);
    expect(head.map((t) => t.text)).toEqual(["due", "thing"]);
    expect(parts.get("due")!.map((t) => t.text)).toEqual(["next", "friday"]);
    expect(parts.get("po")!.map((t) => t.text)).toEqual(["4711"]);
  });
});
