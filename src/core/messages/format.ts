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
    // Most catalog strings only use plain {{name}} placeholders: the template is looked up once
    // and filled in here. Plurals (a count) and nested lookups go to i18next.
    const t = ((key: string | string[], options?: Record<string, unknown>) => {
      if (typeof key !== "string") return base(key, options as never);
      if (options === undefined) return fixed(key);
      if ("count" in options || "defaultValue" in options) return base(key, options as never);
      const template = fixed(key);
      if (template.includes("$t(")) return base(key, options as never);
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
/** The Intl locale each of kam's languages is written in. */
export const INTL_LOCALE: Record<Locale, string> = { en: "en-GB", de: "de-DE" };

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

const WEEKDAY_NAMES = new Map<Locale, string[]>();

/** A weekday by its number (0 or 7 Sunday, 1 Monday …) in the reader's language: "Mon", "Mo". */
export function weekdayName(locale: Locale, day: number): string {
  let names = WEEKDAY_NAMES.get(locale);
  if (!names) {
    const format = new Intl.DateTimeFormat(INTL_LOCALE[locale], { weekday: "short", timeZone: "UTC" });
    // 4 January 1970 was a Sunday.
    names = Array.from({ length: 7 }, (_, d) => format.format(new Date(Date.UTC(1970, 0, 4 + d))).replace(/\.$/, ""));
    WEEKDAY_NAMES.set(locale, names);
  }
  return names[((day % 7) + 7) % 7]!;
}

/** Params that are reference numbers (O-12, K-3, M-4, C-5, P-2): written as they are, never grouped. */
const REFERENCE_PARAMS = new Set(["order", "contract", "milestone", "case", "projectNumber", "number"]);
/** Params holding an enum value, shown by their word in the reader's language. */
const WORD_PARAMS: Record<string, string> = { status: "core:status", priority: "core:priority" };
/** Days shown with their weekday (the notice deadline: the day to act by). */
const WEEKDAY_PARAMS = new Set(["deadlineOn"]);
/** Params that become a counted phrase ("12 days", "1 Tag") of their own. */
const PHRASE_PARAMS: Record<string, string> = { usual: "scheduler:unit.interval" };

/**
 * The param whose number chooses the message's plural form (i18next `_one`/`_other`), per message.
 * Rules store their values as data (src/domain/rules): which of them is counted is a matter of words.
 */
export const PLURAL_PARAM: Record<string, string> = {
  "rule.invoicePriceMismatch": "lines",
  "rule.invoicePriceCurrency": "lines",
  "rule.invoiceOverdue": "days",
  "rule.contractNoticeSoon": "days",
  "rule.contractExpiredOrders": "orders",
  "rule.contractMissing": "orders",
  "rule.orderLate": "days",
  "rule.orderReorder": "days",
  "rule.caseSla": "hours",
  "rule.enablementDue": "days",
  "reminder.milestoneDueIn": "days",
  "reminder.milestoneOverdue": "days",
};

/**
 * Formats a finding's params for its message, in the reader's locale: "xMinor" (money, in
 * params.currency) becomes "x"; "xOn" (an ISO day) a localized day; "dueAt" (an instant) a
 * localized time; status and priority their words; other numbers (but references) the locale's
 * digits ("218,248" in German is 218 and a quarter); "percent" a percentage.
 */
export function formatParams(params: Record<string, string | number>, f: Formats, t?: Translate): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  const currency = typeof params.currency === "string" ? params.currency : undefined;
  for (const [key, value] of Object.entries(params)) {
    if (key.endsWith("Minor") && currency && typeof value === "number") out[key.slice(0, -5)] = f.money(value, currency);
    else if (key.endsWith("On") && typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
      const day = new Date(`${value}T00:00:00Z`);
      out[key] = WEEKDAY_PARAMS.has(key) ? weekdayDay(f.locale, day) : f.day(day);
    } else if (key === "dueAt" && typeof value === "string" && !Number.isNaN(Date.parse(value))) out[key] = f.dateTime(new Date(value));
    else if (t && WORD_PARAMS[key] && typeof value === "string") out[key] = t(`${WORD_PARAMS[key]}.${value}`, { defaultValue: value.toLowerCase() }) as string;
    else if (t && PHRASE_PARAMS[key] && typeof value === "number") out[key] = t(PHRASE_PARAMS[key]!, { count: value, n: f.number(value) }) as string;
    else if (key === "percent" && typeof value === "number") out[key] = percent(f.locale, value);
    else if (typeof value === "number" && !REFERENCE_PARAMS.has(key)) out[key] = f.number(value);
    else out[key] = value;
  }
  return out;
}

const PERCENTS = new Map<Locale, Intl.NumberFormat>();

/** 55 → "55%" (English), "55 %" (German). */
export function percent(locale: Locale, value: number): string {
  let format = PERCENTS.get(locale);
  if (!format) PERCENTS.set(locale, (format = new Intl.NumberFormat(INTL_LOCALE[locale], { style: "percent", maximumFractionDigits: 0 })));
  return format.format(value / 100);
}

/** The localized text of a finding (message key in the "scheduler" namespace). */
export function findingText(ctx: MessageContext, message: string, params: Record<string, string | number>): string {
  const values: Record<string, unknown> = formatParams(params, ctx.f, ctx.t);
  const counted = PLURAL_PARAM[message];
  if (counted && typeof params[counted] === "number") values.count = params[counted];
  return ctx.t(`scheduler:${message}`, values) as string;
}

/** How a finding of a severity is shown. */
export function severityTone(severity: Severity): Tone {
  return severity === "CRITICAL" ? "error" : severity === "WARNING" ? "warning" : "normal";
}

/** A check's name in words ("contract.notice" → "Notice deadline"). */
export function ruleName(ctx: { t: Translate }, rule: string): string {
  return ctx.t(`scheduler:ruleName.${rule.replace(/[.-](\w)/g, (_, c: string) => c.toUpperCase())}`, { defaultValue: rule }) as string;
}
