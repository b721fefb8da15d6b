import { auditChange, diffFields } from "../../changes.ts";
import { InvalidInputError } from "../../errors.ts";
import type { OrderStatus } from "../../../generated/prisma/enums.ts";
import * as limits from "../../limits.ts";
import { contractPrice } from "../../orders.ts";
import { requireWholeIfCounted } from "../../products.ts";
import { audit, nextNumber } from "../../tx.ts";
import { inField, kamNumber, onLine, record, toMinor, type ImportContext, type Row } from "../context.ts";
import type { CanonicalRow } from "../kinds.ts";
import { AccountLookup, ProductLookup } from "../lookups.ts";
import { groupBy } from "../../group-by.ts";

type OrderRowValues = CanonicalRow<"orders">;

/** The columns every row of one order repeats; they must agree. */
const HEADER = ["account", "ordered_on", "currency", "requested_on", "po", "status"] as const;
const FIELDS = ["accountId", "currency", "orderedAt", "requestedOn", "poRef", "status", "totalMinor", "lines"] as const;

interface LineWanted {
  productId: string;
  sku: string;
  quantity: number;
  unitPriceMinor: bigint;
}

function linesText(lines: { sku: string; quantity: number | string; unitPriceMinor: bigint | number }[]): string {
  return lines.map((l) => `${Number(l.quantity)} ${l.sku} @ ${Number(l.unitPriceMinor)}`).join("; ");
}

/**
 * Orders by the ERP's order number (`order`), one row per line: the rows with the same number form
 * one order, in file order. A line without `unit_price` takes the contract price in force on the
 * day ordered, else the list price. An existing order whose rows changed is rewritten (lines
 * replaced, version bumped, the change audited); its status is taken as the ERP has it.
 */
export async function importOrders(ctx: ImportContext, rows: Row<OrderRowValues>[]): Promise<void> {
  const { tx, actor } = ctx;
  const organizationId = actor.organizationId;
  const accounts = new AccountLookup(ctx);
  await accounts.preload(rows.map((r) => r.values.account));
  const products = new ProductLookup(ctx);
  const groups = groupBy(rows, (row) => row.values.order);
  const refs = [...groups.keys()];
  const numbers = refs.map((r) => kamNumber(r, "O")).filter((n) => n !== null);
  const found = await tx.order.findMany({
    where: { organizationId, OR: [{ externalRef: { in: refs } }, { number: { in: numbers }, externalRef: null }] },
    include: { lines: { include: { product: true }, orderBy: { lineNo: "asc" } } },
  });
  const existing = new Map(found.map((o) => [o.externalRef ?? `O-${o.number}`, o]));
  for (const [ref, group] of groups) {
    const first = group[0]!;
    await onLine(ctx, first.line, undefined, async () => {
      const head = first.values;
      for (const row of group.slice(1)) {
        const differs = HEADER.find((c) => (row.values[c] ?? null) !== (head[c] ?? null));
        if (differs) throw new InvalidInputError(differs, "import.orderRowsDiffer", { order: ref, column: differs, first: first.line, line: row.line });
      }
      const account = await inField("account", accounts.resolve(head.account));
      const currency = head.currency ?? account.currency;
      const day = limits.dayToDate(head.ordered_on);
      const lines: LineWanted[] = [];
      for (const row of group) {
        await onLine(ctx, row.line, undefined, async () => {
          const product = await inField("sku", products.resolve(row.values.sku));
          requireWholeIfCounted(product, row.values.quantity, "quantity");
          const price =
            row.values.unit_price !== undefined && row.values.unit_price !== null ? toMinor(row.values.unit_price, currency)
            : currency === account.currency ? (await contractPrice(tx, account.id, product.id, day)) ?? (product.currency === currency ? product.listPriceMinor : null)
            : null;
          if (price === null) throw new InvalidInputError("unit_price", "import.priceNeeded", { product: product.sku });
          lines.push({ productId: product.id, sku: product.sku, quantity: row.values.quantity, unitPriceMinor: price });
        });
      }
      if (lines.length !== group.length) return;
      const total = lines.reduce((sum, l) => sum + BigInt(Math.round(Number(l.unitPriceMinor) * l.quantity)), 0n);
      const wanted = {
        accountId: account.id,
        currency,
        orderedAt: day,
        requestedOn: head.requested_on ? limits.dayToDate(head.requested_on) : null,
        poRef: head.po ?? null,
        status: (head.status?.toUpperCase() ?? "RECEIVED") as OrderStatus,
        totalMinor: total,
      };
      const found = existing.get(kamNumber(ref, "O") === null ? ref : `O-${kamNumber(ref, "O")}`);
      if (!found && kamNumber(ref, "O") !== null) throw new InvalidInputError("order", "error.notFound", { kind: "order", ref });
      if (!found) {
        const number = await nextNumber(tx, organizationId, "order");
        const order = await tx.order.create({
          data: {
            organizationId,
            number,
            externalRef: ref,
            ...wanted,
            createdById: actor.memberId,
            statusChangedAt: actor.now,
            lines: { create: lines.map((l, i) => ({ lineNo: i + 1, productId: l.productId, quantity: l.quantity.toFixed(3), unitPriceMinor: l.unitPriceMinor })) },
          },
        });
        await audit(tx, actor, "order.import", "Order", order.id, { number, externalRef: ref, ...wanted, lines: linesText(lines) });
        record(ctx, first.line, `O-${number}`, "created");
        return;
      }
      const before = { ...found, lines: linesText(found.lines.map((l) => ({ sku: l.product.sku, quantity: Number(l.quantity), unitPriceMinor: l.unitPriceMinor }))) };
      const changes = diffFields(before, { ...wanted, lines: linesText(lines) }, FIELDS);
      if (Object.keys(changes).length === 0) {
        record(ctx, first.line, `O-${found.number}`, "unchanged");
        return;
      }
      if (changes.lines) {
        await tx.orderLine.deleteMany({ where: { orderId: found.id } });
        await tx.orderLine.createMany({
          data: lines.map((l, i) => ({ orderId: found.id, lineNo: i + 1, productId: l.productId, quantity: l.quantity.toFixed(3), unitPriceMinor: l.unitPriceMinor })),
        });
      }
      const updated = await tx.order.update({
        where: { id: found.id },
        data: { ...wanted, version: { increment: 1 }, ...(changes.status ? { statusChangedAt: actor.now } : {}) },
      });
      await auditChange(tx, actor, "order.import", "Order", found.id, updated.version, changes, { externalRef: ref });
      record(ctx, first.line, `O-${found.number}`, "changed");
    });
  }
}
