import { auditChange, diffFields } from "../../changes.ts";
import { InvalidInputError } from "../../errors.ts";
import * as limits from "../../limits.ts";
import { localDay } from "../../rules/time.ts";
import { audit, nextNumber } from "../../tx.ts";
import { existingRecord, inField, kamNumber, onLine, record, recordKey, toMinor, type ImportContext, type Row } from "../context.ts";
import type { CanonicalRow } from "../kinds.ts";
import { AccountLookup, ProductLookup } from "../lookups.ts";

const FIELDS = ["accountId", "name", "fromDay", "toDay", "budgetMinor", "currency", "endedAt", "products"] as const;

/** "BOLT-10 NUT-10" or "BOLT-10, NUT-10" → the SKUs in the order written, once each. */
export function programSkus(cell: string | null | undefined): string[] {
  return [...new Set((cell ?? "").split(/[\s,;]+/).filter(Boolean))];
}

/**
 * Marketing programs by the marketing tool's or ERP's id (`program`), or kam's MP-3 as export
 * writes it for programs entered in chat. `status` ended ends a program whose last day has not
 * passed (it is ended at the import's time, its days kept as the file says); planned or running
 * takes an `program end` back. A changed program is updated, its products replaced, the change audited.
 */
export async function importPrograms(ctx: ImportContext, rows: Row<CanonicalRow<"programs">>[]): Promise<void> {
  const { tx, actor } = ctx;
  const organizationId = actor.organizationId;
  const accounts = new AccountLookup(ctx);
  const products = new ProductLookup(ctx);
  const today = localDay(actor.now, ctx.org.timeZone);
  const refs = rows.map((r) => r.values.program);
  const numbers = refs.map((r) => kamNumber(r, "MP")).filter((n) => n !== null);
  const existing = new Map(
    (await tx.marketingProgram.findMany({
      where: { organizationId, OR: [{ externalRef: { in: refs } }, { number: { in: numbers }, externalRef: null }] },
      include: { products: { include: { product: { select: { sku: true } } } } },
    })).map((p) => [p.externalRef ?? `MP-${p.number}`, p]),
  );
  const seen = new Map<string, number>();
  for (const { line, values } of rows) {
    await onLine(ctx, line, undefined, async () => {
      const key = recordKey(values.program, "MP");
      const first = seen.get(key);
      if (first !== undefined) throw new InvalidInputError("program", "import.duplicateRow", { first });
      seen.set(key, line);
      if (values.ends_on < values.starts_on) throw new InvalidInputError("ends_on", "error.dateTooEarly", { min: values.starts_on });
      const account = await inField("account", accounts.resolve(values.account));
      const found = existingRecord(existing, values.program, "MP", "program");
      if (found) await accounts.requireMove(found, account, "program", values.program);
      // Columns the file does not have (products, budget, status) leave an existing program's as they are.
      const wantedProducts: { id: string; sku: string }[] = [];
      if (values.products === undefined && found) wantedProducts.push(...found.products.map((p) => ({ id: p.productId, sku: p.product.sku })));
      for (const sku of values.products === undefined && found ? [] : programSkus(values.products)) {
        const product = await inField("products", products.resolve(sku));
        if (!wantedProducts.some((p) => p.id === product.id)) wantedProducts.push({ id: product.id, sku: product.sku });
      }
      const currency = values.currency ?? found?.currency ?? account.currency;
      const ended = values.status === "ended" && values.ends_on >= today;
      const wanted = {
        accountId: account.id,
        name: values.name,
        fromDay: limits.dayToDate(values.starts_on),
        toDay: limits.dayToDate(values.ends_on),
        budgetMinor: values.budget === undefined ? (found?.budgetMinor ?? null) : values.budget === null ? null : toMinor(values.budget, currency, "budget"),
        currency,
        endedAt:
          values.status == null ? (found?.endedAt ?? null)
          : ended ? (found?.endedAt ?? actor.now)
          : values.status === "ended" ? (found?.endedAt ?? null)
          : null,
      };
      const skuText = wantedProducts.map((p) => p.sku).sort().join(" ");
      if (!found) {
        const number = await nextNumber(tx, organizationId, "program");
        const created = await tx.marketingProgram.create({
          data: { organizationId, number, externalRef: values.program, ...wanted, createdAt: actor.now, products: { create: wantedProducts.map((p) => ({ productId: p.id })) } },
        });
        await audit(tx, actor, "program.import", "MarketingProgram", created.id, { number, externalRef: values.program, ...wanted, products: skuText });
        record(ctx, line, `MP-${number}`, "created");
        return;
      }
      const before = { ...found, products: found.products.map((p) => p.product.sku).sort().join(" ") };
      const changes = diffFields(before, { ...wanted, products: skuText }, FIELDS);
      if (Object.keys(changes).length === 0) {
        record(ctx, line, `MP-${found.number}`, "unchanged");
        return;
      }
      if (changes.products) {
        await tx.marketingProgramProduct.deleteMany({ where: { programId: found.id } });
        await tx.marketingProgramProduct.createMany({ data: wantedProducts.map((p) => ({ programId: found.id, productId: p.id })) });
      }
      const updated = await tx.marketingProgram.update({ where: { id: found.id }, data: { ...wanted, version: { increment: 1 } } });
      // Products are not a column undo could put back: a program's products are corrected by importing again.
      const final = changes.products ? { undoable: false, undoReason: "undo.reason.import" } : {};
      await auditChange(tx, actor, "program.import", "MarketingProgram", found.id, updated.version, changes, { externalRef: values.program, currency, ...final });
      record(ctx, line, `MP-${found.number}`, "changed");
    });
  }
}
