import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { OrderStatus } from "../generated/prisma/enums.ts";
import type { Actor } from "./actor.ts";
import { ConflictError, InvalidInputError, NotFoundError } from "./errors.ts";
import * as limits from "./limits.ts";
import { requireAccount } from "./permissions.ts";
import { listPriceOn, requireOrderable, requireWholeIfCounted } from "./products.ts";
import { recordNumber, resolveAccount, resolveProduct } from "./references.ts";
import { assertVersion, auditChange, diffFields } from "./changes.ts";
import { audit, inTransaction, nextNumber, type Tx } from "./tx.ts";
import { organizationTimeZone } from "./organizations.ts";
import { validate } from "./validate.ts";
import { startOfDay } from "./exchange/instants.ts";
import { localDay } from "./rules/time.ts";
import { amountInput, minorIn } from "./amounts.ts";

export const ORDER_STATUSES = ["RECEIVED", "CONFIRMED", "IN_PRODUCTION", "SHIPPED", "DELIVERED", "INVOICED", "CANCELLED"] as const;
export const OPEN_STATUSES: OrderStatus[] = ["RECEIVED", "CONFIRMED", "IN_PRODUCTION", "SHIPPED"];

const money = amountInput;

export const orderLineInput = z.object({
  product: limits.reference,
  quantity: limits.quantity,
  unitPrice: money.optional(),
});

export const logOrderInput = z.object({
  account: limits.reference,
  lines: z.array(orderLineInput).min(1).max(50),
  requestedOn: limits.isoDay.optional(),
  poRef: z.string().trim().min(1).max(60).optional(),
  /** The day the customer ordered (defaults to now); matters for the contract price in force. */
  orderedOn: limits.isoDay.optional(),
});
export type LogOrderInput = z.input<typeof logOrderInput>;

/**
 * The contract price of a product for an account on a day, if a contract in force sets one in
 * force that day (`day`: the day's UTC midnight, as date columns compare).
 */
export async function contractPrice(tx: Tx, accountId: string, productId: string, day: Date) {
  const price = await tx.contractPrice.findFirst({
    where: {
      productId,
      contract: { accountId, startsOn: { lte: day }, endsOn: { gte: day } },
      AND: [{ OR: [{ validFrom: null }, { validFrom: { lte: day } }] }, { OR: [{ validTo: null }, { validTo: { gte: day } }] }],
    },
    orderBy: [{ contract: { startsOn: "desc" } }, { validFrom: { sort: "desc", nulls: "last" } }],
  });
  return price?.priceMinor ?? null;
}

async function writeOrder(
  tx: Tx,
  actor: Actor,
  account: { id: string; currency: string },
  lines: { productId: string; quantity: number; unitPriceMinor: bigint }[],
  extra: { requestedOn?: string; poRef?: string; orderedAt?: Date; reorderOfId?: string },
) {
  const number = await nextNumber(tx, actor.organizationId, "order");
  const total = orderTotal(lines, "lines");
  const order = await tx.order.create({
    data: {
      organizationId: actor.organizationId,
      number,
      accountId: account.id,
      currency: account.currency,
      totalMinor: total,
      poRef: extra.poRef ?? null,
      requestedOn: extra.requestedOn ? limits.dayToDate(extra.requestedOn) : null,
      orderedAt: extra.orderedAt ?? actor.now,
      // The request's moment, not the database's clock: checks measure how long an order sits in a status.
      statusChangedAt: actor.now,
      createdAt: actor.now,
      reorderOfId: extra.reorderOfId ?? null,
      createdById: actor.memberId,
      lines: {
        create: lines.map((l, i) => ({
          lineNo: i + 1,
          productId: l.productId,
          quantity: l.quantity.toFixed(3),
          unitPriceMinor: l.unitPriceMinor,
        })),
      },
    },
    include: { lines: { include: { product: true }, orderBy: { lineNo: "asc" } }, account: true },
  });
  await audit(tx, actor, extra.reorderOfId ? "order.reorder" : "order.log", "Order", order.id, {
    number,
    account: account.id,
    lines: lines.map((l) => ({ productId: l.productId, quantity: l.quantity, unitPriceMinor: l.unitPriceMinor })),
    ...extra,
  });
  return order;
}

/** An order's total from its lines (quantities times unit prices), within what kam holds, else refused on `field`. */
export function orderTotal(lines: { quantity: number | string; unitPriceMinor: number | bigint }[], field: string): bigint {
  return limits.requireTotal(lines.reduce((sum, l) => sum + BigInt(Math.round(Number(l.unitPriceMinor) * Number(l.quantity))), 0n), field);
}

export async function logOrder(db: PrismaClient, actor: Actor, input: LogOrderInput) {
  const data = validate(logOrderInput, input);
  return inTransaction(db, async (tx) => {
    const account = await resolveAccount(tx, actor.organizationId, data.account);
    await requireAccount(tx, actor, "account.write", account.id);
    // The order's day where the organization is: the contract and list price in force that day.
    const timeZone = await organizationTimeZone(tx, actor.organizationId);
    const day = limits.dayToDate(data.orderedOn ?? localDay(actor.now, timeZone));
    const lines = [];
    for (const [i, line] of data.lines.entries()) {
      const product = await resolveProduct(tx, actor.organizationId, line.product);
      requireOrderable(product, `lines.${i}.product`);
      requireWholeIfCounted(product, line.quantity, `lines.${i}.quantity`);
      if (line.unitPrice?.currency && line.unitPrice.currency !== account.currency) {
        throw new InvalidInputError(`lines.${i}.unitPrice`, "error.currencyMismatch", {
          given: line.unitPrice.currency,
          expected: account.currency,
        });
      }
      const price =
        line.unitPrice !== undefined ? minorIn(line.unitPrice, account.currency, `lines.${i}.unitPrice`)
        : (await contractPrice(tx, account.id, product.id, day)) ??
          (product.currency === account.currency ? listPriceOn(product, day) : null);
      if (price === null) throw new InvalidInputError(`lines.${i}.unitPrice`, "error.priceNeeded", { product: product.sku });
      lines.push({ productId: product.id, quantity: line.quantity, unitPriceMinor: price });
    }
    const { orderedOn, ...extra } = data;
    return writeOrder(tx, actor, account, lines, { ...extra, ...(orderedOn ? { orderedAt: startOfDay(orderedOn, timeZone) } : {}) });
  });
}

export const reorderInput = z.object({
  account: limits.reference,
  order: limits.reference.optional(),
  requestedOn: limits.isoDay.optional(),
  poRef: z.string().trim().min(1).max(60).optional(),
});

/** Repeats an order (the account's last one unless named): same products and quantities. */
export async function reorder(db: PrismaClient, actor: Actor, input: z.input<typeof reorderInput>) {
  const data = validate(reorderInput, input);
  return inTransaction(db, async (tx) => {
    const account = await resolveAccount(tx, actor.organizationId, data.account);
    await requireAccount(tx, actor, "account.write", account.id);
    const original = data.order
      ? await tx.order.findFirst({
          where: { organizationId: actor.organizationId, accountId: account.id, number: await recordNumber(tx, "order", actor.organizationId, data.order) },
          include: { lines: { orderBy: { lineNo: "asc" } } },
        })
      : await tx.order.findFirst({
          where: { organizationId: actor.organizationId, accountId: account.id, status: { not: "CANCELLED" } },
          orderBy: [{ orderedAt: "desc" }, { number: "desc" }],
          include: { lines: { orderBy: { lineNo: "asc" } } },
        });
    if (!original) throw new NotFoundError("order", data.order ?? account.name);
    const retired = await tx.product.findFirst({ where: { id: { in: original.lines.map((l) => l.productId) }, retiredAt: { not: null } } });
    if (retired) requireOrderable(retired, "order");
    const today = limits.dayToDate(localDay(actor.now, await organizationTimeZone(tx, actor.organizationId)));
    const lines = [];
    for (const line of original.lines) {
      const price = (await contractPrice(tx, account.id, line.productId, today)) ?? line.unitPriceMinor;
      lines.push({ productId: line.productId, quantity: Number(line.quantity), unitPriceMinor: price });
    }
    return writeOrder(tx, actor, account, lines, {
      reorderOfId: original.id,
      ...(data.requestedOn ? { requestedOn: data.requestedOn } : {}),
      ...(data.poRef ? { poRef: data.poRef } : {}),
    });
  });
}

export const draftOrderInput = z.object({
  account: limits.reference,
  lines: z.array(z.object({ product: limits.reference, quantity: limits.quantity })).min(1).max(3),
});

/**
 * What an order would be, without writing it: the account and products resolved, the caller's
 * right to order for the account checked. A prefilled order form is built from it, so that the
 * person sees and confirms exactly what will be ordered.
 */
export async function draftOrder(db: PrismaClient, actor: Actor, input: z.input<typeof draftOrderInput>) {
  const data = validate(draftOrderInput, input);
  return inTransaction(db, async (tx) => {
    const account = await resolveAccount(tx, actor.organizationId, data.account);
    await requireAccount(tx, actor, "account.write", account.id);
    const lines = [];
    for (const [i, line] of data.lines.entries()) {
      const product = await resolveProduct(tx, actor.organizationId, line.product);
      requireOrderable(product, `lines.${i}.product`);
      lines.push({ product, quantity: line.quantity });
    }
    return { account, lines };
  });
}

const FORWARD: OrderStatus[] = ["RECEIVED", "CONFIRMED", "IN_PRODUCTION", "SHIPPED", "DELIVERED", "INVOICED"];

/** Orders move forward through their lifecycle (steps may be skipped); delivered or invoiced orders cannot be cancelled. */
export function canMove(from: OrderStatus, to: OrderStatus): boolean {
  if (from === to || from === "CANCELLED") return false;
  if (to === "CANCELLED") return from !== "DELIVERED" && from !== "INVOICED";
  return FORWARD.indexOf(to) > FORWARD.indexOf(from);
}

export async function changeOrderStatus(
  db: PrismaClient,
  actor: Actor,
  input: { order: string; status: OrderStatus; reason?: string; expectedVersion?: number },
) {
  const status = validate(z.enum(ORDER_STATUSES), input.status);
  return inTransaction(db, async (tx) => {
    const number = await recordNumber(tx, "order", actor.organizationId, input.order);
    const order = await tx.order.findFirst({ where: { organizationId: actor.organizationId, number } });
    if (!order) throw new NotFoundError("order", input.order);
    await requireAccount(tx, actor, "account.write", order.accountId);
    await assertVersion(tx, actor.organizationId, order, `O-${order.number}`, input.expectedVersion);
    if (!canMove(order.status, status)) {
      throw new ConflictError("error.statusMove", { order: order.number, from: order.status, to: status });
    }
    // "Invoiced" says an invoice exists: without one it would hide the order from the open ones unbilled.
    if (status === "INVOICED" && (await tx.invoice.count({ where: { orderId: order.id } })) === 0) {
      const account = await tx.account.findUniqueOrThrow({ where: { id: order.accountId }, select: { name: true } });
      throw new ConflictError("error.invoicedWithoutInvoice", { order: order.number, account: account.name });
    }
    // An invoice must never bill a cancelled order: not by invoicing one, nor by cancelling a billed one.
    if (status === "CANCELLED") {
      const invoices = await tx.invoice.findMany({ where: { orderId: order.id }, select: { refNumber: true }, orderBy: { refNumber: "asc" }, take: 5 });
      if (invoices.length) throw new ConflictError("error.cancelBilled", { order: order.number, invoices: invoices.map((i) => `I-${i.refNumber}`).join(", ") });
    }
    const updated = await tx.order.update({
      where: { id: order.id },
      data: { status, statusChangedAt: actor.now, version: { increment: 1 } },
      include: { account: true },
    });
    const changes = diffFields(order, { status, statusChangedAt: actor.now }, ["status", "statusChangedAt"]);
    const action = status === "CANCELLED" ? "order.cancel" : "order.status";
    await auditChange(tx, actor, action, "Order", order.id, updated.version, changes, {
      from: order.status,
      to: status,
      ...(input.reason ? { reason: input.reason } : {}),
    });
    return updated;
  });
}

export const listOrdersInput = z.object({
  account: limits.reference,
  scope: z.enum(["open", "all"]).default("open"),
  since: limits.isoDay.optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

export async function listOrders(db: PrismaClient, actor: Actor, input: z.input<typeof listOrdersInput>) {
  const data = validate(listOrdersInput, input);
  return inTransaction(db, async (tx) => {
    const account = await resolveAccount(tx, actor.organizationId, data.account);
    const orders = await tx.order.findMany({
      where: {
        organizationId: actor.organizationId,
        accountId: account.id,
        ...(data.scope === "open" ? { status: { in: OPEN_STATUSES } } : {}),
        ...(data.since ? { orderedAt: { gte: startOfDay(data.since, await organizationTimeZone(tx, actor.organizationId)) } } : {}),
      },
      include: { lines: { include: { product: true }, orderBy: { lineNo: "asc" } } },
      orderBy: [{ orderedAt: "desc" }, { number: "desc" }],
      take: data.limit,
    });
    return { account, orders };
  });
}

export async function findOrder(db: PrismaClient, actor: Actor, ref: string) {
  const number = await recordNumber(db, "order", actor.organizationId, ref);
  const order = await db.order.findFirst({
    where: { organizationId: actor.organizationId, number },
    include: { account: true, lines: { include: { product: true }, orderBy: { lineNo: "asc" } }, invoices: true },
  });
  if (!order) throw new NotFoundError("order", ref);
  return order;
}
