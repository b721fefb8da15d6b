import { z } from "zod";
import { amendContract, amendContractInput, endContract, giveNotice, renewContract } from "../../domain/contract-changes.ts";
import { creditInvoice, creditInvoiceInput, editInvoice, editInvoiceInput, voidInvoice } from "../../domain/invoice-changes.ts";
import { invoiceRef } from "../../domain/invoices.ts";
import * as limits from "../../domain/limits.ts";
import { cancelOrder, editOrder, editOrderInput } from "../../domain/order-changes.ts";
import type { CommandContext } from "../context.ts";
import { clauses, isWord, joinTokens, type Token } from "../grammar/tokens.ts";
import { reply, table, text } from "../replies.ts";
import { comingDay, day, integer, money, oneOf, pastDay, quantity, rejectExtra } from "./args.ts";
import { defineCommand, UsageError } from "./command.ts";
import { contractRenewForm, contractRenewFromForm, invoiceEditForm, invoiceEditFromForm, orderEditForm, orderEditFromForm } from "./edit-forms.ts";
import type { Reply } from "../reply.ts";

function formReply(form: Awaited<ReturnType<typeof orderEditForm>>): Reply {
  return { ok: true, visibility: "caller", summary: form.title, blocks: [{ kind: "form", form }] };
}

/**
 * The commands that correct what was recorded: order edit/cancel, invoice edit/void/credit,
 * contract renew/amend/notice/end. Each one names the record first; a trailing `version <n>`
 * (put there by buttons and forms built on the record) makes kam refuse the change when the record
 * was changed since.
 */

export function takeVersion(tokens: Token[]): { tokens: Token[]; expectedVersion?: number } {
  const [word, n] = tokens.slice(-2);
  if (tokens.length >= 2 && isWord(word, "version") && n && !n.quoted && /^\d{1,9}$/.test(n.text)) {
    return { tokens: tokens.slice(0, -2), expectedVersion: Number(n.text) };
  }
  return { tokens };
}

function recordArg(tokens: Token[], what: string): string {
  const first = tokens[0];
  if (!first) throw new UsageError("usage.missing", { what });
  return first.text;
}

const NONE = ["none", "keine", "keiner", "-"];
const version = z.number().int().min(1).optional();

/** "line 2 qty 40 price 12,50" | "add 5 HELM-2 @ 12,50" | "remove line 3" (German: zeile, menge, preis, neu, entferne). */
function parseLineEdit(group: Token[], ctx: CommandContext) {
  const [first, ...rest] = group;
  if (isWord(first, "add", "neu", "hinzu")) {
    const at = rest.findIndex((t) => t.text === "@" && !t.quoted);
    const head = at >= 0 ? rest.slice(0, at) : rest;
    const product = joinTokens(head.slice(1));
    if (!product) throw new UsageError("usage.missing", { what: "product" });
    const price = at >= 0 ? money(joinTokens(rest.slice(at + 1)), ctx, undefined) : undefined;
    return { op: "add" as const, quantity: quantity(head[0]?.text, ctx), product, ...(price ? { unitPrice: price } : {}) };
  }
  if (isWord(first, "remove", "delete", "entferne", "lösche")) {
    const n = isWord(rest[0], "line", "zeile") ? rest[1] : rest[0];
    rejectExtra(rest.slice(isWord(rest[0], "line", "zeile") ? 2 : 1));
    return { op: "remove" as const, lineNo: integer(n?.text, "line", 1, 1000) };
  }
  if (isWord(first, "line", "zeile")) {
    const lineNo = integer(rest[0]?.text, "line", 1, 1000);
    const edit: { op: "set"; lineNo: number; quantity?: number; unitPrice?: { minor: number; currency?: string } } = { op: "set", lineNo };
    const words = rest.slice(1);
    for (let i = 0; i < words.length; i += 2) {
      const key = words[i];
      if (isWord(key, "qty", "quantity", "menge")) edit.quantity = quantity(words[i + 1]?.text, ctx);
      else if (isWord(key, "price", "preis", "@")) edit.unitPrice = money(words[i + 1]?.text ?? "", ctx, undefined);
      else throw new UsageError("usage.unexpected", { text: joinTokens(words.slice(i)) });
    }
    if (edit.quantity === undefined && edit.unitPrice === undefined) throw new UsageError("usage.missing", { what: "quantity" });
    return edit;
  }
  throw new UsageError("usage.unexpected", { text: joinTokens(group) });
}

function orderRef(o: { number: number }) {
  return `O-${o.number}`;
}

export const orderEdit = defineCommand({
  name: "order.edit",
  words: ["order", "edit"],
  topic: "orders",
  writes: true,
  schema: editOrderInput,
  parse(all, ctx) {
    const { tokens, expectedVersion } = takeVersion(all);
    const order = recordArg(tokens, "order");
    const { head, parts } = clauses(tokens.slice(1), ["due", "po"]);
    const groups: Token[][] = [[]];
    for (const t of head) {
      if (t.text === "," && !t.quoted) groups.push([]);
      else groups.at(-1)!.push(t);
    }
    const lines = groups.filter((g) => g.length > 0).map((g) => parseLineEdit(g, ctx));
    const due = parts.get("due");
    const po = parts.get("po");
    return {
      order,
      lines,
      ...(expectedVersion ? { expectedVersion } : {}),
      ...(due ? { requestedOn: due.length === 1 && isWord(due[0], ...NONE) ? null : comingDay(due, ctx) } : {}),
      ...(po ? { poRef: po.length === 1 && isWord(po[0], ...NONE) ? null : joinTokens(po) } : {}),
    };
  },
  form: orderEditForm,
  fromForm: orderEditFromForm,
  async run(ctx, input) {
    // `order edit O-12` alone (the Edit button) opens the form filled in with the order as it is now.
    if (input.lines.length === 0 && input.requestedOn === undefined && input.poRef === undefined) return formReply(await orderEditForm(ctx, { order: input.order }));
    const order = await editOrder(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("order.edited", { ref: orderRef(order), account: order.account.name, total: ctx.fmt.money(order.totalMinor, order.currency) });
    return reply(summary, [
      text(summary, "success"),
      table(
        ["#", ctx.t("field.quantity"), ctx.t("field.product"), ctx.t("field.unitPrice")],
        order.lines.map((l) => [String(l.lineNo), `${ctx.fmt.number(Number(l.quantity))} ${l.product.unit}`, `${l.product.sku} ${l.product.name}`, ctx.fmt.money(l.unitPriceMinor, order.currency)]),
      ),
      text(ctx.t("undo.hint"), "muted"),
    ]);
  },
});


export const orderCancel = defineCommand({
  name: "order.cancel",
  words: ["order", "cancel"],
  topic: "orders",
  writes: true,
  schema: z.object({ order: limits.reference, reason: limits.shortText.optional(), expectedVersion: version }),
  parse(all) {
    const { tokens, expectedVersion } = takeVersion(all);
    const order = recordArg(tokens, "order");
    const reason = joinTokens(tokens.slice(1));
    return { order, ...(reason ? { reason } : {}), ...(expectedVersion ? { expectedVersion } : {}) };
  },
  async run(ctx, input) {
    const order = await cancelOrder(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("order.cancelled", { ref: orderRef(order), account: order.account.name });
    return reply(summary, [text(summary, "success"), ...(input.reason ? [text(ctx.t("history.reason", { reason: input.reason }), "muted")] : []), text(ctx.t("undo.hint"), "muted")]);
  },
});

export const invoiceEdit = defineCommand({
  name: "invoice.edit",
  words: ["invoice", "edit"],
  topic: "invoices",
  writes: true,
  schema: editInvoiceInput,
  parse(all, ctx) {
    const { tokens, expectedVersion } = takeVersion(all);
    const invoice = recordArg(tokens, "invoice");
    const { head, parts } = clauses(tokens.slice(1), ["amount", "betrag", "issued", "due", "order"]);
    rejectExtra(head);
    const amount = parts.get("amount") ?? parts.get("betrag");
    const order = parts.get("order");
    return {
      invoice,
      ...(expectedVersion ? { expectedVersion } : {}),
      ...(amount ? { amount: money(joinTokens(amount), ctx, undefined) } : {}),
      ...(parts.has("issued") ? { issuedOn: day(parts.get("issued"), ctx) } : {}),
      ...(parts.has("due") ? { dueOn: day(parts.get("due"), ctx) } : {}),
      ...(order ? { order: order.length === 1 && isWord(order[0], ...NONE) ? null : joinTokens(order) } : {}),
    };
  },
  form: invoiceEditForm,
  fromForm: invoiceEditFromForm,
  async run(ctx, input) {
    if (input.amount === undefined && input.issuedOn === undefined && input.dueOn === undefined && input.order === undefined) {
      return formReply(await invoiceEditForm(ctx, { invoice: input.invoice }));
    }
    const invoice = await editInvoice(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("invoice.edited", { ref: invoiceRef(invoice), number: invoice.number, account: invoice.account.name });
    return reply(summary, [text(summary, "success"), ...invoiceFacts(ctx, invoice), text(ctx.t("undo.hint"), "muted")]);
  },
});

function invoiceFacts(ctx: CommandContext, i: { amountMinor: bigint; creditedMinor: bigint; currency: string; issuedOn: Date; dueOn: Date; order: { number: number } | null }) {
  return [
    {
      kind: "fields" as const,
      fields: [
        { label: ctx.t("field.amount"), value: ctx.fmt.money(i.amountMinor, i.currency) },
        ...(i.creditedMinor > 0n ? [{ label: ctx.t("field.credited"), value: ctx.fmt.money(i.creditedMinor, i.currency) }] : []),
        { label: ctx.t("field.issuedOn"), value: ctx.fmt.day(i.issuedOn) },
        { label: ctx.t("field.dueOn"), value: ctx.fmt.day(i.dueOn) },
        { label: ctx.t("field.order"), value: i.order ? `O-${i.order.number}` : "—" },
      ],
    },
  ];
}

export const invoiceVoid = defineCommand({
  name: "invoice.void",
  words: ["invoice", "void"],
  topic: "invoices",
  writes: true,
  schema: z.object({ invoice: limits.reference, reason: limits.shortText.optional(), expectedVersion: version }),
  parse(all) {
    const { tokens, expectedVersion } = takeVersion(all);
    const invoice = recordArg(tokens, "invoice");
    const reason = joinTokens(tokens.slice(1));
    return { invoice, ...(reason ? { reason } : {}), ...(expectedVersion ? { expectedVersion } : {}) };
  },
  async run(ctx, input) {
    const invoice = await voidInvoice(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("invoice.voided", { ref: invoiceRef(invoice), number: invoice.number, account: invoice.account.name });
    return reply(summary, [text(summary, "success"), text(ctx.t("undo.hint"), "muted")]);
  },
});

/** The amount is the first one or two words that read as an amount ("120,50", "EUR 99", "99 €"); the rest is the reason. */
function amountAndRest(tokens: Token[], ctx: CommandContext) {
  for (const n of [2, 1]) {
    if (tokens.length < n) continue;
    try {
      return { amount: money(joinTokens(tokens.slice(0, n)), ctx, undefined), rest: tokens.slice(n) };
    } catch (error) {
      if (n === 1 || !(error instanceof UsageError) || error.key !== "usage.badAmount") throw error;
    }
  }
  throw new UsageError("usage.missing", { what: "amount" });
}

export const invoiceCredit = defineCommand({
  name: "invoice.credit",
  words: ["invoice", "credit"],
  topic: "invoices",
  writes: true,
  schema: creditInvoiceInput,
  parse(all, ctx) {
    const { tokens, expectedVersion } = takeVersion(all);
    const invoice = recordArg(tokens, "invoice");
    const { amount, rest } = amountAndRest(tokens.slice(1), ctx);
    const reason = joinTokens(rest);
    return { invoice, amount, ...(reason ? { reason } : {}), ...(expectedVersion ? { expectedVersion } : {}) };
  },
  async run(ctx, input) {
    const { invoice, credit } = await creditInvoice(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("invoice.credited", {
      ref: invoiceRef(invoice),
      number: invoice.number,
      amount: ctx.fmt.money(credit.amountMinor, invoice.currency),
      open: ctx.fmt.money(invoice.amountMinor - invoice.creditedMinor, invoice.currency),
    });
    return reply(summary, [text(summary, "success"), ...invoiceFacts(ctx, invoice), text(ctx.t("undo.hint"), "muted")]);
  },
});

type ContractResult = { number: number; name: string; startsOn: Date; endsOn: Date; noticeGivenOn: Date | null; currency: string; account: { name: string }; prices: { priceMinor: bigint; validFrom: Date | null; validTo: Date | null; product: { sku: string } }[] };

function contractReply(ctx: CommandContext, key: string, c: ContractResult) {
  const summary = ctx.t(key, { ref: `K-${c.number}`, name: c.name, account: c.account.name, endsOn: ctx.fmt.day(c.endsOn), givenOn: c.noticeGivenOn ? ctx.fmt.day(c.noticeGivenOn) : "" });
  return reply(summary, [
    text(summary, "success"),
    { kind: "fields", fields: [{ label: ctx.t("field.startsOn"), value: ctx.fmt.day(c.startsOn) }, { label: ctx.t("field.endsOn"), value: ctx.fmt.day(c.endsOn) }] },
    ...(c.prices.length ? [pricesTable(ctx, c)] : []),
    text(ctx.t("undo.hint"), "muted"),
  ]);
}

/** A contract's prices with their validity ("from 1 Mar 2027", "until 28 Feb 2027"). */
export function pricesTable(ctx: CommandContext, c: Pick<ContractResult, "currency" | "prices">) {
  return table(
    [ctx.t("field.product"), ctx.t("field.unitPrice"), ctx.t("field.validity")],
    c.prices.map((p) => [
      p.product.sku,
      ctx.fmt.money(p.priceMinor, c.currency),
      [p.validFrom && ctx.t("history.priceFrom", { day: ctx.fmt.day(p.validFrom) }), p.validTo && ctx.t("history.priceTo", { day: ctx.fmt.day(p.validTo) })].filter(Boolean).join(" ") || ctx.t("contract.wholeTerm"),
    ]),
  );
}

const dayRef = z.object({ contract: limits.reference, endsOn: limits.isoDay, expectedVersion: version });

export const contractRenew = defineCommand({
  name: "contract.renew",
  words: ["contract", "renew"],
  topic: "contracts",
  writes: true,
  schema: dayRef.partial({ endsOn: true }),
  parse(all, ctx) {
    const { tokens, expectedVersion } = takeVersion(all);
    const contract = recordArg(tokens, "contract");
    const { head, parts } = clauses(tokens.slice(1), ["to", "bis"]);
    rejectExtra(head);
    const to = parts.get("to") ?? parts.get("bis");
    return { contract, ...(to || tokens.length > 1 ? { endsOn: day(to, ctx, "endsOn") } : {}), ...(expectedVersion ? { expectedVersion } : {}) };
  },
  form: contractRenewForm,
  fromForm: contractRenewFromForm,
  async run(ctx, input) {
    // `contract renew K-2` alone (the Renew button) opens the form with the current end day.
    if (input.endsOn === undefined) return formReply(await contractRenewForm(ctx, { contract: input.contract }));
    return contractReply(ctx, "contract.renewed", await renewContract(ctx.deps.db, ctx.actor, { ...input, endsOn: input.endsOn }));
  },
});

export const contractEnd = defineCommand({
  name: "contract.end",
  words: ["contract", "end"],
  topic: "contracts",
  writes: true,
  schema: dayRef,
  parse(all, ctx) {
    const { tokens, expectedVersion } = takeVersion(all);
    const contract = recordArg(tokens, "contract");
    const { head, parts } = clauses(tokens.slice(1), ["on", "am"]);
    rejectExtra(head);
    return { contract, endsOn: day(parts.get("on") ?? parts.get("am"), ctx, "endsOn"), ...(expectedVersion ? { expectedVersion } : {}) };
  },
  async run(ctx, input) {
    return contractReply(ctx, "contract.ended", await endContract(ctx.deps.db, ctx.actor, input));
  },
});

export const contractNotice = defineCommand({
  name: "contract.notice",
  words: ["contract", "notice"],
  topic: "contracts",
  writes: true,
  schema: z.object({ contract: limits.reference, givenOn: limits.isoDay, expectedVersion: version }),
  parse(all, ctx) {
    const { tokens, expectedVersion } = takeVersion(all);
    const contract = recordArg(tokens, "contract");
    const { head, parts } = clauses(tokens.slice(1), ["on", "am"]);
    if (!isWord(head[0], "given", "gegeben")) throw new UsageError("usage.missing", { what: "notice" });
    rejectExtra(head.slice(1));
    const on = parts.get("on") ?? parts.get("am");
    return { contract, givenOn: on ? pastDay(on, ctx) : ctx.today, ...(expectedVersion ? { expectedVersion } : {}) };
  },
  async run(ctx, input) {
    return contractReply(ctx, "contract.noticeGiven", await giveNotice(ctx.deps.db, ctx.actor, input));
  },
});

const PERIODS = { year: "YEAR", quarter: "QUARTER", month: "MONTH", jahr: "YEAR", quartal: "QUARTER", monat: "MONTH" } as const;

export const contractAmend = defineCommand({
  name: "contract.amend",
  words: ["contract", "amend"],
  topic: "contracts",
  writes: true,
  schema: amendContractInput,
  parse(all, ctx) {
    const { tokens, expectedVersion } = takeVersion(all);
    const contract = recordArg(tokens, "contract");
    const { head, parts } = clauses(tokens.slice(1), ["price", "preis", "commit", "from", "ab"]);
    rejectExtra(head);
    const price = parts.get("price") ?? parts.get("preis");
    const commit = parts.get("commit");
    const from = parts.get("from") ?? parts.get("ab");
    const base = { contract, ...(expectedVersion ? { expectedVersion } : {}) };
    if (price) {
      const eq = price.length === 1 ? price[0]!.text.indexOf("=") : -1;
      if (eq <= 0) throw new UsageError("usage.badPrice", { text: joinTokens(price) });
      const sku = price[0]!.text.slice(0, eq);
      const { currency: _, ...amount } = money(price[0]!.text.slice(eq + 1), ctx, undefined);
      return { ...base, price: { product: sku, ...amount, ...(from ? { from: day(from, ctx) } : {}) } };
    }
    if (commit) {
      const per = commit.findIndex((t) => isWord(t, "per", "pro"));
      const head2 = per >= 0 ? commit.slice(0, per) : commit;
      if (head2.length < 2) throw new UsageError("usage.missing", { what: "product" });
      return {
        ...base,
        // `commit none BOLT-10`: the commitment is removed.
        commitment: { quantity: isWord(head2[0]!, "none", "keine") ? null : quantity(head2[0]!.text, ctx), product: joinTokens(head2.slice(1)), period: per >= 0 ? oneOf(commit[per + 1], PERIODS, "period") : ("YEAR" as const) },
      };
    }
    throw new UsageError("usage.missing", { what: "prices" });
  },
  async run(ctx, input) {
    return contractReply(ctx, "contract.amended", await amendContract(ctx.deps.db, ctx.actor, input));
  },
});

