import type { CommandContext } from "../context.ts";
import { decimalToMinor, minorPerMajor } from "../../domain/amounts.ts";
import { parseAmount, parseQuantity } from "../grammar/amounts.ts";
import { parseDay } from "../grammar/dates.ts";
import { parseDuration } from "../grammar/durations.ts";
import { numberWord } from "../grammar/numbers.ts";
import { weekdayDay } from "../messages/format.ts";
import { dayToDate, MAX_INSTANT, MAX_MINOR, MAX_QUANTITY, QUANTITY_DECIMALS } from "../../domain/limits.ts";
import { parseInstant } from "../../domain/exchange/instants.ts";
import { isWord, joinTokens, type Token } from "../grammar/tokens.ts";
import { UsageError } from "./command.ts";

/** Readers for the argument kinds every command shares; each throws a UsageError naming what was wrong. */

export function day(tokens: Token[] | undefined, ctx: CommandContext, what = "date", field?: string): string {
  const text = tokens ? joinTokens(tokens) : "";
  if (!text) throw new UsageError("usage.missing", { what }, field);
  const parsed = parseDay(text, ctx.timeZone, ctx.now);
  if (!parsed) throw new UsageError("usage.badDate", { text }, field);
  return parsed;
}

/**
 * A day that must not be before the caller's today: a requested delivery or a due date in the past
 * is almost always a typo (a wrong year, "1.12." meant for next year). The domain services still
 * take past days, for imports of history.
 */
export function comingDay(tokens: Token[] | undefined, ctx: CommandContext, what = "date", field?: string): string {
  const parsed = day(tokens, ctx, what, field);
  if (parsed < ctx.today) {
    const [date, today] = [parsed, ctx.today].map((d) => weekdayDay(ctx.locale, dayToDate(d)));
    throw new UsageError("usage.pastDate", { text: joinTokens(tokens ?? []), date: date!, today: today! }, field);
  }
  return parsed;
}

/** A day that must not be after the caller's today: the day something already happened (an order). */
export function pastDay(tokens: Token[] | undefined, ctx: CommandContext, what = "date", field?: string): string {
  const parsed = day(tokens, ctx, what, field);
  if (parsed > ctx.today) {
    const [date, today] = [parsed, ctx.today].map((d) => weekdayDay(ctx.locale, dayToDate(d)));
    throw new UsageError("usage.futureDate", { text: joinTokens(tokens ?? []), date: date!, today: today! }, field);
  }
  return parsed;
}

/**
 * A moment that has already passed: a day (as `day` reads it) and an optional time `14:30` last,
 * read in the caller's time zone; a day alone is its start.
 */
export function pastMoment(tokens: Token[] | undefined, ctx: CommandContext, field?: string): Date {
  const all = tokens ?? [];
  const time = /^(\d{1,2})[:.](\d{2})$/.exec(all.at(-1)?.text ?? "");
  const dayTokens = time ? all.slice(0, -1) : all;
  const parsed = pastDay(dayTokens, ctx, "date", field);
  if (time && (Number(time[1]) > 23 || Number(time[2]) > 59)) throw new UsageError("usage.badDate", { text: joinTokens(all) }, field);
  const at = parseInstant(`${parsed}T${(time?.[1] ?? "0").padStart(2, "0")}:${time?.[2] ?? "00"}:00`, ctx.timeZone);
  if (at > ctx.now) {
    const [date, today] = [parsed, ctx.today].map((d) => weekdayDay(ctx.locale, dayToDate(d)));
    throw new UsageError("usage.futureDate", { text: joinTokens(all), date: date!, today: today! }, field);
  }
  return at;
}

/** "14:30", "14.30", "9:00", "14h", "2pm", "14 Uhr" at the end of a date-time → hours and minutes. */
function timeOfDay(tokens: Token[]): { hour: number; minute: number; used: number } | null {
  const last = tokens.at(-1)?.text.toLowerCase() ?? "";
  const uhr = last === "uhr" && tokens.length >= 2;
  const text = uhr ? `${tokens.at(-2)!.text}h` : last;
  const m = /^(\d{1,2})(?:[:.](\d{2}))?(am|pm|h)?$/i.exec(text);
  if (!m || (!m[2] && !m[3])) return null;
  let hour = Number(m[1]);
  const minute = Number(m[2] ?? 0);
  if (m[3] === "pm" && hour < 12) hour += 12;
  if (m[3] === "am" && hour === 12) hour = 0;
  if (hour > 23 || minute > 59 || (m[3] && /[ap]m/.test(m[3]) && Number(m[1]) > 12)) return { hour: -1, minute: -1, used: uhr ? 2 : 1 };
  return { hour, minute, used: uhr ? 2 : 1 };
}

export const DEFAULT_HOUR = 9;

/**
 * A moment still to come: a day (as `day` reads it) and a time last (`14:30`, `2pm`, `14 Uhr`),
 * read in the caller's time zone; a day alone is at 09:00. A moment already passed is refused.
 */
export function comingMoment(tokens: Token[] | undefined, ctx: CommandContext, what = "startsAt", field?: string): Date {
  const all = tokens ?? [];
  if (all.length === 0) throw new UsageError("usage.missing", { what }, field);
  const time = timeOfDay(all);
  if (time && time.hour < 0) throw new UsageError("usage.badTime", { text: joinTokens(all) }, field);
  let dayTokens = time ? all.slice(0, -time.used) : all;
  if (time && isWord(dayTokens.at(-1), "at", "um")) dayTokens = dayTokens.slice(0, -1);
  const parsed = dayTokens.length ? day(dayTokens, ctx, what, field) : ctx.today;
  const hh = String(time?.hour ?? DEFAULT_HOUR).padStart(2, "0");
  const mm = String(time?.minute ?? 0).padStart(2, "0");
  const at = parseInstant(`${parsed}T${hh}:${mm}:00`, ctx.timeZone);
  if (at.getTime() >= MAX_INSTANT) throw new UsageError("usage.tooFarAhead", { text: joinTokens(all) }, field);
  if (at <= ctx.now) {
    throw new UsageError("usage.pastMoment", { text: joinTokens(all), at: ctx.fmt.dateTime(at), now: ctx.fmt.dateTime(ctx.now) }, field);
  }
  return at;
}

export function optionalDay(tokens: Token[] | undefined, ctx: CommandContext, field?: string): string | undefined {
  return tokens === undefined ? undefined : day(tokens, ctx, "date", field);
}

export function money(text: string, ctx: CommandContext, currencyHint: string | undefined, field?: string) {
  if (!text) throw new UsageError("usage.missing", { what: "amount" }, field);
  const parsed = parseAmount(text, ctx.locale);
  if (!parsed) throw new UsageError("usage.badAmount", { text }, field);
  const currency = parsed.currency ?? currencyHint ?? ctx.organization.currency;
  const perMajor = minorPerMajor(currency);
  if ("ambiguous" in parsed) {
    const [first, second] = parsed.ambiguous.map((major) => decimalToMinor(major, perMajor));
    if (first == null || second == null) throw new UsageError("usage.badAmount", { text }, field);
    throw new UsageError("usage.ambiguousNumber", { text, first: ctx.fmt.money(first, currency), second: ctx.fmt.money(second, currency) }, field);
  }
  if (!parsed.currency) {
    // The record's currency decides its decimals (a yen or dinar account): the domain converts the
    // number as typed (see src/domain/amounts.ts); `minor` is the organization currency's reading.
    const minor = decimalToMinor(parsed.major, perMajor) ?? Math.round(Number(parsed.major) * perMajor);
    if (!Number.isSafeInteger(minor) || minor > MAX_MINOR) throw new UsageError("usage.amountTooLarge", { text, max: ctx.fmt.money(MAX_MINOR, currency) }, field);
    return { minor, typed: parsed.major, text: text.slice(0, 100) };
  }
  if (Number(parsed.major) * perMajor > MAX_MINOR) throw new UsageError("usage.amountTooLarge", { text, max: ctx.fmt.money(MAX_MINOR, currency) }, field);
  const minor = decimalToMinor(parsed.major, perMajor);
  if (minor === null) throw new UsageError("usage.amountDecimals", { text, currency, decimals: Math.round(Math.log10(perMajor)) }, field);
  if (minor > MAX_MINOR) throw new UsageError("usage.amountTooLarge", { text, max: ctx.fmt.money(MAX_MINOR, currency) }, field);
  return { minor, currency: parsed.currency };
}

/**
 * A quantity as the caller writes numbers. `machine` is for the platforms' number inputs, which
 * send a plain JavaScript number ("1.5", "1200") whatever the caller's language.
 */
export function quantity(text: string | undefined, ctx: CommandContext, field?: string, machine = false): number {
  if (!text) throw new UsageError("usage.missing", { what: "quantity" }, field);
  const word = numberWord(text);
  if (word !== undefined && word > 0) throw new UsageError("usage.numberWord", { text, digits: word }, field);
  const parsed = machine && /^\d+(\.\d+)?$/.test(text.trim()) ? { value: Number(text.trim()) } : parseQuantity(text, ctx.locale);
  if (parsed !== null && "ambiguous" in parsed) {
    throw new UsageError("usage.ambiguousNumber", { text, first: ctx.fmt.number(parsed.ambiguous[0]), second: ctx.fmt.number(parsed.ambiguous[1]) }, field);
  }
  if (parsed === null || parsed.value <= 0) throw new UsageError("usage.badQuantity", { text }, field);
  if (parsed.value > MAX_QUANTITY) throw new UsageError("usage.quantityTooLarge", { text, max: ctx.fmt.number(MAX_QUANTITY) }, field);
  const scaled = parsed.value * 10 ** QUANTITY_DECIMALS;
  if (Math.abs(scaled - Math.round(scaled)) > 1e-6) {
    throw new UsageError("usage.quantityDecimals", { text, decimals: QUANTITY_DECIMALS }, field);
  }
  return parsed.value;
}

export function duration(tokens: Token[], field?: string): number {
  const text = joinTokens(tokens);
  const ms = parseDuration(text);
  if (ms === null) throw new UsageError("usage.badDuration", { text }, field);
  return ms;
}

export function integer(text: string | undefined, what: string, min: number, max: number): number {
  if (!text || !/^\d{1,6}$/.test(text)) throw new UsageError("usage.badNumber", { what, text: text ?? "", min, max });
  const n = Number(text);
  if (n < min || n > max) throw new UsageError("usage.badNumber", { what, text, min, max });
  return n;
}

/** The account named first, or the channel's bound account when the command leaves it out. */
export function accountRef(tokens: Token[], ctx: CommandContext): string {
  if (tokens.length > 0) return joinTokens(tokens);
  if (ctx.boundAccount) return ctx.boundAccount.id;
  throw new UsageError("usage.missing", { what: "account" });
}

/** For lists of one account or all: the account named, else the channel's bound one, else none. */
export function optionalAccount(tokens: Token[], ctx: CommandContext): { account?: string } {
  const account = joinTokens(tokens) || ctx.boundAccount?.id;
  return account ? { account } : {};
}

/**
 * For commands shaped "[<account>] <rest…>": in a channel bound to an account the account may be
 * left out. `restFits` says whether the tokens could be the rest on their own.
 */
export function splitOptionalAccount(tokens: Token[], ctx: CommandContext, restFits: (rest: Token[]) => boolean) {
  if (ctx.boundAccount && restFits(tokens)) return { account: ctx.boundAccount.id, rest: tokens };
  if (tokens.length === 0) throw new UsageError("usage.missing", { what: "account" });
  return { account: tokens[0]!.text, rest: tokens.slice(1) };
}

/**
 * For commands shaped "[<account>] <text…>" (a name or subject): in a bound channel every word is
 * the text; elsewhere the first word (quoted, or a prefix) is the account.
 */
export function accountAndText(head: Token[], ctx: CommandContext, what: string): { account: string; text: string } {
  if (ctx.boundAccount) {
    const text = joinTokens(head);
    if (!text) throw new UsageError("usage.missing", { what });
    return { account: ctx.boundAccount.id, text };
  }
  if (head.length < 2) throw new UsageError("usage.missing", { what: head.length ? what : "account" });
  return { account: head[0]!.text, text: joinTokens(head.slice(1)) };
}

export function rejectExtra(tokens: Token[]): void {
  if (tokens.length > 0) throw new UsageError("usage.unexpected", { text: joinTokens(tokens) });
}

export function oneOf<T extends string>(token: Token | undefined, values: Record<string, T>, what: string): T {
  const hit = token && !token.quoted ? values[token.text.toLowerCase()] : undefined;
  if (!hit) throw new UsageError("usage.badChoice", { what, text: token?.text ?? "", choices: Object.keys(values).join(", ") });
  return hit;
}

export { isWord, joinTokens };
