import type { Locale } from "../i18n/index.ts";
import { INTL_LOCALE } from "./format.ts";

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * When a training starts, with its weekday, in the reader's time zone: "Fri, 11 Dec 2026, 10:00",
 * "Fr., 11. Dez. 2026, 10:00".
 */
export function trainingWhen(locale: Locale, timeZone: string, at: Date): string {
  const key = `${locale}|${timeZone}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(INTL_LOCALE[locale], { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone });
    formats.set(key, format);
  }
  return format.format(at);
}

/** Where a training takes place: online, a place, or nothing said. */
export function trainingPlace(t: (key: string) => string, training: { online: boolean; place: string | null }): string | null {
  if (training.online) return t("trainings:training.online");
  return training.place;
}
