import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Actor } from "./actor.ts";
import { assertVersion, auditChange, diffFields } from "./changes.ts";
import { ConflictError, InvalidInputError, NotFoundError } from "./errors.ts";
import * as limits from "./limits.ts";
import { changeOrderStatus, contractPrice, orderTotal } from "./orders.ts";
import { organizationTimeZone } from "./organizations.ts";
import { requireAccount } from "./permissions.ts";
import { listPriceOn, requireOrderable, requireWholeIfCounted } from "./products.ts";
import { recordNumber, resolveProduct } from "./references.ts";
import { inTransaction, type Tx } from "./tx.ts";
import { localDay } from "./rules/time.ts";
import { registerUndo } from "./undo-registry.ts";
import { validate } from "./validate.ts";
import { amountInput, minorIn } from "./amounts.ts";

const money = amountInput;
const lineNo = z.number().int().min(1).max(1000);

export const lineEdit = z.discriminatedUnion("op", [
  z.object({ op: z.literal("set"), lineNo, quantity: limits.quantity.optional(), unitPrice: money.optional() }),
  z.object({ op: z.literal("add"), product: limits.reference, quantity: limits.quantity, unitPrice: money.optional() }),
  z.object({ op: z.literal("remove"), lineNo }),
]);

export const editOrderInput = z.object({
  order: limits.reference,
  /** The version the caller's form or button was built on; a text command typed now has none. */
  expectedVersion: z.number().int().min(1).optional(),
  lines: z.array(lineEdit).max(50).default([]),
  /** null clears it. */
  requestedOn: limits.isoDay.nullable().optional(),
  poRef: z.string().trim().min(1).max(60).nullable().optional(),
});
export type EditOrderInput = z.input<typeof editOrderInput>;

/** One order line as history shows it and undo puts it back. */
interface LineSnapshot {
  lineNo: number;
  productId: string;
  sku: string;
  quantity: string;
  unitPriceMinor: number;
}

function snapshot(lines: { lineNo: number; productId: string; quantity: { toString(): string }; unitPriceMinor: bigint; product: { sku: string } }[]): LineSnapshot[] {
  return lines.map((l) => ({ lineNo: l.lineNo, productId: l.productId, sku: l.product.sku, quantity: Number(l.quantity.toString()).toString(), unitPriceMinor: Number(l.unitPriceMinor) }));
}

async function orderFor(tx: Tx, actor: Actor, ref: string) {
  const order = await tx.order.findFirst({
    where: { organizationId: actor.organizationId, number: await recordNumber(tx, "order", actor.organizationId, ref) },
    include: { account: true, lines: { include: { product: true }, orderBy: { lineNo: "asc" } } },
  });
  if (!order) throw new NotFoundError("order", ref);
  return order;
}

/**
 * Changes an order's lines (quantity, unit price; lines added or removed), requested day or PO,
 * recomputing its total. Line numbers stay as they were (a removed line leaves a gap; an added
 * one comes last), so "line 2" means the same line before and after. A cancelled order is final.
 */
export async function editOrder(db: PrismaClient, actor: Actor, input: EditOrderInput) {
  const data = validate(editOrderInput, input);
  if (data.lines.length === 0 && data.requestedOn === undefined && data.poRef === undefined) {
    throw new InvalidInputError("order", "error.nothingToChange");
  }
  return inTransaction(db, async (tx) => {
    const order = await orderFor(tx, actor, data.order);
    await requireAccount(tx, actor, "account.write", order.accountId);
    const ref = `O-${order.number}`;
    await assertVersion(tx, actor.organizationId, order, ref, data.expectedVersion);
    if (order.status === "CANCELLED") throw new ConflictError("error.orderCancelled", { order: ref });
    const before = snapshot(order.lines);
    const lines = before.map((l) => ({ ...l }));
    let next = Math.max(0, ...lines.map((l) => l.lineNo)) + 1;
    const orderDay = limits.dayToDate(localDay(order.orderedAt, await organizationTimeZone(tx, actor.organizationId)));
    for (const [i, edit] of data.lines.entries()) {
      const price = "unitPrice" in edit ? edit.unitPrice : undefined;
      if (price?.currency && price.currency !== order.currency) {
        throw new InvalidInputError(`lines.${i}.unitPrice`, "error.currencyMismatch", { given: price.currency, expected: order.currency });
      }
      if (edit.op === "add") {
        const product = await resolveProduct(tx, actor.organizationId, edit.product);
        requireOrderable(product, `lines.${i}.product`);
        requireWholeIfCounted(product, edit.quantity, `lines.${i}.quantity`);
        const unitPrice =
          price !== undefined ? minorIn(price, order.currency, `lines.${i}.unitPrice`)
          : (await contractPrice(tx, order.accountId, product.id, orderDay)) ?? (product.currency === order.currency ? listPriceOn(product, orderDay) : null);
        if (unitPrice === null) throw new InvalidInputError(`lines.${i}.unitPrice`, "error.priceNeeded", { product: product.sku });
        lines.push({ lineNo: next++, productId: product.id, sku: product.sku, quantity: edit.quantity.toString(), unitPriceMinor: Number(unitPrice) });
        continue;
      }
      const at = lines.findIndex((l) => l.lineNo === edit.lineNo);
      if (at < 0) throw new InvalidInputError(`lines.${i}.lineNo`, "error.noSuchLine", { order: ref, line: edit.lineNo });
      if (edit.op === "remove") {
        lines.splice(at, 1);
        continue;
      }
      const line = lines[at]!;
      if (edit.quantity !== undefined) {
        const product = order.lines.find((l) => l.lineNo === line.lineNo)!.product;
        requireWholeIfCounted(product, edit.quantity, `lines.${i}.quantity`);
        line.quantity = edit.quantity.toString();
      }
      if (price !== undefined) line.unitPriceMinor = Number(minorIn(price, order.currency, `lines.${i}.unitPrice`));
    }
    if (lines.length === 0) throw new InvalidInputError("lines", "error.orderNeedsLine", { order: ref });
    const after = {
      totalMinor: orderTotal(lines, "lines"),
      ...(data.requestedOn !== undefined ? { requestedOn: data.requestedOn === null ? null : limits.dayToDate(data.requestedOn) } : {}),
      ...(data.poRef !== undefined ? { poRef: data.poRef } : {}),
    };
    const changes = diffFields(order, after, ["totalMinor", "requestedOn", "poRef"]);
    const linesChanged = JSON.stringify(before) !== JSON.stringify(lines);
    if (linesChanged) changes.lines = { before, after: lines };
    if (Object.keys(changes).length === 0) throw new InvalidInputError("order", "error.nothingToChange");
    if (linesChanged) await writeLines(tx, order.id, lines);
    const updated = await tx.order.update({
      where: { id: order.id },
      data: { ...after, version: { increment: 1 } },
      include: { account: true, lines: { include: { product: true }, orderBy: { lineNo: "asc" } } },
    });
    await auditChange(tx, actor, "order.edit", "Order", order.id, updated.version, changes, { currency: order.currency });
    return updated;
  });
}

async function writeLines(tx: Tx, orderId: string, lines: LineSnapshot[]) {
  await tx.orderLine.deleteMany({ where: { orderId } });
  await tx.orderLine.createMany({
    data: lines.map((l) => ({ orderId, lineNo: l.lineNo, productId: l.productId, quantity: Number(l.quantity).toFixed(3), unitPriceMinor: BigInt(l.unitPriceMinor) })),
  });
}

registerUndo("order.edit", async (tx, row, data) => {
  const lines = data.changes.lines?.before as LineSnapshot[] | undefined;
  if (lines) await writeLines(tx, row.id, lines);
});

/** `order cancel`: the status rules of changeOrderStatus (a delivered, invoiced or billed order cannot be cancelled), with a reason. */
export async function cancelOrder(db: PrismaClient, actor: Actor, input: { order: string; reason?: string | undefined; expectedVersion?: number | undefined }) {
  const data = validate(
    z.object({ order: limits.reference, reason: limits.shortText.optional(), expectedVersion: z.number().int().min(1).optional() }),
    input,
  );
  return changeOrderStatus(db, actor, { order: data.order, status: "CANCELLED", ...(data.reason ? { reason: data.reason } : {}), ...(data.expectedVersion ? { expectedVersion: data.expectedVersion } : {}) });
}
