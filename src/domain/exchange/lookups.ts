import { NotFoundError } from "../errors.ts";
import { requireAccount } from "../permissions.ts";
import type { ImportContext } from "./context.ts";

interface AccountRow {
  id: string;
  name: string;
  currency: string;
  externalId: string | null;
}

/**
 * An import names accounts by their ERP number (`external_id`) or their full name (any case):
 * not by a prefix, as chat does, since a file is data and a prefix could pick the wrong account.
 * The caller's right to write each account is checked once per import.
 */
export class AccountLookup {
  private byExternal = new Map<string, AccountRow>();
  private byName = new Map<string, AccountRow>();
  private allowed = new Set<string>();
  private loaded = false;

  constructor(private ctx: ImportContext) {}

  async resolve(ref: string): Promise<AccountRow> {
    if (!this.loaded) {
      const accounts = await this.ctx.tx.account.findMany({
        where: { organizationId: this.ctx.actor.organizationId },
        select: { id: true, name: true, currency: true, externalId: true },
      });
      for (const a of accounts) {
        if (a.externalId) this.byExternal.set(a.externalId, a);
        this.byName.set(a.name.toLowerCase(), a);
      }
      this.loaded = true;
    }
    const wanted = ref.trim();
    const account = this.byExternal.get(wanted) ?? this.byName.get(wanted.toLowerCase());
    if (!account) throw new NotFoundError("account", wanted);
    if (!this.allowed.has(account.id)) {
      await requireAccount(this.ctx.tx, this.ctx.actor, "account.write", account.id);
      this.allowed.add(account.id);
    }
    return account;
  }
}

interface ProductRow {
  id: string;
  sku: string;
  unit: string;
  listPriceMinor: bigint | null;
  currency: string;
}

/** Products by SKU (any case), loaded once per import. */
export class ProductLookup {
  private bySku: Map<string, ProductRow> | null = null;

  constructor(private ctx: ImportContext) {}

  async resolve(sku: string): Promise<ProductRow> {
    if (!this.bySku) {
      const products = await this.ctx.tx.product.findMany({
        where: { organizationId: this.ctx.actor.organizationId },
        select: { id: true, sku: true, unit: true, listPriceMinor: true, currency: true },
      });
      this.bySku = new Map(products.map((p) => [p.sku.toLowerCase(), p]));
    }
    const product = this.bySku.get(sku.trim().toLowerCase());
    if (!product) throw new NotFoundError("product", sku.trim());
    return product;
  }
}
