import { formats, translator, type Formats, type Locale, type Translate } from "../i18n/index.ts";

/** Translator and formats of one message, in the recipient's locale and time zone. */
export interface MessageContext {
  t: Translate;
  f: Formats;
}

export function messageContext(locale: Locale, timeZone: string): MessageContext {
  return { t: translator(locale), f: formats(locale, timeZone) };
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
