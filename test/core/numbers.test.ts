import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAmount, parseQuantity } from "../../src/core/grammar/amounts.ts";
import { decimalToMinor as toMinor } from "../../src/domain/amounts.ts";
import { readNumber } from "../../src/core/grammar/numbers.ts";
import { parseDay } from "../../src/core/grammar/dates.ts";
import type { Locale } from "../../src/core/i18n/index.ts";
import { minorPerMajor } from "../../src/domain/amounts.ts";
import { weekdayDay } from "../../src/core/messages/format.ts";
import { isCountedUnit } from "../../src/domain/products.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { accountWithProducts } from "../support/fixtures.ts";
import { chat, replyText } from "../support/chat.ts";
import { TEST_NOW } from "../support/clock.ts";

describe("numbers are read as the caller writes them", () => {
  it.each([
    // [text, locale, value]
    ["1.200", "de", "1200"],
    ["1,200", "en", "1200"],
    ["1,5", "de", "1.5"],
    ["1.5", "en", "1.5"],
    ["1,5", "en", "1.5"],
    ["1.5", "de", "1.5"],
    ["1,125", "de", "1.125"],
    ["1.125", "en", "1.125"],
    ["0,500", "de", "0.500"],
    ["1234,567", "en", "1234.567"],
    ["1.234.567", "en", "1234567"],
    ["1,234,567", "de", "1234567"],
    ["1.234,5", "en", "1234.5"],
    ["1,234.5", "de", "1234.5"],
    ["1 234,5", "de", "1234.5"],
    ["1'234.50", "en", "1234.50"],
    ["007", "en", "7"],
  ] as const)("reads %s in %s as %s", (text, locale, value) => {
    expect(readNumber(text, locale)).toEqual({ value });
  });

  it.each([
    ["1.200", "en", ["1.200", "1200"]],
    ["1,200", "de", ["1.200", "1200"]],
    ["2,500", "de", ["2.500", "2500"]],
    ["12.340", "en", ["12.340", "12340"]],
  ] as const)("shows both readings of %s in %s", (text, locale, readings) => {
    expect(readNumber(text, locale)).toEqual({ ambiguous: readings });
  });

  it.each(["1.2.3", "1,23,4", "1.234,5,6", "12,34.5.6", "1..2", "1,", ".5", "1 23", "1e3", "-1", "1.234,5.6"])("refuses %s in both languages", (text) => {
    expect(readNumber(text, "en")).toBeNull();
    expect(readNumber(text, "de")).toBeNull();
  });

  it("reads quantities and amounts by the caller's language", () => {
    expect(parseQuantity("1.200", "de")).toEqual({ value: 1200 });
    expect(parseQuantity("1,200", "en")).toEqual({ value: 1200 });
    expect(parseQuantity("1.200", "en")).toEqual({ ambiguous: [1.2, 1200] });
    expect(parseAmount("1.200", "de")).toEqual({ major: "1200" });
    expect(parseAmount("1.200", "en")).toEqual({ ambiguous: ["1.200", "1200"] });
    expect(parseAmount("1.234,50 €", "en")).toEqual({ major: "1234.50", currency: "EUR" });
    expect(parseAmount("EUR 99", "de")).toEqual({ major: "99", currency: "EUR" });
    expect(parseAmount("$1,234.50", "de")).toEqual({ major: "1234.50", currency: "USD" });
    expect(parseAmount("US$1,234.50", "en")).toEqual({ major: "1234.50", currency: "USD" });
    expect(parseAmount("1.235 ¥", "de")).toEqual({ major: "1235", currency: "JPY" });
    expect(toMinor("0.500", 100)).toBe(50);
  });

  // Intl's own locales for kam's two languages, as other programs and people copy numbers from them.
  const INTL: [Locale, string][] = [["en", "en"], ["en", "en-GB"], ["en", "en-US"], ["de", "de"], ["de", "de-DE"]];

  it("reads back any quantity Intl.NumberFormat writes in en or de", () => {
    fc.assert(
      fc.property(fc.constantFrom(...INTL), fc.integer({ min: 1, max: 1_000_000_000_000 }), fc.boolean(), ([locale, intl], thousandths, grouping) => {
        const quantity = thousandths / 1000;
        const text = new Intl.NumberFormat(intl, { maximumFractionDigits: 3, useGrouping: grouping }).format(quantity);
        expect({ text, read: parseQuantity(text, locale) }).toEqual({ text, read: { value: quantity } });
      }),
      { numRuns: 2000 },
    );
  });

  it("reads back any amount Intl.NumberFormat writes in en or de, with its currency", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...INTL),
        fc.constantFrom("EUR", "USD", "GBP", "CHF", "JPY"),
        fc.integer({ min: 0, max: 10_000_000_000_000 }),
        fc.constantFrom("symbol", "code"),
        ([locale, intl], currency, minor, display) => {
          const perMajor = minorPerMajor(currency);
          const text = new Intl.NumberFormat(intl, { style: "currency", currency, currencyDisplay: display as "symbol" | "code" }).format(minor / perMajor);
          const parsed = parseAmount(text, locale);
          const read = parsed && "major" in parsed ? { minor: toMinor(parsed.major, perMajor), currency: parsed.currency } : parsed;
          expect({ text, read }).toEqual({ text, read: { minor, currency } });
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("counted units", () => {
  it("knows counted units in English and German, and takes anything else as measured", () => {
    for (const unit of ["pcs", "box", "roll", "Rolle", "Stk.", "Stück", "Karton", "pallet"]) expect({ unit, counted: isCountedUnit(unit) }).toEqual({ unit, counted: true });
    for (const unit of ["kg", "m", "l", "h", "m²", "t"]) expect({ unit, counted: isCountedUnit(unit) }).toEqual({ unit, counted: false });
  });
});

describe("dates with their weekday", () => {
  it("shows a day with its weekday in the caller's language", () => {
    expect(weekdayDay("en", new Date("2026-12-04T00:00:00Z"))).toBe("Fri, 4 Dec 2026");
    expect(weekdayDay("de", new Date("2026-12-04T00:00:00Z"))).toBe("Fr., 4. Dez. 2026");
  });

  it("reads weekdays as chrono does: next friday is the Friday of next week, friday the coming one", () => {
    const tuesday = new Date("2026-12-01T10:00:00Z");
    expect(parseDay("next friday", "Europe/Berlin", tuesday)).toBe("2026-12-11");
    expect(parseDay("nächsten Freitag", "Europe/Berlin", tuesday)).toBe("2026-12-11");
    expect(parseDay("friday", "Europe/Berlin", tuesday)).toBe("2026-12-04");
    expect(parseDay("this friday", "Europe/Berlin", tuesday)).toBe("2026-12-04");
    expect(parseDay("Freitag", "Europe/Berlin", tuesday)).toBe("2026-12-04");
    expect(parseDay("kommenden Freitag", "Europe/Berlin", tuesday)).toBe("2026-12-04");
  });
});

const TUESDAY = new Date("2026-12-01T10:00:00Z");

describeEachDatabase("numbers, units and dates in commands", (get) => {
  async function setup() {
    const db = get().prisma;
    const fixture = await accountWithProducts(db);
    const { say, submit } = chat(db, fixture.actor, { now: TEST_NOW });
    const en = (line: string) => say(line, { locale: "en" });
    const de = (line: string) => say(line, { locale: "de" });
    expect((await en(`product add WIRE "Copper wire" price 3,20 unit kg`)).ok).toBe(true);
    expect((await en(`product add HELMET-S "Helmet S" price 19,90 unit pcs`)).ok).toBe(true);
    const lines = async () =>
      (await db.orderLine.findMany({ where: { order: { organizationId: fixture.actor.organizationId } }, include: { product: true }, orderBy: [{ order: { number: "asc" } }, { lineNo: "asc" }] })).map((l) => [
        l.product.sku,
        Number(l.quantity),
        Number(l.unitPriceMinor),
      ]);
    return { db, ...fixture, say, submit, en, de, lines };
  }

  it("stores 1.200 from a German and 1,200 from an English user as 1200, and 1,5 / 1.5 kg as 1.5", async () => {
    const { en, de, lines } = await setup();
    expect(replyText(await de("order log acme 1.200 BOLT-10"))).toMatch(/1\.200 pcs \| BOLT-10/);
    expect(replyText(await en("order log acme 1,200 BOLT-10"))).toMatch(/1,200 pcs \| BOLT-10/);
    expect(replyText(await de("order log acme 1,5 WIRE"))).toMatch(/1,5 kg \| WIRE/);
    expect(replyText(await en("order log acme 1.5 WIRE"))).toMatch(/1\.5 kg \| WIRE/);
    expect(await lines()).toEqual([["BOLT-10", 1200, 250], ["BOLT-10", 1200, 250], ["WIRE", 1.5, 320], ["WIRE", 1.5, 320]]);
  });

  it("refuses a quantity that reads two ways in the caller's language, showing both, and writes nothing", async () => {
    const { en, de, lines } = await setup();
    const english = await en("order log acme 1.200 WIRE");
    expect(english.ok).toBe(false);
    expect(replyText(english)).toMatch(/"1\.200" could mean 1\.2 or 1,200/);
    const german = await de("order log acme 1,200 WIRE");
    expect(german.ok).toBe(false);
    expect(replyText(german)).toMatch(/„1,200“ kann 1,2 oder 1\.200 heißen/);
    expect(await lines()).toEqual([]);
  });

  it("reads prices by the caller's language: 1.200 is 1.200,00 € for a German user, ambiguous for an English one", async () => {
    const { en, de, lines } = await setup();
    const german = await de("order log acme 1 BOLT-10 @ 1.200");
    expect(replyText(german)).toMatch(/BOLT-10 Bolt M10 \| 1\.200,00\s€/);
    expect(replyText(await en("order log acme 1 BOLT-10 @ 1,200"))).toMatch(/€1,200\.00/);
    const english = await en("order log acme 1 BOLT-10 @ 1.200");
    expect(english.ok).toBe(false);
    expect(replyText(english)).toMatch(/"1\.200" could mean €1\.20 or €1,200\.00/);
    expect(replyText(await de("invoice add acme RE-1 1,250"))).toMatch(/„1,250“ kann 1,25\s€ oder 1\.250,00\s€ heißen/);
    expect(replyText(await de("invoice add acme RE-2 1.234,50 €"))).toMatch(/Rechnung RE-2 über 1\.234,50\s€/);
    expect(replyText(await en("invoice add acme RE-3 $1,234.50"))).toMatch(/billed in EUR, not USD|Invoice RE-3 of/);
    expect(await lines()).toEqual([["BOLT-10", 1, 120000], ["BOLT-10", 1, 120000]]);
  });

  it("refuses a fraction of a counted unit, in the text command, the form and a contract commitment", async () => {
    const { en, de, submit, account, lines, db, actor } = await setup();
    const english = await en("order log acme 2.5 HELMET-S");
    expect(english.ok).toBe(false);
    expect(replyText(english)).toMatch(/HELMET-S is counted in pcs: the quantity must be a whole number, like 2 or 3/);
    expect(replyText(await de("order log acme 2,5 HELMET-S"))).toMatch(/HELMET-S wird in pcs gezählt: die Menge muss eine ganze Zahl sein, z\. B\. 2 oder 3/);
    expect(replyText(await en("order log acme 0.5 BOLT-10"))).toMatch(/like 1 or 2/);
    const form = await submit("order.log", { account: account.id, product1: "HELMET-S", quantity1: "1.5" });
    expect(form.blocks[0]).toMatchObject({ kind: "form", form: { errors: { quantity1: expect.stringMatching(/whole number, like 1 or 2/) } } });
    const commit = await en("contract add acme Frame from 2026-01-01 to 2026-12-31 commit 10.5 HELMET-S per year");
    expect(replyText(commit)).toMatch(/HELMET-S is counted in pcs: the quantity must be a whole number, like 10 or 11/);
    expect(replyText(await en("contract add acme Frame from 2026-01-01 to 2026-12-31 commit 10.5 WIRE per year"))).toMatch(/Contract K-1 Frame added/);
    expect(await db.contractCommitment.count({ where: { contract: { organizationId: actor.organizationId } } })).toBe(1);
    expect(await lines()).toEqual([]);
    expect(replyText(await en("order log acme 3 HELMET-S, 2.75 WIRE"))).toMatch(/3 pcs \| HELMET-S[\s\S]*2\.75 kg \| WIRE/);
  });

  it("says a quantity is too large, or has too many decimals, and a number word is to be written in digits", async () => {
    const { en, de, lines } = await setup();
    expect(replyText(await en("order log acme 99999999999 BOLT-10"))).toMatch(/"99999999999" is too large for a quantity: at most 1,000,000,000\./);
    expect(replyText(await de("order log acme 99999999999 BOLT-10"))).toMatch(/„99999999999“ ist als Menge zu groß: höchstens 1\.000\.000\.000\./);
    expect(replyText(await en("order log acme 1.2345 WIRE"))).toMatch(/"1\.2345" has too many decimals: a quantity has at most 3/);
    expect(replyText(await en("order log acme five BOLT-10"))).toMatch(/"five" is not a quantity: write the number in digits, like 5\./);
    expect(replyText(await de("order log acme fünf BOLT-10"))).toMatch(/„fünf“ ist keine Menge: schreib die Zahl in Ziffern, z\. B\. 5\./);
    expect(replyText(await en("order log acme 10 BOLT-10, twelve NUT-10"))).toMatch(/"twelve" is not a quantity[\s\S]*like 12/);
    expect(replyText(await en("order log acme 1 BOLT-10 @ 999999999999999"))).toMatch(/too large for an amount: at most €100,000,000,000\.00/);
    expect(replyText(await en("order log acme 1 BOLT-10 @ 1.125"))).toMatch(/"1\.125" has more decimals than an amount in EUR can have \(at most 2\)/);
    expect(replyText(await de("order log acme 1 BOLT-10 @ 1,125"))).toMatch(/„1,125“ hat mehr Nachkommastellen, als ein Betrag in EUR haben kann \(höchstens 2\)/);
    expect(replyText(await en("order log acme 1 BOLT-10 @ JPY 5.5"))).toMatch(/at most 0/);
    expect(await lines()).toEqual([]);
  });

  it("refuses a requested delivery, project or milestone date in the past, and writes nothing", async () => {
    const { db, actor, en, de, submit, account, lines } = await setup();
    const order = await en("order log acme 1 BOLT-10 due 2026-11-20");
    expect(order.ok).toBe(false);
    expect(replyText(order)).toMatch(/"2026-11-20" is Fri, 20 Nov 2026, which is in the past \(today is Thu, 26 Nov 2026\)/);
    expect(replyText(await de("order log acme 1 BOLT-10 due 20.11.2026"))).toMatch(/„20\.11\.2026“ ist Fr\., 20\. Nov\. 2026 und liegt in der Vergangenheit/);
    expect(replyText(await en("order reorder acme due yesterday"))).toMatch(/in the past/);
    const form = await submit("order.log", { account: account.id, product1: "BOLT-10", quantity1: "1", requestedOn: "2026-11-25" });
    expect(form.blocks[0]).toMatchObject({ kind: "form", form: { errors: { requestedOn: expect.stringMatching(/in the past/) } } });
    expect(replyText(await en("project add acme Rollout due 2025-12-01"))).toMatch(/in the past/);
    expect((await en("project add acme Rollout due today")).ok).toBe(true);
    expect(replyText(await de("milestone add P-1 Kickoff due 2026-11-25"))).toMatch(/liegt in der Vergangenheit/);
    expect(await db.milestone.count({ where: { project: { organizationId: actor.organizationId } } })).toBe(0);
    expect(await lines()).toEqual([]);
  });

  it("confirms what it understood: quantities, prices and days with their weekday, in the caller's language", async () => {
    const { db, actor } = await setup();
    const onTuesday = chat(db, actor, { now: TUESDAY });
    const en = await onTuesday.say("order log acme 1,200 BOLT-10 @ 2.40 due next friday", { locale: "en" });
    expect(replyText(en)).toMatch(/Requested delivery: Fri, 11 Dec 2026[\s\S]*1,200 pcs \| BOLT-10 Bolt M10 \| €2\.40/);
    const de = await onTuesday.say("order log acme 1.200 BOLT-10 @ 2,40 due Freitag", { locale: "de" });
    expect(replyText(de)).toMatch(/Wunschliefertermin: Fr\., 4\. Dez\. 2026[\s\S]*1\.200 pcs \| BOLT-10 Bolt M10 \| 2,40\s€/);
    expect(replyText(await onTuesday.say("milestone add P-9 x due friday", { locale: "en" }))).toMatch(/found no project/);
    await onTuesday.say("project add acme Rollout due 2026-12-18", { locale: "en" });
    expect(replyText(await onTuesday.say("milestone add P-1 Kickoff due friday", { locale: "de" }))).toMatch(/Fällig: Fr\., 4\. Dez\. 2026 · in 3 Tagen/);
    expect(replyText(await onTuesday.say("invoice add acme RE-1 1.234,50 issued 2026-11-30", { locale: "de" }))).toMatch(/Ausgestellt: Mo\., 30\. Nov\. 2026/);
    expect(replyText(await onTuesday.say("invoice paid RE-1 on today", { locale: "en" }))).toMatch(/paid on Tue, 1 Dec 2026/);
    const contract = await onTuesday.say("contract add acme Frame from 2027-01-01 to 2027-12-31 price BOLT-10=2,30 commit 5.000 BOLT-10 per quarter", { locale: "de" });
    expect(replyText(contract)).toMatch(/Beginn: Fr\., 1\. Jan\. 2027[\s\S]*Vereinbarte Preise: BOLT-10 2,30\s€[\s\S]*Abnahmemengen: 5\.000 pcs BOLT-10 pro Quartal/);
    expect(replyText(await onTuesday.say(`product add ROLL-1 "Tape" price 3.20 unit roll`, { locale: "en" }))).toMatch(/Unit: roll \(counted: whole quantities only\)/);
  });

  it("shows the order form's price example as the caller writes amounts", async () => {
    const { say } = await setup();
    const placeholder = async (locale: string) => {
      const reply = await say("order", { locale });
      const form = reply.blocks[0]!.kind === "form" ? reply.blocks[0]!.form : undefined;
      return form?.fields.find((f) => f.name === "price1")?.placeholder;
    };
    expect(await placeholder("en")).toBe("€1,234.50");
    expect(await placeholder("de")).toBe("1.234,50\u00a0€");
  });

  it("says a number over its maximum is too large, not too long", async () => {
    const { submit, account } = await setup();
    const values = { account: account.id, name: "Frame", startsOn: "2026-01-01", endsOn: "2026-12-31", noticeDays: "731" };
    const en = await submit("contract.add", values, { locale: "en" });
    expect(en.blocks[0]).toMatchObject({ kind: "form", form: { errors: { noticeDays: "The Notice (days) is too large (at most 730)." } } });
    const de = await submit("contract.add", values, { locale: "de" });
    expect(de.blocks[0]).toMatchObject({ kind: "form", form: { errors: { noticeDays: "Kündigungsfrist (Tage) ist zu groß (höchstens 730)." } } });
  });
});
