import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadCatalogs, LOCALES } from "../../src/core/i18n/index.ts";
import { findingText, messageContext, PLURAL_PARAM, ruleName } from "../../src/core/messages/format.ts";
import { FLAG_RULES, REMINDER_RULES } from "../../src/domain/rules/index.ts";

/** Every string of a catalogue with its dotted key. */
function strings(value: unknown, prefix = ""): [string, string][] {
  if (typeof value === "string") return [[prefix, value]];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => strings(v, prefix ? `${prefix}.${k}` : k));
}

const catalogs = loadCatalogs();
const all = (locale: (typeof LOCALES)[number]): (readonly [string, string])[] => Object.entries(catalogs[locale]).flatMap(([ns, c]) => strings(c).map(([k, v]) => [`${ns}:${k}`, v] as const));
const PLURAL = /_(zero|one|two|few|many|other)$/;
const params = (s: string) => [...s.matchAll(/{{\s*(\w+)/g)].map((m) => m[1]!).sort();

/** The message keys the rules write into findings, read from their sources. */
const RULES_DIR = fileURLToPath(new URL("../../src/domain/rules", import.meta.url));
const messageKeys = [
  ...new Set(readdirSync(RULES_DIR).flatMap((f) => [...readFileSync(join(RULES_DIR, f), "utf8").matchAll(/"((?:rule|reminder)\.[a-zA-Z]+)"/g)].map((m) => m[1]!))),
];

describe("the catalogues' words", () => {
  it("write plurals as i18next forms, never with brackets", () => {
    const bracketed = LOCALES.flatMap((l) => all(l).filter(([, v]) => /\w\((s|en|e|n|er|r)\)|kein\(e\)|\w\/\w+e\b(?=.*Auftr)|Auftrag\/Aufträge/.test(v)).map(([k, v]) => `${l} ${k}: ${v}`));
    expect(bracketed).toEqual([]);
  });

  it("have every plural in both forms, in both languages, the singular using no value the plural lacks", () => {
    for (const locale of LOCALES) {
      const entries = new Map(all(locale));
      const bases = new Set([...entries.keys()].filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, "")));
      for (const base of bases) {
        const forms = ["one", "other"].map((f) => entries.get(`${base}_${f}`));
        expect({ locale, base, forms: forms.map((f) => f !== undefined) }).toEqual({ locale, base, forms: [true, true] });
        // The singular may leave a value out ("1 order on 3 Jan" needs no first day), never add one.
        expect({ locale, base, extra: params(forms[0]!).filter((p) => !params(forms[1]!).includes(p)) }).toEqual({ locale, base, extra: [] });
      }
    }
    // The same keys and params in English and German (plural forms included).
    const en = new Map(all("en"));
    const de = new Map(all("de"));
    expect([...de.keys()].sort()).toEqual([...en.keys()].sort());
    for (const [key, text] of en) expect({ key, params: params(de.get(key)!) }).toEqual({ key, params: params(text) });
  });

  it("address the reader as du in German and call an order Auftrag", () => {
    // "Schreiben Sie", "Bitten Sie", "Ihr Code": the formal address.
    const formal = all("de").filter(([, v]) => /\b[a-zäöüß]*en Sie\b|\b(Ihnen|Ihr|Ihre|Ihren|Ihrem)\b/i.test(v) && /[a-zäöü]en Sie\b|\bIhnen\b|\bIhr(e|en|em)?\b/.test(v));
    expect(formal).toEqual([]);
    expect(all("de").filter(([, v]) => /Bestellung(?!en)|Bestellungen/.test(v))).toEqual([]);
  });

  it("have every check's message, with both plural forms where a value is counted, and every check's name", () => {
    for (const locale of LOCALES) {
      const entries = new Map(all(locale));
      for (const key of messageKeys) {
        const counted = PLURAL_PARAM[key];
        const present = counted ? ["one", "other"].every((f) => entries.has(`scheduler:${key}_${f}`)) : entries.has(`scheduler:${key}`);
        expect({ locale, key, present }).toEqual({ locale, key, present: true });
      }
      const t = messageContext(locale, "UTC").t;
      for (const rule of [...FLAG_RULES, ...REMINDER_RULES]) expect({ locale, rule: rule.name, name: ruleName({ t }, rule.name) }).not.toMatchObject({ name: rule.name });
    }
  });

  it("write references, counts, amounts, percentages and days in the reader's form", () => {
    const en = messageContext("en", "Europe/Berlin");
    const de = messageContext("de", "Europe/Berlin");
    const commitment = { contract: 1, sku: "BOLT-10", ordered: 120000.5, target: 218248.25, committed: 400000, percent: 55, startOn: "2026-01-01", endOn: "2026-12-31" };
    expect(findingText(en, "rule.contractCommitment", commitment)).toBe(
      "Contract K-1: 120,000.5 BOLT-10 ordered of a pro-rata 218,248.25 (55%) for 1 Jan 2026 – 31 Dec 2026 (commitment 400,000).",
    );
    expect(findingText(de, "rule.contractCommitment", commitment)).toBe(
      "Vertrag K-1: 120.000,5 BOLT-10 beauftragt von anteilig 218.248,25 (55\u00a0%) für 01.01.2026 – 31.12.2026 (Zusage 400.000).",
    );
    const late = { order: 1018, requestedOn: "2026-11-20", days: 1, status: "CONFIRMED" };
    expect(findingText(en, "rule.orderLate", late)).toBe("Order O-1018 was requested for 20 Nov 2026 and is 1 day late (still confirmed).");
    expect(findingText(de, "rule.orderLate", { ...late, days: 3 })).toBe("Auftrag O-1018 war für den 20.11.2026 gewünscht und ist 3 Tage im Verzug (noch bestätigt).");
    const overdue = { invoice: "I-7 · RE-9002", days: 1234, dueOn: "2023-07-01", amountMinor: 123450, currency: "EUR" };
    expect(findingText(en, "rule.invoiceOverdue", overdue)).toBe("Invoice I-7 · RE-9002 (€1,234.50) is 1,234 days overdue (due 1 Jul 2023).");
    expect(findingText(de, "rule.invoiceOverdue", overdue)).toBe("Rechnung I-7 · RE-9002 (1.234,50\u00a0€) ist seit 1.234 Tagen überfällig (fällig am 01.07.2023).");
    const sla = { case: 5, subject: "Pallet", priority: "HIGH", hours: 1, dueAt: "2026-11-30T08:00:00.000Z" };
    expect(findingText(en, "rule.caseSla", sla)).toBe("Case C-5 “Pallet” (high priority) is 1 hour past its response deadline.");
    expect(findingText(de, "rule.caseSla", { ...sla, hours: 2 })).toBe("Fall C-5 „Pallet“ (Priorität hoch) ist 2 Stunden über seiner Antwortfrist.");
    const reorder = { sku: "LABEL-A6", product: "Labels", lastOn: "2026-10-01", days: 61, usual: 1 };
    expect(findingText(en, "rule.orderReorder", reorder)).toMatch(/61 days ago \(usually every 1 day\)\.$/);
    expect(findingText(de, "rule.orderReorder", { ...reorder, usual: 30 })).toMatch(/vor 61 Tagen \(sonst im Abstand von 30 Tagen\)\.$/);
  });

  it("say how many days are left to give notice, that today is the last day, or that it has passed", () => {
    const en = messageContext("en", "UTC");
    const de = messageContext("de", "UTC");
    const notice = { contract: 3, name: "Frame", deadlineOn: "2027-01-29", endsOn: "2027-04-30" };
    expect(findingText(en, "rule.contractNoticeSoon", { ...notice, days: 12 })).toBe("Contract K-3 “Frame”: give notice by Fri, 29 Jan 2027: 12 days left; it ends 30 Apr 2027.");
    expect(findingText(en, "rule.contractNoticeSoon", { ...notice, days: 1 })).toMatch(/: 1 day left;/);
    expect(findingText(de, "rule.contractNoticeSoon", { ...notice, days: 12 })).toBe("Vertrag K-3 „Frame“: kündigen bis Fr., 29. Jan. 2027: noch 12 Tage; er endet am 30.04.2027.");
    expect(findingText(en, "rule.contractNoticeLastDay", { ...notice, days: 0 })).toMatch(/today, Fri, 29 Jan 2027, is the last day to give notice/);
    expect(findingText(en, "rule.contractNoticeBegun", { ...notice, days: 0 })).toMatch(/the last day to give notice, Fri, 29 Jan 2027, has passed/);
    expect(findingText(de, "rule.contractNoticeBegun", { ...notice, days: 0 })).toMatch(/Der letzte Tag für die Kündigung, Fr\., 29\. Jan\. 2027, ist vorbei/);
  });
});
