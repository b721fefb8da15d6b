import type { CommandContext } from "../context.ts";
import { minorPerMajor } from "../i18n/index.ts";
import { parseAmount, parseQuantity, toMinor } from "../grammar/amounts.ts";
import { parseDay } from "../grammar/dates.ts";
import { parseDuration } from "../grammar/durations.ts";
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

export function optionalDay(tokens: Token[] | undefined, ctx: CommandContext, field?: string): string | undefined {
  return tokens === undefined ? undefined : day(tokens, ctx, "date", field);
}

export function money(text: string, ctx: CommandContext, currencyHint: string | undefined, field?: string) {
  if (!text) throw new UsageError("usage.missing", { what: "amount" }, field);
  const parsed = parseAmount(text);
  if (!parsed) throw new UsageError("usage.badAmount", { text }, field);
  const currency = parsed.currency ?? currencyHint ?? ctx.organization.currency;
  const minor = toMinor(parsed.major, minorPerMajor(currency));
  if (minor === null) throw new UsageError("usage.badAmount", { text }, field);
  return { minor, ...(parsed.currency ? { currency: parsed.currency } : {}) };
}

export function quantity(text: string | undefined, field?: string): number {
  if (!text) throw new UsageError("usage.missing", { what: "quantity" }, field);
  const q = parseQuantity(text);
  if (q === null || q <= 0) throw new UsageError("usage.badQuantity", { text }, field);
  return q;
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
