import { z } from "zod";
import type { Order, OrderLine, Product, Account } from "../../generated/prisma/client.ts";
import { changeOrderStatus, draftOrder, draftOrderInput, findOrder, listOrders, logOrder, logOrderInput, reorder, reorderInput, listOrdersInput, ORDER_STATUSES } from "../../domain/orders.ts";
import type { CommandContext } from "../context.ts";
import { clauses, isWord, joinTokens, type Token } from "../grammar/tokens.ts";
import { readNumber, numberWord } from "../grammar/numbers.ts";
import { weekdayDay } from "../messages/format.ts";
import type { Form, FormField } from "../reply.ts";
import { fields, heading, reply, table, text } from "../replies.ts";
import { accountRef, comingDay, pastDay, day, money, quantity, rejectExtra, oneOf } from "./args.ts";
import { defineCommand, UsageError, type FormValues } from "./command.ts";
import { accountOptions, productOptions, value } from "./form-helpers.ts";
import { orderButtons } from "./edit-forms.ts";
import { localDay } from "../../domain/rules/time.ts";

type FullOrder = Order & { account: Account; lines: (OrderLine & { product: Product })[] };

export const STATUS_WORDS: Record<string, (typeof ORDER_STATUSES)[number]> = {
  received: "RECEIVED", confirmed: "CONFIRMED", production: "IN_PRODUCTION", in_production: "IN_PRODUCTION",
  "in-production": "IN_PRODUCTION", shipped: "SHIPPED", delivered: "DELIVERED", invoiced: "INVOICED",
  cancelled: "CANCELLED", canceled: "CANCELLED",
};

export function orderRef(o: { number: number }): string {
  return `O-${o.number}`;
}

/** Where the lines start: the first number ("10", "1.200", "-3"); failing that a number word ("five"). */
function firstQuantity(head: Token[], ctx: CommandContext): number {
  const numeric = head.findIndex((t) => !t.quoted && (readNumber(t.text, ctx.locale) !== null || /^[-+]?\d[\d.,]*$/.test(t.text)));
  return numeric >= 0 ? numeric : head.findIndex((t, i) => !t.quoted && i < head.length - 1 && numberWord(t.text) !== undefined);
}

function orderBlocks(ctx: CommandContext, order: FullOrder) {
  return [
    fields([
      { label: ctx.t("field.account"), value: order.account.name },
      { label: ctx.t("field.status"), value: ctx.t(`status.${order.status}`) },
      { label: ctx.t("field.total"), value: ctx.fmt.money(order.totalMinor, order.currency) },
      order.requestedOn && { label: ctx.t("field.requestedOn"), value: weekdayDay(ctx.locale, order.requestedOn) },
      order.poRef && { label: ctx.t("field.poRef"), value: order.poRef },
      order.externalRef && { label: ctx.t("field.externalRef"), value: order.externalRef },
    ]),
    table(
      [ctx.t("field.quantity"), ctx.t("field.product"), ctx.t("field.unitPrice")],
      order.lines.map((l) => [
        `${ctx.fmt.number(Number(l.quantity))} ${l.product.unit}`,
        `${l.product.sku} ${l.product.name}`,
        ctx.fmt.money(l.unitPriceMinor, order.currency),
      ]),
    ),
  ];
}

/** "<qty> <product> [@ <price>]" groups separated by commas. */
function parseLines(tokens: Token[], ctx: CommandContext) {
  const groups: Token[][] = [[]];
  for (const t of tokens) {
    if (t.text === "," && !t.quoted) groups.push([]);
    else groups.at(-1)!.push(t);
  }
  return groups.map((g) => {
    if (g.length === 0) throw new UsageError("usage.missing", { what: "product" });
    const at = g.findIndex((t) => t.text === "@" && !t.quoted);
    const head = at >= 0 ? g.slice(0, at) : g;
    const qty = quantity(head[0]?.text, ctx);
    const product = joinTokens(head.slice(1));
    if (!product) throw new UsageError("usage.missing", { what: "product" });
    const price = at >= 0 ? money(joinTokens(g.slice(at + 1)), ctx, undefined) : undefined;
    return { product, quantity: qty, ...(price ? { unitPrice: price } : {}) };
  });
}

const LINES = 3;

async function orderForm(ctx: CommandContext, values: FormValues = {}): Promise<Form> {
  const [accounts, products] = await Promise.all([accountOptions(ctx), productOptions(ctx)]);
  const lineFields: FormField[] = [];
  for (let i = 1; i <= LINES; i++) {
    lineFields.push(
      { name: `product${i}`, label: ctx.t("form.productN", { n: i }), type: "select", required: i === 1, options: products, ...value(values, `product${i}`), ...(products.length || i > 1 ? {} : { hint: ctx.t("form.noProducts") }) },
      { name: `quantity${i}`, label: ctx.t("form.quantityN", { n: i }), type: "number", required: i === 1, ...value(values, `quantity${i}`) },
      { name: `price${i}`, label: ctx.t("form.priceN", { n: i }), type: "text", required: false, placeholder: ctx.fmt.money(123450, ctx.boundAccount?.currency ?? ctx.organization.currency), hint: ctx.t("form.priceHint"), ...value(values, `price${i}`) },
    );
  }
  return {
    id: "order.log",
    title: ctx.t("form.orderTitle"),
    submitLabel: ctx.t("form.submitOrder"),
    errors: {},
    fields: [
      { name: "account", label: ctx.t("field.account"), type: "select", required: true, options: accounts, ...value(values, "account", ctx.boundAccount?.id), ...(accounts.length ? {} : { hint: ctx.t("form.noAccounts") }) },
      ...lineFields,
      { name: "requestedOn", label: ctx.t("field.requestedOn"), type: "date", required: false, ...value(values, "requestedOn") },
      { name: "poRef", label: ctx.t("field.poRef"), type: "text", required: false, ...value(values, "poRef") },
    ],
  };
}

export const orderLog = defineCommand({
  name: "order.log",
  words: ["order", "log"],
  topic: "orders",
  writes: true,
  schema: logOrderInput,
  parse(args, ctx) {
    const { head, parts } = clauses(args, ["due", "po", "on"]);
    // The account is everything before the first quantity; in a bound channel it may be left out.
    const firstQty = firstQuantity(head, ctx);
    if (firstQty < 0) throw new UsageError("usage.missing", { what: "quantity" });
    const account = accountRef(head.slice(0, firstQty), ctx);
    return {
      account,
      lines: parseLines(head.slice(firstQty), ctx),
      ...(parts.has("due") ? { requestedOn: comingDay(parts.get("due"), ctx) } : {}),
      ...(parts.has("po") ? { poRef: joinTokens(parts.get("po")!) } : {}),
      ...(parts.has("on") ? { orderedOn: pastDay(parts.get("on"), ctx) } : {}),
    };
  },
  form: orderForm,
  fromForm(values, ctx) {
    const lines = [];
    for (let i = 1; i <= LINES; i++) {
      const product = String(values[`product${i}`] ?? "").trim();
      const qty = String(values[`quantity${i}`] ?? "").trim();
      const price = String(values[`price${i}`] ?? "").trim();
      if (!product && !qty && !price) continue;
      if (!product) throw new UsageError("usage.missing", { what: "product" }, `product${i}`);
      lines.push({
        product,
        quantity: quantity(qty, ctx, `quantity${i}`, true),
        ...(price ? { unitPrice: money(price, ctx, undefined, `price${i}`) } : {}),
      });
    }
    if (lines.length === 0) throw new UsageError("usage.missing", { what: "product" }, "product1");
    const account = String(values.account ?? "").trim();
    if (!account) throw new UsageError("usage.missing", { what: "account" }, "account");
    const requestedOn = String(values.requestedOn ?? "").trim();
    const poRef = String(values.poRef ?? "").trim();
    return {
      account,
      lines,
      ...(requestedOn ? { requestedOn: comingDay([{ text: requestedOn, quoted: false }], ctx, "date", "requestedOn") } : {}),
      ...(poRef ? { poRef } : {}),
    };
  },
  formField(path) {
    const m = /^lines\.(\d+)\.(product|quantity|unitPrice)/.exec(path);
    if (m) return `${m[2] === "unitPrice" ? "price" : m[2]}${Number(m[1]) + 1}`;
    return path.split(".")[0];
  },
  async run(ctx, input) {
    const order = await logOrder(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("order.logged", { ref: orderRef(order), account: order.account.name, total: ctx.fmt.money(order.totalMinor, order.currency) });
    return reply(summary, [text(summary, "success"), ...orderBlocks(ctx, order)], [
      { label: ctx.t("button.confirmOrder"), command: `order status ${orderRef(order)} confirmed`, style: "primary" },
    ]);
  },
});

export const orderReorder = defineCommand({
  name: "order.reorder",
  words: ["order", "reorder"],
  topic: "orders",
  writes: true,
  schema: reorderInput,
  parse(args, ctx) {
    const { head, parts } = clauses(args, ["due", "po"]);
    const last = head.at(-1);
    const namesOrder = last && !last.quoted && /^(#|o-?)?\d+$/i.test(last.text);
    const accountTokens = namesOrder ? head.slice(0, -1) : head;
    return {
      account: accountRef(accountTokens, ctx),
      ...(namesOrder ? { order: last!.text } : {}),
      ...(parts.has("due") ? { requestedOn: comingDay(parts.get("due"), ctx) } : {}),
      ...(parts.has("po") ? { poRef: joinTokens(parts.get("po")!) } : {}),
    };
  },
  async run(ctx, input) {
    const order = await reorder(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("order.reordered", { ref: orderRef(order), account: order.account.name, total: ctx.fmt.money(order.totalMinor, order.currency) });
    return reply(summary, [text(summary, "success"), ...orderBlocks(ctx, order)]);
  },
});

export const orderList = defineCommand({
  name: "order.list",
  words: ["order", "list"],
  topic: "orders",
  writes: false,
  schema: listOrdersInput,
  parse(args, ctx) {
    const { head, parts } = clauses(args, ["since"]);
    let scope: "open" | "all" = "open";
    const last = head.at(-1);
    const rest = isWord(last, "open", "all") ? head.slice(0, -1) : head;
    if (isWord(last, "all")) scope = "all";
    return { account: accountRef(rest, ctx), scope, ...(parts.has("since") ? { since: day(parts.get("since"), ctx) } : {}) };
  },
  async run(ctx, input) {
    const { account, orders } = await listOrders(ctx.deps.db, ctx.actor, input);
    const title = ctx.t(input.scope === "all" ? "order.listAll" : "order.listOpen", { account: account.name, count: orders.length });
    if (orders.length === 0) return reply(title, [heading(title), text(ctx.t("order.none"), "muted")]);
    return reply(title, [
      heading(title),
      table(
        [ctx.t("field.order"), ctx.t("field.date"), ctx.t("field.status"), ctx.t("field.total"), ctx.t("field.lines")],
        orders.map((o) => [
          o.externalRef ? `${orderRef(o)} · ${o.externalRef}` : orderRef(o),
          ctx.fmt.day(new Date(localDay(o.orderedAt, ctx.organization.timeZone))),
          ctx.t(`status.${o.status}`),
          ctx.fmt.money(o.totalMinor, o.currency),
          o.lines.map((l) => `${ctx.fmt.number(Number(l.quantity))} ${l.product.sku}`).join(", "),
        ]),
      ),
    ]);
  },
});

export const orderStatus = defineCommand({
  name: "order.status",
  words: ["order", "status"],
  topic: "orders",
  writes: true,
  schema: z.object({ order: z.string().min(1).max(20), status: z.enum(ORDER_STATUSES) }),
  parse(args) {
    if (args.length === 0) throw new UsageError("usage.missing", { what: "order" });
    const statusTokens = args.slice(1);
    const word = statusTokens.map((t) => t.text.toLowerCase()).join("_");
    const status = oneOf({ text: word, quoted: false }, STATUS_WORDS, "status");
    return { order: args[0]!.text, status };
  },
  async run(ctx, input) {
    const order = await changeOrderStatus(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("order.statusChanged", { ref: orderRef(order), account: order.account.name, status: ctx.t(`status.${order.status}`) });
    return reply(summary, [text(summary, "success")]);
  },
});

export const orderShow = defineCommand({
  name: "order.show",
  words: ["order", "show"],
  topic: "orders",
  writes: false,
  schema: z.object({ order: z.string().min(1).max(20) }),
  parse(args) {
    if (args.length !== 1) throw new UsageError(args.length ? "usage.unexpected" : "usage.missing", { what: "order", text: joinTokens(args.slice(1)) });
    rejectExtra(args.slice(1));
    return { order: args[0]!.text };
  },
  async run(ctx, input) {
    const order = await findOrder(ctx.deps.db, ctx.actor, input.order);
    const title = ctx.t("order.title", { ref: orderRef(order), account: order.account.name });
    return reply(title, [heading(title), ...orderBlocks(ctx, order)], orderButtons(ctx, order));
  },
});

/** A quantity as the caller writes it, without grouping ("1200", "12,5" in German), for command text. */
export function plainQuantity(ctx: CommandContext, quantity: number): string {
  return new Intl.NumberFormat(ctx.locale, { useGrouping: false, maximumFractionDigits: 3 }).format(quantity);
}

/**
 * `order draft [<account>] <qty> <product> …`: the order form filled in with what was given, to
 * check and send; nothing is ordered until the form is sent. suggest's Reorder buttons run it.
 */
export const orderDraft = defineCommand({
  name: "order.draft",
  words: ["order", "draft"],
  topic: "orders",
  writes: false,
  schema: draftOrderInput,
  parse(args, ctx) {
    const firstQty = firstQuantity(args, ctx);
    if (firstQty < 0) throw new UsageError("usage.missing", { what: "quantity" });
    const lines = parseLines(args.slice(firstQty), ctx).map(({ product, quantity: q }) => ({ product, quantity: q }));
    return { account: accountRef(args.slice(0, firstQty), ctx), lines };
  },
  async run(ctx, input) {
    const draft = await draftOrder(ctx.deps.db, ctx.actor, input);
    const values: FormValues = { account: draft.account.id };
    draft.lines.forEach((l, i) => {
      values[`product${i + 1}`] = l.product.sku;
      values[`quantity${i + 1}`] = String(l.quantity);
    });
    const form = await orderForm(ctx, values);
    const typed = `order log "${draft.account.name}" ${draft.lines.map((l) => `${plainQuantity(ctx, l.quantity)} ${l.product.sku}`).join(", ")}`;
    const hint = ctx.t("order.draftHint", { command: typed });
    return { ok: true, visibility: "caller", summary: form.title, blocks: [{ kind: "form", form }, text(hint, "muted")] };
  },
});
