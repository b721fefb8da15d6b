import { randomUUID } from "node:crypto";
import { Prisma } from "../../../generated/prisma/client.ts";
import type { Actor } from "../../actor.ts";
import { auditChange, diffFields, type FieldChanges } from "../../changes.ts";
import { InvalidInputError } from "../../errors.ts";
import type { OrderStatus } from "../../../generated/prisma/enums.ts";
import * as limits from "../../limits.ts";
import { requireWholeIfCounted } from "../../products.ts";
import { instant, jsonRows } from "../../rules/json-rows.ts";
import { auditMany, type Tx } from "../../tx.ts";
import { existingRecord, givenOrKept, inField, kamNumber, onLine, record, recordKey, requireAgreeing, stage, toMinor, type ImportContext, type Row } from "../context.ts";
import type { CanonicalRow } from "../kinds.ts";
import { AccountLookup, ContractPriceLookup, ProductLookup } from "../lookups.ts";
import { instantOfDay } from "../instants.ts";
import { reserveNumbers } from "../numbers.ts";
import { groupBy } from "../../group-by.ts";
import { orderTotal } from "../../orders.ts";

type OrderRowValues = CanonicalRow<"orders">;

/** The columns every row of one order repeats; they must agree. */
const HEADER = ["account", "ordered_on", "currency", "requested_on", "po", "status"] as const;
const IMPORT_ACTION = "order.import";
/** Orders per statement (each a JSON document of orders, one of their lines). */
const CHUNK = 10_000;
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

interface Wanted {
  accountId: string;
  currency: string;
  orderedAt: Date;
  requestedOn: Date | null;
  poRef: string | null;
  status: OrderStatus;
  totalMinor: bigint;
}

/** An order already in kam, as a row is compared with it: its lines as `linesText` writes them. */
interface Found extends Wanted {
  id: string;
  number: number;
  externalRef: string | null;
  lines: string;
  /** Unit prices of its lines by SKU (lower case), in line order: a file without `unit_price` keeps them. */
  prices: Map<string, bigint[]>;
}

/**
 * Orders by the ERP's order number (`order`), one row per line: the rows with the same number form
 * one order, in file order. A line with an empty `unit_price` takes the contract price in force on
 * the day ordered, else the list price; in a file without that column, a line of an existing order
 * keeps the price its product has there (as other columns a file leaves out, see kinds.ts). An
 * existing order whose rows changed is rewritten (lines replaced, version bumped, the change
 * audited); its status is taken as the ERP has it. Years of an ERP's orders come in one file:
 * lookups are read once and new orders, their lines and their audit events are written set-based,
 * a few statements per chunk, never a statement per row.
 */
export async function importOrders(ctx: ImportContext, rows: Row<OrderRowValues>[]): Promise<void> {
  const { tx, actor } = ctx;
  const organizationId = actor.organizationId;
  const groups = groupBy(rows, (row) => recordKey(row.values.order, "O"));
  const { accounts, products, prices, existing } = await stage(ctx.timings, "lookups", async () => {
    const accounts = new AccountLookup(ctx);
    await accounts.preload(rows.map((r) => r.values.account));
    const prices = new ContractPriceLookup(ctx);
    await prices.preload(rows.map((r) => accounts.find(r.values.account)?.id).filter((id): id is string => !!id));
    return { accounts, products: new ProductLookup(ctx), prices, existing: await readExisting(ctx, [...groups.keys()]) };
  });

  const creations: { line: number; ref: string; wanted: Wanted; lines: LineWanted[] }[] = [];
  const updates: { line: number; ref: string; found: Found; wanted: Wanted; lines: LineWanted[]; changes: FieldChanges }[] = [];
  await stage(ctx.timings, "match", async () => {
    for (const [ref, group] of groups) {
      const first = group[0]!;
      await onLine(ctx, first.line, undefined, async () => {
        const head = first.values;
        requireAgreeing(group, HEADER, "import.orderRowsDiffer", { order: ref });
        const account = await inField("account", accounts.resolve(head.account));
        const found = existingRecord(existing, ref, "O", "order");
        if (found) await accounts.requireMove(found, account, "order", ref);
        const currency = head.currency ?? found?.currency ?? account.currency;
        const lines: LineWanted[] = [];
        // The n-th line of a product keeps the price of the order's n-th line of it (free goods at 0 beside the paid ones).
        const seenSku = new Map<string, number>();
        const keptPrice = (sku: string) => {
          const n = seenSku.get(sku) ?? 0;
          seenSku.set(sku, n + 1);
          return found && found.currency === currency ? found.prices.get(sku)?.[n] : undefined;
        };
        for (const row of group) {
          await onLine(ctx, row.line, undefined, async () => {
            const product = await inField("sku", products.resolve(row.values.sku));
            requireWholeIfCounted(product, row.values.quantity, "quantity");
            const kept = keptPrice(product.sku.toLowerCase());
            const price =
              row.values.unit_price !== undefined && row.values.unit_price !== null ? toMinor(row.values.unit_price, currency, "unit_price")
              : row.values.unit_price === undefined && kept !== undefined ? kept
              : currency === account.currency ? prices.on(account.id, product.id, head.ordered_on) ?? (product.currency === currency ? product.listPriceMinor : null)
              : null;
            if (price === null) throw new InvalidInputError("unit_price", "import.priceNeeded", { product: product.sku });
            lines.push({ productId: product.id, sku: product.sku, quantity: row.values.quantity, unitPriceMinor: price });
          });
        }
        if (lines.length !== group.length) return;
        const requestedOn = givenOrKept(head.requested_on, found ? found.requestedOn && limits.dateToDay(found.requestedOn) : undefined);
        const wanted: Wanted = {
          accountId: account.id,
          currency,
          orderedAt: instantOfDay(head.ordered_on, ctx.org.timeZone, found?.orderedAt),
          requestedOn: requestedOn ? limits.dayToDate(requestedOn) : null,
          poRef: givenOrKept(head.po, found?.poRef),
          status: (head.status?.toUpperCase() ?? found?.status ?? "RECEIVED") as OrderStatus,
          totalMinor: orderTotal(lines, "quantity"),
        };
        if (!found) {
          creations.push({ line: first.line, ref, wanted, lines });
          return;
        }
        const changes = diffFields(found, { ...wanted, lines: linesText(lines) }, FIELDS);
        if (Object.keys(changes).length === 0) record(ctx, first.line, `O-${found.number}`, "unchanged");
        else updates.push({ line: first.line, ref, found, wanted, lines, changes });
      });
    }
  });
  if (ctx.errors.length > 0) {
    // Nothing is written anyway: count what would be created and changed, for the preview.
    for (const c of creations) record(ctx, c.line, "", "created");
    for (const u of updates) record(ctx, u.line, `O-${u.found.number}`, "changed");
    return;
  }
  await stage(ctx.timings, "writes", async () => {
    // Changed orders are few (an ERP corrects a handful): one by one, as an edit in chat.
    for (const u of updates) {
      if (u.changes.lines) {
        await tx.orderLine.deleteMany({ where: { orderId: u.found.id } });
        await tx.orderLine.createMany({ data: lineRecords(u.found.id, u.lines) });
      }
      const updated = await tx.order.update({
        where: { id: u.found.id },
        data: { ...u.wanted, version: { increment: 1 }, ...(u.changes.status ? { statusChangedAt: actor.now } : {}) },
      });
      await auditChange(tx, actor, IMPORT_ACTION, "Order", u.found.id, updated.version, u.changes, { externalRef: u.ref });
      record(ctx, u.line, `O-${u.found.number}`, "changed");
    }
    if (creations.length === 0) return;
    const firstNumber = await reserveNumbers(tx, organizationId, "order", creations.length);
    const orders = creations.map((c, i) => ({ ...c, id: randomUUID(), number: firstNumber + i }));
    for (let i = 0; i < orders.length; i += CHUNK) {
      const chunk = orders.slice(i, i + CHUNK);
      await insertOrders(tx, actor, chunk);
      await auditMany(tx, actor, IMPORT_ACTION, "Order", chunk.map((o) => ({
        entityId: o.id,
        data: { number: o.number, externalRef: o.ref, ...o.wanted, lines: linesText(o.lines) },
      })));
    }
    for (const o of orders) record(ctx, o.line, `O-${o.number}`, "created");
  });
}

/**
 * The file's orders already in kam, by ERP number or by kam's O-number (export writes those), with
 * their lines: one query, one JSON document (Prisma's nested include took 1.4 s for 25,000 orders).
 */
async function readExisting(ctx: ImportContext, refs: string[]): Promise<Map<string, Found>> {
  const numbers = refs.map((r) => kamNumber(r, "O")).filter((n) => n !== null);
  const rows = await jsonRows<Omit<Found, "orderedAt" | "requestedOn" | "totalMinor" | "lines"> & {
    orderedAt: string; requestedOn: string | null; totalMinor: string; lines: [string, string, string][] | null;
  }>(ctx.tx, Prisma.sql`
    WITH o AS (
      SELECT o.* FROM "Order" o JOIN json_array_elements_text(${JSON.stringify(refs)}::json) r(ref)
        ON o."organizationId" = ${ctx.actor.organizationId} AND o."externalRef" = r.ref
      UNION ALL
      SELECT o.* FROM "Order" o JOIN json_array_elements_text(${JSON.stringify(numbers)}::json) n(number)
        ON o."organizationId" = ${ctx.actor.organizationId} AND o."externalRef" IS NULL AND o.number = n.number::int),
    l AS (
      SELECT l."orderId", json_agg(json_build_array(p.sku, l.quantity::text, l."unitPriceMinor"::text) ORDER BY l."lineNo") AS lines
      FROM o JOIN "OrderLine" l ON l."orderId" = o.id JOIN "Product" p ON p.id = l."productId"
      GROUP BY l."orderId")
    SELECT o.id, o.number, o."externalRef", o."accountId", o.currency::text AS currency, o."orderedAt", o."requestedOn"::text AS "requestedOn",
           o."poRef", o.status::text AS status, o."totalMinor"::text AS "totalMinor", l.lines
    FROM o LEFT JOIN l ON l."orderId" = o.id`);
  return new Map(rows.map((o) => [o.externalRef ?? `O-${o.number}`, {
    ...o,
    orderedAt: instant(o.orderedAt),
    requestedOn: o.requestedOn === null ? null : limits.dayToDate(o.requestedOn),
    totalMinor: BigInt(o.totalMinor),
    lines: linesText((o.lines ?? []).map(([sku, quantity, unitPriceMinor]) => ({ sku, quantity, unitPriceMinor: Number(unitPriceMinor) }))),
    prices: pricesBySku(o.lines ?? []),
  }]));
}

function pricesBySku(lines: [string, string, string][]): Map<string, bigint[]> {
  const prices = new Map<string, bigint[]>();
  for (const [sku, , unitPriceMinor] of lines) {
    const key = sku.toLowerCase();
    prices.set(key, [...(prices.get(key) ?? []), BigInt(unitPriceMinor)]);
  }
  return prices;
}

function lineRecords(orderId: string, lines: LineWanted[]) {
  return lines.map((l, i) => ({ orderId, lineNo: i + 1, productId: l.productId, quantity: l.quantity.toFixed(3), unitPriceMinor: l.unitPriceMinor }));
}

const json = (rows: object[]) => JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? String(v) : v));

/** New orders and their lines, two statements from two JSON documents (see importers/invoices.ts). */
async function insertOrders(tx: Tx, actor: Actor, orders: { id: string; number: number; ref: string; wanted: Wanted; lines: LineWanted[] }[]): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO "Order" (id, "organizationId", number, "externalRef", "accountId", currency, "orderedAt", "requestedOn", "poRef", status, "totalMinor", "createdById", "statusChangedAt")
    SELECT id, ${actor.organizationId}, number, "externalRef", "accountId", currency, "orderedAt", "requestedOn", "poRef", status::"OrderStatus", "totalMinor", ${actor.memberId}, ${actor.now}
    FROM json_to_recordset(${json(orders.map((o) => ({ id: o.id, number: o.number, externalRef: o.ref, ...o.wanted })))}::json)
      AS r(id text, number int, "externalRef" text, "accountId" text, currency text, "orderedAt" timestamp(3), "requestedOn" date, "poRef" text,
           status text, "totalMinor" bigint)`;
  await tx.$executeRaw`
    INSERT INTO "OrderLine" (id, "orderId", "lineNo", "productId", quantity, "unitPriceMinor")
    SELECT gen_random_uuid()::text, "orderId", "lineNo", "productId", quantity, "unitPriceMinor"
    FROM json_to_recordset(${json(orders.flatMap((o) => lineRecords(o.id, o.lines)))}::json)
      AS r("orderId" text, "lineNo" int, "productId" text, quantity numeric(14, 3), "unitPriceMinor" bigint)`;
}
