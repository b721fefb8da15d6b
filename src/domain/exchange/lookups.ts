import { NotFoundError } from "../errors.ts";
import { accountRefusals, requireAccount } from "../permissions.ts";
import type { DomainError } from "../errors.ts";
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
  private refused = new Map<string, DomainError>();
  private loaded = false;

  constructor(private ctx: ImportContext) {}

  /** The accounts these rows name, and the caller's right to write each, read at once (not per account). */
  async preload(refs: string[]): Promise<void> {
    await this.load();
    const ids = new Set<string>();
    for (const ref of refs) {
      const account = this.find(ref);
      if (account && !this.allowed.has(account.id)) ids.add(account.id);
    }
    const refused = await accountRefusals(this.ctx.tx, this.ctx.actor, "account.write", [...ids]);
    for (const id of ids) if (!refused.has(id)) this.allowed.add(id);
    for (const [id, error] of refused) this.refused.set(id, error);
  }

  async resolve(ref: string): Promise<AccountRow> {
    await this.load();
    const account = this.find(ref);
    if (!account) throw new NotFoundError("account", ref.trim());
    const refusal = this.refused.get(account.id);
    if (refusal) throw refusal;
    if (!this.allowed.has(account.id)) {
      await requireAccount(this.ctx.tx, this.ctx.actor, "account.write", account.id);
      this.allowed.add(account.id);
    }
    return account;
  }

  private find(ref: string): AccountRow | undefined {
    const wanted = ref.trim();
    return this.byExternal.get(wanted) ?? this.byName.get(wanted.toLowerCase());
  }

  private async load(): Promise<void> {
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
