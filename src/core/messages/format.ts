import type { Severity } from "../../generated/prisma/enums.ts";
import { formats, translator, type Formats, type Locale, type Translate } from "../i18n/index.ts";
import type { Tone } from "../reply.ts";

/** Translator and formats of one message, in the recipient's locale and time zone. */
export interface MessageContext {
  t: Translate;
  f: Formats;
}

const contexts = new Map<string, MessageContext>();
const MEMO_LIMIT = 20_000;

function memo<A extends unknown[], R>(fn: (...args: A) => R, key: (...args: A) => string): (...args: A) => R {
  const cache = new Map<string, R>();
  return (...args: A) => {
    const k = key(...args);
    let value = cache.get(k);
    if (value === undefined) {
      if (cache.size >= MEMO_LIMIT) cache.clear();
      value = fn(...args);
      cache.set(k, value);
    }
    return value;
  };
}

/**
 * One shared context per locale and zone. A sweep renders thousands of items, and Intl formatters
 * and i18next lookups cost tens of microseconds each: fixed texts, days and amounts are memoized.
 */
export function messageContext(locale: Locale, timeZone: string): MessageContext {
  const id = `${locale}|${timeZone}`;
  let ctx = contexts.get(id);
  if (!ctx) {
    const base = translator(locale);
    const f = formats(locale, timeZone);
    const fixed = memo((key: string) => base(key) as string, (key) => key);
    // Catalog strings only use plain {{name}} placeholders (no plurals, no nesting), so the
    // template is looked up once and filled in here.
    const t = ((key: string | string[], options?: Record<string, unknown>) => {
      if (typeof key !== "string") return base(key, options as never);
      const template = fixed(key);
      if (options === undefined) return template;
      return template.replace(/{{\s*(\w+)\s*}}/g, (whole, name: string) => (name in options ? String(options[name]) : whole));
    }) as unknown as Translate;
    ctx = {
      t,
      f: {
        ...f,
        money: memo(f.money, (minor, currency) => `${minor}|${currency}`),
        day: memo(f.day, (date) => String(date.getTime())),
      },
    };
    contexts.set(id, ctx);
  }
  return ctx;
}

const WEEKDAY_DAYS = new Map<Locale, Intl.DateTimeFormat>();
const INTL_LOCALE: Record<Locale, string> = { en: "en-GB", de: "de-DE" };

/**
 * A calendar day (stored as UTC midnight) with its weekday, as confirmations show what was
 * understood: "Fri, 4 Dec 2026", "Fr., 4. Dez. 2026".
 */
export function weekdayDay(locale: Locale, date: Date): string {
  let format = WEEKDAY_DAYS.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(INTL_LOCALE[locale], { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
    WEEKDAY_DAYS.set(locale, format);
  }
  return format.format(date);
}

/**
 * Formats a finding's params for its message: "xMinor" (money, in params.currency) becomes "x",
 * "xOn" (an ISO day) is shown as a localized day; everything else is passed as is.
 */
export function formatParams(params: Record<string, string | number>, f: Formats): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  const currency = typeof params.currency === "string" ? params.currency : undefined;
  for (const [key, value] of Object.entries(params)) {
    if (key.endsWith("Minor") && currency && typeof value === "number") out[key.slice(0, -5)] = f.money(value, currency);
    else if (key.endsWith("On") && typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) out[key] = f.day(new Date(`${value}T00:00:00Z`));
    else out[key] = value;
  }
  return out;
}

/** The localized text of a finding (message key in the "scheduler" namespace). */
export function findingText(ctx: MessageContext, message: string, params: Record<string, string | number>): string {
  return ctx.t(`scheduler:${message}`, formatParams(params, ctx.f)) as string;
}

/** How a finding of a severity is shown. */
export function severityTone(severity: Severity): Tone {
  return severity === "CRITICAL" ? "error" : severity === "WARNING" ? "warning" : "normal";
}
