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
