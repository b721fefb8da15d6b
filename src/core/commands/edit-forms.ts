import { showContract } from "../../domain/contracts.ts";
import { invoiceRef, showInvoice } from "../../domain/invoices.ts";
import * as limits from "../../domain/limits.ts";
import { findOrder } from "../../domain/orders.ts";
import type { CommandContext } from "../context.ts";
import { minorPerMajor } from "../../domain/amounts.ts";
import type { Button, Form, FormField } from "../reply.ts";
import { comingDay, day, money, quantity } from "./args.ts";
import { UsageError, type FormValues } from "./command.ts";
import { productOptions, value } from "./form-helpers.ts";

/**
 * The prefilled forms behind the Edit buttons of `order show`, `invoice show` and `contract show`.
 * Each carries the record's reference and version as hidden fields: a form built on an older
 * version is refused on submission with who changed the record, and comes back with its current
 * values.
 */

const str = (values: FormValues, name: string) => String((Array.isArray(values[name]) ? values[name]![0] : values[name]) ?? "").trim();

function hidden(name: string, v: string): FormField {
  return { name, label: name, type: "hidden", required: false, value: v };
}

/** An amount as the caller would type it back ("12.50" / "12,50"), without currency or grouping. */
function plainAmount(ctx: CommandContext, minor: bigint | number, currency: string): string {
  const perMajor = minorPerMajor(currency);
  const digits = Math.round(Math.log10(perMajor));
  return new Intl.NumberFormat(ctx.locale, { useGrouping: false, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(Number(minor) / perMajor);
}

function expectedVersion(values: FormValues) {
  const v = str(values, "version");
  return /^\d{1,9}$/.test(v) ? { expectedVersion: Number(v) } : {};
}

function need(values: FormValues, name: string, what: string): string {
  const v = str(values, name);
  if (!v) throw new UsageError("usage.missing", { what }, name);
  return v;
}

export async function orderEditForm(ctx: CommandContext, values: FormValues = {}): Promise<Form> {
  const ref = need(values, "order", "order");
  const order = await findOrder(ctx.deps.db, ctx.actor, ref);
  const products = await productOptions(ctx);
  const lines: FormField[] = order.lines.flatMap((l) => [
    { name: `quantity${l.lineNo}`, label: ctx.t("form.editLineQuantity", { n: l.lineNo, product: `${l.product.sku} ${l.product.name}` }), type: "number" as const, required: true, hint: ctx.t("form.zeroRemoves"), ...value(values, `quantity${l.lineNo}`, String(Number(l.quantity))) },
    { name: `price${l.lineNo}`, label: ctx.t("form.editLinePrice", { n: l.lineNo }), type: "text" as const, required: true, ...value(values, `price${l.lineNo}`, plainAmount(ctx, l.unitPriceMinor, order.currency)) },
  ]);
  return {
    id: "order.edit",
    title: ctx.t("form.orderEditTitle", { ref: `O-${order.number}` }),
    submitLabel: ctx.t("form.submitChange"),
    errors: {},
    fields: [
      hidden("order", `O-${order.number}`),
      hidden("version", str(values, "version") || String(order.version)),
      ...lines,
      { name: "addProduct", label: ctx.t("form.addProduct"), type: "select", required: false, options: products, ...value(values, "addProduct") },
      { name: "addQuantity", label: ctx.t("form.addQuantity"), type: "number", required: false, ...value(values, "addQuantity") },
      { name: "requestedOn", label: ctx.t("field.requestedOn"), type: "date", required: false, ...value(values, "requestedOn", order.requestedOn ? limits.dateToDay(order.requestedOn) : undefined) },
      { name: "poRef", label: ctx.t("field.poRef"), type: "text", required: false, ...value(values, "poRef", order.poRef ?? undefined) },
    ],
  };
}

export function orderEditFromForm(values: FormValues, ctx: CommandContext) {
  const order = need(values, "order", "order");
  const lines: unknown[] = [];
  for (const key of Object.keys(values)) {
    const m = /^quantity(\d+)$/.exec(key);
    if (!m) continue;
    const lineNo = Number(m[1]);
    const q = str(values, key);
    if (q === "0") {
      lines.push({ op: "remove", lineNo });
      continue;
    }
    const price = str(values, `price${lineNo}`);
    lines.push({ op: "set", lineNo, quantity: quantity(q, ctx, key, true), ...(price ? { unitPrice: money(price, ctx, undefined, `price${lineNo}`) } : {}) });
  }
  const addProduct = str(values, "addProduct");
  if (addProduct) lines.push({ op: "add", product: addProduct, quantity: quantity(str(values, "addQuantity"), ctx, "addQuantity", true) });
  const requestedOn = str(values, "requestedOn");
  const poRef = str(values, "poRef");
  return {
    order,
    lines,
    ...expectedVersion(values),
    requestedOn: requestedOn ? comingDay([{ text: requestedOn, quoted: false }], ctx, "date", "requestedOn") : null,
    poRef: poRef || null,
  };
}

export async function invoiceEditForm(ctx: CommandContext, values: FormValues = {}): Promise<Form> {
  const i = await showInvoice(ctx.deps.db, ctx.actor, { invoice: need(values, "invoice", "invoice") });
  return {
    id: "invoice.edit",
    title: ctx.t("form.invoiceEditTitle", { ref: invoiceRef(i), number: i.number }),
    submitLabel: ctx.t("form.submitChange"),
    errors: {},
    fields: [
      hidden("invoice", invoiceRef(i)),
      hidden("version", str(values, "version") || String(i.version)),
      { name: "amount", label: ctx.t("field.amount"), type: "text", required: true, ...value(values, "amount", plainAmount(ctx, i.amountMinor, i.currency)) },
      { name: "issuedOn", label: ctx.t("field.issuedOn"), type: "date", required: true, ...value(values, "issuedOn", limits.dateToDay(i.issuedOn)) },
      { name: "dueOn", label: ctx.t("field.dueOn"), type: "date", required: true, ...value(values, "dueOn", limits.dateToDay(i.dueOn)) },
      { name: "order", label: ctx.t("field.order"), type: "text", required: false, hint: ctx.t("form.orderLinkHint"), ...value(values, "order", i.order ? `O-${i.order.number}` : undefined) },
    ],
  };
}

export function invoiceEditFromForm(values: FormValues, ctx: CommandContext) {
  const order = str(values, "order");
  return {
    invoice: need(values, "invoice", "invoice"),
    ...expectedVersion(values),
    amount: money(need(values, "amount", "amount"), ctx, undefined, "amount"),
    issuedOn: day([{ text: need(values, "issuedOn", "issuedOn"), quoted: false }], ctx, "issuedOn", "issuedOn"),
    dueOn: day([{ text: need(values, "dueOn", "dueOn"), quoted: false }], ctx, "dueOn", "dueOn"),
    order: order || null,
  };
}

export async function contractRenewForm(ctx: CommandContext, values: FormValues = {}): Promise<Form> {
  const c = await showContract(ctx.deps.db, ctx.actor, { contract: need(values, "contract", "contract") });
  return {
    id: "contract.renew",
    title: ctx.t("form.contractRenewTitle", { ref: `K-${c.number}`, name: c.name }),
    submitLabel: ctx.t("form.submitChange"),
    errors: {},
    fields: [
      hidden("contract", `K-${c.number}`),
      hidden("version", str(values, "version") || String(c.version)),
      { name: "endsOn", label: ctx.t("field.endsOn"), type: "date", required: true, ...value(values, "endsOn", limits.dateToDay(c.endsOn)) },
    ],
  };
}

export function contractRenewFromForm(values: FormValues, ctx: CommandContext) {
  return {
    contract: need(values, "contract", "contract"),
    ...expectedVersion(values),
    endsOn: day([{ text: need(values, "endsOn", "endsOn"), quoted: false }], ctx, "endsOn", "endsOn"),
  };
}

function confirmOf(ctx: CommandContext, key: string, ref: string): Button["confirm"] {
  return { title: ctx.t(`${key}Title`, { ref }), text: ctx.t(`${key}Text`, { ref }), yes: ctx.t(`${key}Yes`), no: ctx.t("button.keep") };
}

/** Edit and Cancel on an order that can still change; Cancel asks first. */
export function orderButtons(ctx: CommandContext, o: { number: number; version: number; status: string; invoices?: unknown[] }): Button[] {
  if (o.status === "CANCELLED") return [];
  const ref = `O-${o.number}`;
  const buttons: Button[] = [{ label: ctx.t("button.edit"), command: `order edit ${ref} version ${o.version}` }];
  if (o.status !== "DELIVERED" && o.status !== "INVOICED" && !o.invoices?.length) {
    buttons.push({ label: ctx.t("button.cancelOrder"), command: `order cancel ${ref} version ${o.version}`, style: "danger", confirm: confirmOf(ctx, "confirm.cancelOrder", ref) });
  }
  return buttons;
}

export function invoiceButtons(ctx: CommandContext, i: { refNumber: number; version: number; voidedAt: Date | null; paidOn: Date | null }): Button[] {
  if (i.voidedAt) return [];
  const ref = `I-${i.refNumber}`;
  const buttons: Button[] = [{ label: ctx.t("button.edit"), command: `invoice edit ${ref} version ${i.version}` }];
  if (!i.paidOn) buttons.push({ label: ctx.t("button.voidInvoice"), command: `invoice void ${ref} version ${i.version}`, style: "danger", confirm: confirmOf(ctx, "confirm.voidInvoice", ref) });
  return buttons;
}

export function contractButtons(ctx: CommandContext, c: { number: number; version: number }): Button[] {
  return [{ label: ctx.t("button.renew"), command: `contract renew K-${c.number} version ${c.version}` }];
}
