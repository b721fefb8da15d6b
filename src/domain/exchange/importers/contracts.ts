import { auditChange, diffFields } from "../../changes.ts";
import { InvalidInputError } from "../../errors.ts";
import type { CommitmentPeriod } from "../../../generated/prisma/enums.ts";
import * as limits from "../../limits.ts";
import { requireWholeIfCounted } from "../../products.ts";
import { audit, nextNumber } from "../../tx.ts";
import { existingRecord, inField, kamNumber, onLine, record, recordKey, requireAgreeing, toMinor, type ImportContext, type Row } from "../context.ts";
import type { CanonicalRow } from "../kinds.ts";
import { AccountLookup, ProductLookup } from "../lookups.ts";
import { groupBy } from "../../group-by.ts";
import { addDays } from "../../rules/time.ts";

type ContractRowValues = CanonicalRow<"contracts">;

const HEADER = ["account", "name", "starts_on", "ends_on", "notice_days", "terms_days"] as const;
const FIELDS = ["accountId", "name", "startsOn", "endsOn", "noticeDays", "paymentTermsDays", "prices", "commitments"] as const;

const pricesText = (prices: { sku: string; priceMinor: bigint; validFrom: string | null }[]) =>
  prices.map((p) => `${p.sku}=${p.priceMinor}${p.validFrom ? ` from ${p.validFrom}` : ""}`).sort().join("; ");
const commitmentsText = (commitments: { sku: string; quantity: number; period: string }[]) =>
  commitments.map((c) => `${c.quantity} ${c.sku}/${c.period}`).sort().join("; ");

/**
 * Contracts by the ERP's contract number (`contract`), one row per price or commitment (a row may
 * carry both, or neither for a contract without prices). A changed contract is rewritten: its
 * terms updated, prices and commitments replaced, the change audited.
 */
export async function importContracts(ctx: ImportContext, rows: Row<ContractRowValues>[]): Promise<void> {
  const { tx, actor } = ctx;
  const organizationId = actor.organizationId;
  const accounts = new AccountLookup(ctx);
  await accounts.preload(rows.map((r) => r.values.account));
  const products = new ProductLookup(ctx);
  const groups = groupBy(rows, (row) => recordKey(row.values.contract, "K"));
  const refs = [...groups.keys()];
  const numbers = refs.map((r) => kamNumber(r, "K")).filter((n) => n !== null);
  const existing = new Map(
    (await tx.contract.findMany({
      where: { organizationId, OR: [{ externalRef: { in: refs } }, { number: { in: numbers }, externalRef: null }] },
      include: { prices: { include: { product: true } }, commitments: { include: { product: true } } },
    })).map((c) => [c.externalRef ?? `K-${c.number}`, c]),
  );
  for (const [ref, group] of groups) {
    const first = group[0]!;
    await onLine(ctx, first.line, undefined, async () => {
      const head = first.values;
      requireAgreeing(group, HEADER, "import.contractRowsDiffer", { contract: ref });
      if (head.ends_on < head.starts_on) throw new InvalidInputError("ends_on", "error.dateTooEarly", { min: head.starts_on });
      const account = await inField("account", accounts.resolve(head.account));
      const found = existingRecord(existing, ref, "K", "contract");
      if (found) await accounts.requireMove(found, account, "contract", ref);
      const prices: { productId: string; sku: string; priceMinor: bigint; validFrom: string | null }[] = [];
      const commitments: { productId: string; sku: string; quantity: number; period: CommitmentPeriod }[] = [];
      let failed = false;
      for (const { line, values } of group) {
        const before = ctx.errors.length;
        await onLine(ctx, line, undefined, async () => {
          if (values.price_from != null && values.price == null) throw new InvalidInputError("price_from", "import.priceFromNeedsPrice", {});
          const hasTerms = values.price != null || values.commit_quantity != null;
          if (!values.sku) {
            if (hasTerms) throw new InvalidInputError("sku", "import.skuNeeded", {});
            return;
          }
          if (!hasTerms) {
            // A price row of a file without the price column: the contract keeps its prices.
            if (found && values.price === undefined) return;
            throw new InvalidInputError("price", "import.termsNeeded", { product: values.sku });
          }
          const product = await inField("sku", products.resolve(values.sku));
          if (values.price != null) {
            // From the contract's first day (or before) is the whole term, as `contract amend` has it.
            const validFrom = values.price_from && values.price_from > head.starts_on ? values.price_from : null;
            const priceMinor = toMinor(values.price, account.currency, "price");
            // A contract ended early in chat keeps an amendment that would have come later: it exports so.
            const kept = found?.prices.some((p) => p.productId === product.id && p.priceMinor === priceMinor && (p.validFrom && limits.dateToDay(p.validFrom)) === validFrom);
            if (validFrom && validFrom > head.ends_on && !kept) {
              throw new InvalidInputError("price_from", "error.endAfterTerm", { contract: ref, endsOn: head.ends_on });
            }
            if (prices.some((p) => p.productId === product.id && p.validFrom === validFrom)) {
              throw new InvalidInputError("price_from", "import.samePriceFrom", { product: product.sku, day: validFrom ?? head.starts_on });
            }
            prices.push({ productId: product.id, sku: product.sku, priceMinor, validFrom });
          }
          if (values.commit_quantity != null) {
            // Left out or empty, the period is the one the contract commits to for the product (if one), else a year.
            const held = found?.commitments.filter((c) => c.productId === product.id) ?? [];
            const period = (values.commit_period?.toUpperCase() ?? (held.length === 1 ? held[0]!.period : "YEAR")) as CommitmentPeriod;
            requireWholeIfCounted(product, values.commit_quantity, "commit_quantity");
            if (commitments.some((c) => c.productId === product.id && c.period === period)) {
              throw new InvalidInputError("sku", "error.duplicateProduct", { product: product.sku });
            }
            commitments.push({ productId: product.id, sku: product.sku, quantity: values.commit_quantity, period });
          }
        });
        if (ctx.errors.length > before) failed = true;
      }
      if (failed) return;
      // A file without the price or commitment columns (terms only) leaves a contract's as they are.
      const leftOut = (column: "sku" | "price" | "commit_quantity") => group.every((r) => r.values[column] === undefined);
      if (found && (leftOut("sku") || leftOut("price"))) {
        prices.push(...keptPrices(found.prices, head.starts_on));
      }
      if (found && (leftOut("sku") || leftOut("commit_quantity"))) {
        commitments.push(...found.commitments.map((c) => ({ productId: c.productId, sku: c.product.sku, quantity: Number(c.quantity), period: c.period })));
      }
      const wanted = {
        accountId: account.id,
        name: head.name,
        startsOn: limits.dayToDate(head.starts_on),
        endsOn: limits.dayToDate(head.ends_on),
        noticeDays: head.notice_days ?? found?.noticeDays ?? 90,
        paymentTermsDays: head.terms_days ?? found?.paymentTermsDays ?? 30,
      };
      const terms = { prices: pricesText(prices), commitments: commitmentsText(commitments) };
      const priceRows = priceChain(prices);
      const commitmentRows = commitments.map((c) => ({ productId: c.productId, quantity: c.quantity.toFixed(3), period: c.period }));
      // A new contract runs a day at least; one ended on its first day (`contract end`) imports back as it is.
      if (!found && head.ends_on === head.starts_on) throw new InvalidInputError("ends_on", "error.dateTooEarly", { min: head.starts_on });
      if (!found) {
        const number = await nextNumber(tx, organizationId, "contract");
        const contract = await tx.contract.create({
          data: {
            organizationId, number, externalRef: ref, currency: account.currency, ...wanted,
            prices: { create: priceRows },
            commitments: { create: commitmentRows },
          },
        });
        await audit(tx, actor, "contract.import", "Contract", contract.id, { number, externalRef: ref, ...wanted, ...terms });
        record(ctx, first.line, `K-${number}`, "created");
        return;
      }
      const before = {
        ...found,
        prices: pricesText(found.prices.map((p) => ({ sku: p.product.sku, priceMinor: p.priceMinor, validFrom: p.validFrom && limits.dateToDay(p.validFrom) }))),
        commitments: commitmentsText(found.commitments.map((c) => ({ sku: c.product.sku, quantity: Number(c.quantity), period: c.period }))),
      };
      const changes = diffFields(before, { ...wanted, ...terms }, FIELDS);
      if (Object.keys(changes).length === 0) {
        record(ctx, first.line, `K-${found.number}`, "unchanged");
        return;
      }
      if (changes.prices) {
        await tx.contractPrice.deleteMany({ where: { contractId: found.id } });
        await tx.contractPrice.createMany({ data: priceRows.map((p) => ({ ...p, contractId: found.id })) });
      }
      if (changes.commitments) {
        await tx.contractCommitment.deleteMany({ where: { contractId: found.id } });
        await tx.contractCommitment.createMany({ data: commitmentRows.map((c) => ({ ...c, contractId: found.id })) });
      }
      const updated = await tx.contract.update({ where: { id: found.id }, data: { ...wanted, version: { increment: 1 } } });
      await auditChange(tx, actor, "contract.import", "Contract", found.id, updated.version, changes, { externalRef: ref });
      record(ctx, first.line, `K-${found.number}`, "changed");
    });
  }
}

/**
 * A contract's prices as rows: a product's prices follow each other, each in force from its day up
 * to the day before the next one's (as `contract amend … from <day>` leaves them).
 */
function priceChain(prices: { productId: string; priceMinor: bigint; validFrom: string | null }[]) {
  const sorted = [...prices].sort((a, b) => a.productId.localeCompare(b.productId) || (a.validFrom ?? "").localeCompare(b.validFrom ?? ""));
  return sorted.map((p, i) => {
    const next = sorted[i + 1];
    const validTo = next && next.productId === p.productId ? addDays(next.validFrom!, -1) : null;
    return { productId: p.productId, priceMinor: p.priceMinor, validFrom: p.validFrom ? limits.dayToDate(p.validFrom) : null, validTo: validTo ? limits.dayToDate(validTo) : null };
  });
}

/**
 * A contract's prices kept for a file without prices, on its term as the file gives it: a price
 * from the (new) first day or before is the whole term's, and of those only the latest stays (the
 * one in force on that day), as `contract amend` would leave them.
 */
function keptPrices(prices: { productId: string; priceMinor: bigint; validFrom: Date | null; product: { sku: string } }[], startsOn: string) {
  const chain = prices
    .map((p) => ({ productId: p.productId, sku: p.product.sku, priceMinor: p.priceMinor, from: p.validFrom ? limits.dateToDay(p.validFrom) : null }))
    .sort((a, b) => a.productId.localeCompare(b.productId) || (a.from ?? "").localeCompare(b.from ?? ""));
  return chain
    .filter((p, i) => {
      const next = chain[i + 1];
      return !(next && next.productId === p.productId && (next.from ?? startsOn) <= startsOn);
    })
    .map(({ from, ...p }) => ({ ...p, validFrom: from && from > startsOn ? from : null }));
}
