import { randomUUID } from "node:crypto";
import { auditChange, diffFields } from "../../changes.ts";
import { requireOrg } from "../../permissions.ts";
import { auditMany } from "../../tx.ts";
import { onLine, record, toMinor, type ImportContext, type Row } from "../context.ts";
import type { CanonicalRow } from "../kinds.ts";

const FIELDS = ["sku", "name", "unit", "listPriceMinor"] as const;

interface Wanted {
  sku: string;
  name: string;
  unit: string;
  listPriceMinor: bigint | null;
}

/** Products by SKU (any case); list prices are in the organization's currency. */
export async function importProducts(ctx: ImportContext, rows: Row<CanonicalRow<"products">>[]): Promise<void> {
  const { tx, actor } = ctx;
  await requireOrg(tx, actor, "product.write");
  const existing = await tx.product.findMany({ where: { organizationId: actor.organizationId } });
  const bySku = new Map(existing.map((p) => [p.sku.toLowerCase(), p]));
  const seen = new Map<string, number>();
  const creations: ({ line: number; id: string; currency: string } & Wanted)[] = [];
  for (const { line, values } of rows) {
    await onLine(ctx, line, undefined, async () => {
      const key = values.sku.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.errors.push({ line, field: "sku", key: "import.duplicateRow", params: { first } });
        return;
      }
      seen.set(key, line);
      const found = bySku.get(key);
      const currency = found?.currency ?? ctx.org.currency;
      const wanted: Wanted = {
        sku: found?.sku ?? values.sku,
        name: values.name,
        unit: values.unit ?? found?.unit ?? "pcs",
        listPriceMinor:
          values.list_price === undefined ? (found?.listPriceMinor ?? null)
          : values.list_price === null ? null
          : toMinor(values.list_price, currency, "list_price"),
      };
      if (!found) {
        creations.push({ line, id: randomUUID(), ...wanted, currency });
        return;
      }
      const changes = diffFields(found, wanted, FIELDS);
      if (Object.keys(changes).length === 0) {
        record(ctx, line, found.sku, "unchanged");
        return;
      }
      const updated = await tx.product.update({ where: { id: found.id }, data: { ...wanted, version: { increment: 1 } } });
      await auditChange(tx, actor, "product.import", "Product", found.id, updated.version, changes);
      bySku.set(key, updated);
      record(ctx, line, updated.sku, "changed");
    });
  }
  if (ctx.errors.length > 0 || creations.length === 0) {
    // Nothing is written when there are errors: count what would be created, for the preview.
    for (const c of creations) record(ctx, c.line, c.sku, "created");
    return;
  }
  // A catalog's thousands of SKUs in one statement from one JSON document, their audit events in another.
  await tx.$executeRaw`
    INSERT INTO "Product" (id, "organizationId", sku, name, unit, "listPriceMinor", currency)
    SELECT id, ${actor.organizationId}, sku, name, unit, "listPriceMinor", currency
    FROM json_to_recordset(${JSON.stringify(creations, (_k, v) => (typeof v === "bigint" ? String(v) : v))}::json)
      AS r(id text, sku text, name text, unit text, "listPriceMinor" bigint, currency text)`;
  await auditMany(tx, actor, "product.import", "Product", creations.map(({ line: _, id, ...data }) => ({ entityId: id, data })));
  for (const c of creations) record(ctx, c.line, c.sku, "created");
}
