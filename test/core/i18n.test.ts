import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formats, loadCatalogs, toLocale } from "../../src/core/i18n/index.ts";

function keys(value: unknown, prefix = ""): string[] {
  if (value === null || typeof value !== "object") return [prefix];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe("i18n", () => {
  const catalogs = loadCatalogs();

  it("has the same namespaces and keys in English and German", () => {
    expect(Object.keys(catalogs.de).sort()).toEqual(Object.keys(catalogs.en).sort());
    for (const ns of Object.keys(catalogs.en)) {
      const en = keys(catalogs.en[ns]).sort();
      const de = keys(catalogs.de[ns]).sort();
      expect({ ns, missingInGerman: en.filter((k) => !de.includes(k)) }).toEqual({ ns, missingInGerman: [] });
      expect({ ns, missingInEnglish: de.filter((k) => !en.includes(k)) }).toEqual({ ns, missingInEnglish: [] });
    }
  });

  it("uses the same placeholders in both languages", () => {
    const placeholders = (s: unknown) => (typeof s === "string" ? [...s.matchAll(/{{\s*(\w+)/g)].map((m) => m[1]).sort() : []);
    for (const ns of Object.keys(catalogs.en)) {
      for (const key of keys(catalogs.en[ns])) {
        const get = (c: unknown) => key.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], c);
        expect({ ns, key, p: placeholders(get(catalogs.de[ns])) }).toEqual({ ns, key, p: placeholders(get(catalogs.en[ns])) });
      }
    }
  });

  it("names every action the audit log records, for history and undo", () => {
    // The actions are the literals the domain passes to audit()/auditChange(), or names in a const.
    const source = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? source(join(dir, e.name)) : e.name.endsWith(".ts") ? [readFileSync(join(dir, e.name), "utf8")] : []));
    const actions = new Set<string>();
    for (const text of source("src/domain")) {
      for (const m of text.matchAll(/audit(?:Change)?\(\s*\w+,\s*[^,]+,\s*"([a-z]+\.[a-zA-Z]+)"/g)) actions.add(m[1]!);
      for (const m of text.matchAll(/_ACTION = "([a-z]+\.[a-zA-Z]+)"/g)) actions.add(m[1]!);
    }
    expect(actions.size).toBeGreaterThan(40);
    expect(actions).toContain("invoice.import");
    const label = (lang: "en" | "de", action: string) =>
      Object.values(catalogs[lang]).some((ns) => typeof (ns as { history?: { action?: Record<string, unknown> } }).history?.action?.[action] === "string");
    expect([...actions].filter((a) => !label("en", a) || !label("de", a))).toEqual([]);
  });

  it("maps platform locales and formats money, numbers and days with Intl", () => {
    expect(toLocale("de-DE")).toBe("de");
    expect(toLocale("en_US")).toBe("en");
    expect(toLocale("fr-FR")).toBeUndefined();
    const de = formats("de", "Europe/Berlin");
    const en = formats("en", "Europe/London");
    expect(de.money(123450, "EUR")).toBe("1.234,50\u00a0€");
    expect(en.money(123450, "EUR")).toBe("€1,234.50");
    expect(en.money(500, "JPY")).toBe("JP¥500");
    expect(de.number(2.5)).toBe("2,5");
    expect(de.day(new Date("2026-12-31T00:00:00Z"))).toBe("31.12.2026");
    expect(en.day(new Date("2026-12-31T00:00:00Z"))).toBe("31 Dec 2026");
  });
});
