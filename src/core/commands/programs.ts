import { z } from "zod";
import { addProgram, addProgramInput, endProgram, endProgramInput, listPrograms, programStatus, showProgram } from "../../domain/programs.ts";
import { change, type Figures, type ProgramUplift } from "../../domain/program-uplift.ts";
import * as limits from "../../domain/limits.ts";
import { clauses, joinTokens, type Token } from "../grammar/tokens.ts";
import type { Block, Button, Form } from "../reply.ts";
import { fields, heading, list, reply, table, text } from "../replies.ts";
import type { CommandContext } from "../context.ts";
import { percent, weekdayDay } from "../messages/format.ts";
import { accountAndText, day, money, optionalAccount, rejectExtra } from "./args.ts";
import { defineCommand, UsageError, type FormValues } from "./command.ts";
import { takeVersion } from "./corrections.ts";
import { accountOptions, value } from "./form-helpers.ts";

/** Clause words of `program add`, English and German. */
const FROM = ["from", "von", "ab"];
const TO = ["to", "bis"];
const PRODUCTS = ["products", "product", "produkte", "produkt"];
const BUDGET = ["budget"];

function clause(parts: Map<string, Token[]>, words: string[]): Token[] | undefined {
  for (const w of words) if (parts.has(w)) return parts.get(w);
  return undefined;
}

/** "BOLT-10 NUT-10", "BOLT-10, NUT-10" */
function skus(tokens: Token[]): string[] {
  return tokens.flatMap((t) => (t.quoted ? [t.text] : t.text.split(","))).map((s) => s.trim()).filter(Boolean);
}

interface ProgramLike {
  number: number;
  name: string;
  fromDay: Date;
  toDay: Date;
  endedAt: Date | null;
  budgetMinor: bigint | null;
  currency: string;
  externalRef: string | null;
  account: { name: string };
  products: { product: { sku: string } }[];
}

const ref = (p: { number: number }) => `MP-${p.number}`;

function productsText(ctx: CommandContext, p: ProgramLike): string {
  return p.products.length ? p.products.map((x) => x.product.sku).join(", ") : ctx.t("program.allProducts");
}

function budgetText(ctx: CommandContext, p: ProgramLike): string {
  return p.budgetMinor === null ? "–" : ctx.fmt.money(p.budgetMinor, p.currency);
}

function programFields(ctx: CommandContext, p: ProgramLike, today: string): Block {
  return fields([
    p.externalRef && { label: ctx.t("field.externalRef"), value: p.externalRef },
    { label: ctx.t("field.status"), value: ctx.t(`program.status.${programStatus(p, today)}`) },
    { label: ctx.t("field.fromDay"), value: weekdayDay(ctx.locale, p.fromDay) },
    { label: ctx.t("field.toDay"), value: weekdayDay(ctx.locale, p.toDay) },
    { label: ctx.t("field.products"), value: productsText(ctx, p) },
    { label: ctx.t("field.budget"), value: budgetText(ctx, p) },
    p.endedAt && { label: ctx.t("field.endedAt"), value: ctx.fmt.dateTime(p.endedAt) },
  ]);
}

/** `account show`'s list of the account's running programs. */
export function runningProgramBlocks(ctx: CommandContext, programs: ProgramLike[]): Block[] {
  if (programs.length === 0) return [];
  return [
    text(ctx.t("program.runningTitle", { count: programs.length }), "muted"),
    list(programs.map((p) => ctx.t("program.runningLine", { ref: ref(p), name: p.name, to: ctx.fmt.day(p.toDay), products: productsText(ctx, p) }))),
  ];
}

function programForm(ctx: CommandContext, accounts: { value: string; label: string }[], values: FormValues = {}): Form {
  return {
    id: "program.add",
    title: ctx.t("form.programTitle"),
    submitLabel: ctx.t("form.submitProgram"),
    errors: {},
    fields: [
      { name: "account", label: ctx.t("field.account"), type: "select", required: true, options: accounts, ...value(values, "account", ctx.boundAccount?.id) },
      { name: "name", label: ctx.t("field.name"), type: "text", required: true, ...value(values, "name") },
      { name: "fromDay", label: ctx.t("field.fromDay"), type: "date", required: true, ...value(values, "fromDay") },
      { name: "toDay", label: ctx.t("field.toDay"), type: "date", required: true, ...value(values, "toDay") },
      { name: "products", label: ctx.t("field.products"), type: "text", required: false, hint: ctx.t("form.programProductsHint"), ...value(values, "products") },
      { name: "budget", label: ctx.t("field.budget"), type: "text", required: false, ...value(values, "budget") },
    ],
  };
}

export const programAdd = defineCommand({
  name: "program.add",
  words: ["program", "add"],
  topic: "programs",
  writes: true,
  schema: addProgramInput,
  parse(args, ctx) {
    const { head, parts } = clauses(args, [...FROM, ...TO, ...PRODUCTS, ...BUDGET]);
    const { account, text: name } = accountAndText(head, ctx, "name");
    const from = clause(parts, FROM);
    const to = clause(parts, TO);
    if (!from) throw new UsageError("usage.missing", { what: "fromDay" });
    if (!to) throw new UsageError("usage.missing", { what: "toDay" });
    const products = clause(parts, PRODUCTS);
    if (products && skus(products).length === 0) throw new UsageError("usage.missing", { what: "products" });
    const budget = clause(parts, BUDGET);
    return {
      account,
      name,
      fromDay: day(from, ctx, "fromDay"),
      toDay: day(to, ctx, "toDay"),
      ...(products ? { products: skus(products) } : {}),
      ...(budget ? { budget: money(joinTokens(budget), ctx, undefined) } : {}),
    };
  },
  async form(ctx, values) {
    return programForm(ctx, await accountOptions(ctx), values);
  },
  fromForm(values, ctx) {
    const s = (k: string) => String(values[k] ?? "").trim();
    if (!s("account")) throw new UsageError("usage.missing", { what: "account" }, "account");
    if (!s("name")) throw new UsageError("usage.missing", { what: "name" }, "name");
    const words = (k: string) => [{ text: s(k), quoted: false }];
    return {
      account: s("account"),
      name: s("name"),
      fromDay: day(words("fromDay"), ctx, "fromDay", "fromDay"),
      toDay: day(words("toDay"), ctx, "toDay", "toDay"),
      ...(s("products") ? { products: s("products").split(/[\s,]+/).filter(Boolean) } : {}),
      ...(s("budget") ? { budget: money(s("budget"), ctx, undefined, "budget") } : {}),
    };
  },
  formField(path) {
    return path.split(".")[0];
  },
  async run(ctx, input) {
    const p = await addProgram(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("program.added", {
      ref: ref(p), name: p.name, account: p.account.name,
      from: weekdayDay(ctx.locale, p.fromDay), to: weekdayDay(ctx.locale, p.toDay),
    });
    return reply(summary, [text(summary, "success"), programFields(ctx, p, ctx.today)]);
  },
});

export const programList = defineCommand({
  name: "program.list",
  words: ["program", "list"],
  topic: "programs",
  writes: false,
  schema: z.object({ account: limits.reference.optional() }),
  parse: optionalAccount,
  async run(ctx, input) {
    const { account, programs } = await listPrograms(ctx.deps.db, ctx.actor, input);
    const title = account
      ? ctx.t("program.listTitle", { account: account.name, count: programs.length })
      : ctx.t("program.listAllTitle", { count: programs.length });
    if (programs.length === 0) return reply(title, [heading(title), text(ctx.t("program.none"), "muted")]);
    return reply(title, [
      heading(title),
      table(
        [ctx.t("field.program"), ...(account ? [] : [ctx.t("field.account")]), ctx.t("field.fromDay"), ctx.t("field.toDay"), ctx.t("field.products"), ctx.t("field.budget"), ctx.t("field.status")],
        programs.map((p) => [
          `${ref(p)}${p.externalRef ? ` · ${p.externalRef}` : ""} ${p.name}`,
          ...(account ? [] : [p.account.name]),
          ctx.fmt.day(p.fromDay),
          ctx.fmt.day(p.toDay),
          productsText(ctx, p),
          budgetText(ctx, p),
          ctx.t(`program.status.${programStatus(p, ctx.today)}`),
        ]),
      ),
    ]);
  },
});

const signed = (n: number, shown: string) => (n > 0 ? `+${shown}` : shown);

function quantityChange(ctx: CommandContext, before: number, during: number): string {
  const c = change(before, during);
  return signed(c.delta, ctx.fmt.number(c.delta));
}

function valueChange(ctx: CommandContext, before: number, during: number, currency: string): string {
  const c = change(before, during);
  return signed(c.delta, ctx.fmt.money(c.delta, currency));
}

function percentChange(ctx: CommandContext, before: number, during: number): string {
  const c = change(before, during);
  return c.percent === null ? ctx.t("program.noBaselineShort") : signed(c.percent, percent(ctx.locale, c.percent));
}

/** The uplift as blocks: the days compared, a row per product and the total, and the figure in words. */
export function upliftBlocks(ctx: CommandContext, u: ProgramUplift): Block[] {
  const day = (d: string) => ctx.fmt.day(limits.dayToDate(d));
  if (!u.started) return [text(ctx.t("program.notStartedYet", { date: weekdayDay(ctx.locale, limits.dayToDate(u.during.from)) }), "muted")];
  const row = (label: string, before: Figures, during: Figures) => [
    label,
    ctx.fmt.number(before.quantity),
    ctx.fmt.number(during.quantity),
    `${quantityChange(ctx, before.quantity, during.quantity)} (${percentChange(ctx, before.quantity, during.quantity)})`,
    ctx.fmt.money(before.valueMinor, u.currency),
    ctx.fmt.money(during.valueMinor, u.currency),
    `${valueChange(ctx, before.valueMinor, during.valueMinor, u.currency)} (${percentChange(ctx, before.valueMinor, during.valueMinor)})`,
  ];
  const { before, during } = u.total;
  const summary = before.quantity === 0 && before.valueMinor === 0
    ? ctx.t("program.noBaseline", { count: u.days, quantity: ctx.fmt.number(during.quantity), value: ctx.fmt.money(during.valueMinor, u.currency) })
    : ctx.t("program.uplift", {
        quantity: quantityChange(ctx, before.quantity, during.quantity),
        quantityPercent: percentChange(ctx, before.quantity, during.quantity),
        value: valueChange(ctx, before.valueMinor, during.valueMinor, u.currency),
        valuePercent: percentChange(ctx, before.valueMinor, during.valueMinor),
      });
  return [
    text(ctx.t("program.compared", { count: u.days, from: day(u.during.from), to: day(u.during.to), beforeFrom: day(u.before.from), beforeTo: day(u.before.to) }), "muted"),
    table(
      [ctx.t("field.product"), ctx.t("program.qtyBefore"), ctx.t("program.qtyDuring"), ctx.t("program.qtyChange"), ctx.t("program.valueBefore"), ctx.t("program.valueDuring"), ctx.t("program.valueChange")],
      [...u.products.map((p) => row(p.sku, p.before, p.during)), ...(u.products.length > 1 ? [row(ctx.t("program.total"), before, during)] : [])],
    ),
    text(summary, before.quantity === 0 ? "warning" : "normal"),
    ...(u.otherCurrencyLines > 0 ? [text(ctx.t("program.otherCurrency", { count: u.otherCurrencyLines, currency: u.currency }), "muted")] : []),
  ];
}

function endButton(ctx: CommandContext, p: { number: number; version: number }): Button {
  return { label: ctx.t("button.endProgram"), command: `program end ${ref(p)} version ${p.version}` };
}

function refArg(args: Token[]): string {
  if (args.length === 0) throw new UsageError("usage.missing", { what: "program" });
  rejectExtra(args.slice(1));
  return args[0]!.text;
}

export const programShow = defineCommand({
  name: "program.show",
  words: ["program", "show"],
  topic: "programs",
  writes: false,
  schema: z.object({ program: limits.reference, today: limits.isoDay }),
  parse(args, ctx) {
    return { program: refArg(args), today: ctx.today };
  },
  async run(ctx, input) {
    const p = await showProgram(ctx.deps.db, ctx.actor, input);
    const title = ctx.t("program.title", { ref: ref(p), name: p.name, account: p.account.name });
    return reply(
      title,
      [heading(title), programFields(ctx, p, p.today), ...upliftBlocks(ctx, p.uplift)],
      p.status === "running" ? [endButton(ctx, p)] : [],
    );
  },
});

export const programEnd = defineCommand({
  name: "program.end",
  words: ["program", "end"],
  topic: "programs",
  writes: true,
  schema: endProgramInput,
  parse(all, ctx) {
    const { tokens, expectedVersion } = takeVersion(all);
    return { program: refArg(tokens), today: ctx.today, ...(expectedVersion ? { expectedVersion } : {}) };
  },
  async run(ctx, input) {
    const p = await endProgram(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("program.ended", { ref: ref(p), name: p.name, account: p.account.name, date: weekdayDay(ctx.locale, p.toDay) });
    return reply(summary, [text(summary, "success"), programFields(ctx, p, ctx.today), text(ctx.t("program.endedHint", { ref: ref(p) }), "muted")]);
  },
});
