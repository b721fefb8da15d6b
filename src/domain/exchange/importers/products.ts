import { auditChange, diffFields } from "../../changes.ts";
import { requireOrg } from "../../permissions.ts";
import { audit } from "../../tx.ts";
import { onLine, record, toMinor, type ImportContext, type Row } from "../context.ts";
import type { CanonicalRow } from "../kinds.ts";

const FIELDS = ["sku", "name", "unit", "listPriceMinor"] as const;

/** Products by SKU (any case); list prices are in the organization's currency. */
export async function importProducts(ctx: ImportContext, rows: Row<CanonicalRow<"products">>[]): Promise<void> {
  const { tx, actor } = ctx;
  await requireOrg(tx, actor, "product.write");
  const existing = await tx.product.findMany({ where: { organizationId: actor.organizationId } });
  const bySku = new Map(existing.map((p) => [p.sku.toLowerCase(), p]));
  const seen = new Map<string, number>();
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
      const wanted = {
        sku: found?.sku ?? values.sku,
        name: values.name,
        unit: values.unit ?? found?.unit ?? "pcs",
        listPriceMinor: values.list_price === undefined || values.list_price === null ? null : toMinor(values.list_price, currency),
      };
      if (!found) {
        const product = await tx.product.create({ data: { organizationId: actor.organizationId, currency, ...wanted } });
        await audit(tx, actor, "product.import", "Product", product.id, { ...wanted, currency });
        bySku.set(key, product);
        record(ctx, line, product.sku, "created");
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
}
