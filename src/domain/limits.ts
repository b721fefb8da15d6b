import { z } from "zod";
import { InvalidInputError } from "./errors.ts";

/** Bounds on free text, shared by every service so that oversized input is refused, not truncated. */
export const name = z.string().trim().min(1).max(120);
export const shortText = z.string().trim().min(1).max(200);
export const longText = z.string().trim().max(2000);
export const reference = z.string().trim().min(1).max(120);
/** An ISO 4217 code the runtime knows (its decimals decide minor units): `XYZ` or a typo is refused. */
const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));
export const currency = z.string().regex(/^[A-Z]{3}$/).refine((code) => CURRENCIES.has(code), "not a currency");
/** Money in minor units (cents); up to 10^13 minor units, far above any single invoice. */
export const MAX_MINOR = 10_000_000_000_000;
export const minorAmount = z.number().int().min(0).max(MAX_MINOR);

/** An order's total, quantities times prices, within what kam holds (each is within its own limit, their product need not be). */
export function requireTotal(total: bigint, field: string): bigint {
  if (total > BigInt(MAX_MINOR)) throw new InvalidInputError(field, "error.totalTooLarge", {});
  return total;
}
/**
 * Years kam takes (PostgreSQL has no year 0, and JavaScript reads years 0–99 as 1900–1999): a
 * business record of 1899 or 10000 is a typing error.
 */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 9999;
const inYears = (text: string) => Number(text.slice(0, 4)) >= MIN_YEAR && Number(text.slice(0, 4)) <= MAX_YEAR;

/** A calendar day as YYYY-MM-DD, read in the organization's time zone by the caller. */
export const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((d) => {
    const date = new Date(`${d}T00:00:00Z`);
    return inYears(d) && !Number.isNaN(date.getTime()) && date.toISOString().startsWith(d);
  }, "not a calendar day");

/**
 * The latest instant kam takes: a month before year 10000 ends the day range, so that what follows
 * from one (a case's SLA, a moment in a zone west of UTC) stays in the range too.
 */
export const MAX_INSTANT = Date.UTC(MAX_YEAR, 11, 1);
const beforeMax = (text: string) => {
  const at = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`);
  return Number.isNaN(at) || at < MAX_INSTANT;
};

/** A date-time as ISO text (with or without an offset), in the years kam takes. */
export const isoInstant = z.iso.datetime({ offset: true, local: true }).refine(inYears, "not a calendar day").refine(beforeMax, "too late");
/** The largest quantity of one order line or commitment, and how many decimals it may have. */
export const MAX_QUANTITY = 1_000_000_000;
export const QUANTITY_DECIMALS = 3;
export const quantity = z
  .number()
  .positive()
  .max(MAX_QUANTITY)
  .refine((q) => Math.abs(q * 10 ** QUANTITY_DECIMALS - Math.round(q * 10 ** QUANTITY_DECIMALS)) < 1e-6, "at most three decimals");

export function dayToDate(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

export function dateToDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
