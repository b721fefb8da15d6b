import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import i18next, { type TFunction } from "i18next";

export const LOCALES = ["en", "de"] as const;
export type Locale = (typeof LOCALES)[number];

const LOCALES_DIR = fileURLToPath(new URL("./locales", import.meta.url));

/**
 * Catalogs are JSON files, one namespace a file: locales/<language>/<namespace>.json
 * (core, slack, teams, scheduler, …). Keys are looked up as "namespace:key"; "core" is the default.
 * A feature's own file (trainings.json) holds the same groups as core (usage, field, history, …):
 * a key core does not have is looked up there, so a feature adds its words without touching core.
 */
export function loadCatalogs(): Record<Locale, Record<string, Record<string, unknown>>> {
  const catalogs = {} as Record<Locale, Record<string, Record<string, unknown>>>;
  for (const locale of LOCALES) {
    catalogs[locale] = {};
    for (const file of readdirSync(join(LOCALES_DIR, locale)).filter((f) => f.endsWith(".json"))) {
      catalogs[locale][file.replace(/\.json$/, "")] = JSON.parse(readFileSync(join(LOCALES_DIR, locale, file), "utf8"));
    }
  }
  return catalogs;
}

const catalogs = loadCatalogs();
const PLATFORM_NAMESPACES = ["core", "slack", "teams", "scheduler"];
const instance = i18next.createInstance();
await instance.init({
  resources: catalogs,
  fallbackLng: "en",
  supportedLngs: [...LOCALES],
  ns: Object.keys(catalogs.en),
  defaultNS: "core",
  fallbackNS: Object.keys(catalogs.en).filter((ns) => !PLATFORM_NAMESPACES.includes(ns)).sort(),
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});

/** "de-DE", "de", "DE" → "de"; anything unsupported → undefined. */
export function toLocale(value: string | null | undefined): Locale | undefined {
  const base = value?.toLowerCase().split(/[-_]/)[0];
  return LOCALES.find((l) => l === base);
}

export type Translate = TFunction;

const translators = new Map<Locale, Translate>();
const MEMO_LIMIT = 10_000;

/**
 * The translator of a locale (one per locale, made once). i18next takes 10–20 µs a lookup, and a
 * reply such as help makes a dozen: a lookup without options (titles, labels, help lines) always
 * gives the same string, since the catalogs are loaded once at start, so its result is memoized.
 * Lookups with options (interpolation, plurals, defaults) and key lists go to i18next each time.
 */
export function translator(locale: Locale): Translate {
  let t = translators.get(locale);
  if (!t) {
    const base = instance.getFixedT(locale);
    const call = base as unknown as (...args: unknown[]) => unknown;
    const memo = new Map<string, string>();
    const lookup = (key: unknown, ...rest: unknown[]): unknown => {
      if (typeof key !== "string" || rest.length > 1 || rest[0] !== undefined) return call(key, ...rest);
      let text = memo.get(key);
      if (text === undefined) {
        const value = call(key);
        if (typeof value !== "string") return value;
        if (memo.size >= MEMO_LIMIT) memo.clear();
        memo.set(key, (text = value));
      }
      return text;
    };
    t = lookup as unknown as Translate;
    translators.set(locale, t);
  }
  return t;
}

/** Number, money and date formatting with Intl in the caller's locale and time zone. */
export interface Formats {
  locale: Locale;
  timeZone: string;
  money(minor: number | bigint, currency: string): string;
  number(value: number): string;
  /** A calendar day (stored as UTC midnight). */
  day(date: Date): string;
  /** The calendar day of an instant in the caller's time zone (the day an account was archived). */
  dayOf(instant: Date): string;
  /** An instant, shown in the caller's time zone. */
  dateTime(date: Date): string;
}

const INTL_LOCALE: Record<Locale, string> = { en: "en-GB", de: "de-DE" };

export function formats(locale: Locale, timeZone: string): Formats {
  const intl = INTL_LOCALE[locale];
  const digitsCache = new Map<string, number>();
  const fractionDigits = (currency: string) => {
    let d = digitsCache.get(currency);
    if (d === undefined) {
      d = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
      digitsCache.set(currency, d);
    }
    return d;
  };
  return {
    locale,
    timeZone,
    money: (minor, currency) =>
      new Intl.NumberFormat(intl, { style: "currency", currency }).format(Number(minor) / 10 ** fractionDigits(currency)),
    number: (value) => new Intl.NumberFormat(intl, { maximumFractionDigits: 3 }).format(value),
    day: (date) => new Intl.DateTimeFormat(intl, { dateStyle: "medium", timeZone: "UTC" }).format(date),
    dayOf: (instant) => new Intl.DateTimeFormat(intl, { dateStyle: "medium", timeZone }).format(instant),
    dateTime: (date) => new Intl.DateTimeFormat(intl, { dateStyle: "medium", timeStyle: "short", timeZone }).format(date),
  };
}

