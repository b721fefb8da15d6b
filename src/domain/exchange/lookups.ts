import { Prisma } from "../../generated/prisma/client.ts";
import { DomainError, ForbiddenError, InvalidInputError, NotFoundError } from "../errors.ts";
import { jsonRows } from "../rules/json-rows.ts";
import { accountRefusals, requireAccount } from "../permissions.ts";
import { inField, type ImportContext } from "./context.ts";

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
  private byId = new Map<string, AccountRow>();
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
    await this.requireWrite(account.id);
    return account;
  }

  /**
   * The caller's right to write an account, checked once per account: a row's, and the account of
   * a record a row names by its reference when the row moves it to another (the ERP's numbers are
   * the organization's, so a row may name any account's record).
   */
  async requireWrite(accountId: string): Promise<void> {
    const refusal = this.refused.get(accountId);
    if (refusal) throw refusal;
    if (this.allowed.has(accountId)) return;
    try {
      await requireAccount(this.ctx.tx, this.ctx.actor, "account.write", accountId);
    } catch (error) {
      if (error instanceof DomainError) this.refused.set(accountId, error);
      throw error;
    }
    this.allowed.add(accountId);
  }

  /** A record the file names moves from its account to the row's: the caller must be able to write both. */
  async requireMove(record: { accountId: string }, to: { id: string }, field: string, ref: string): Promise<void> {
    if (record.accountId === to.id) return;
    await inField(field, this.requireWrite(record.accountId).catch((error: unknown) => {
      throw error instanceof ForbiddenError ? new InvalidInputError(field, "import.otherAccountRecord", { ref, account: this.byId.get(record.accountId)?.name ?? "?" }) : error;
    }));
  }

  /** The account a file names, whatever the caller's right to it (after `preload`). */
  find(ref: string): AccountRow | undefined {
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
        this.byId.set(a.id, a);
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

interface PriceRow {
  accountId: string;
  productId: string;
  startsOn: string;
  endsOn: string;
  validFrom: string | null;
  validTo: string | null;
  priceMinor: string;
}

/**
 * The contract prices of the file's accounts, read once: the price in force on a day is what
 * `contractPrice` (orders.ts) finds, the latest-starting contract first, then the latest price amendment.
 */
export class ContractPriceLookup {
  private byPair = new Map<string, PriceRow[]>();

  constructor(private ctx: ImportContext) {}

  async preload(accountIds: string[]): Promise<void> {
    const rows = await jsonRows<PriceRow>(this.ctx.tx, Prisma.sql`
      SELECT c."accountId", cp."productId", c."startsOn"::text AS "startsOn", c."endsOn"::text AS "endsOn",
             cp."validFrom"::text AS "validFrom", cp."validTo"::text AS "validTo", cp."priceMinor"::text AS "priceMinor"
      FROM "ContractPrice" cp JOIN "Contract" c ON c.id = cp."contractId"
      WHERE c."organizationId" = ${this.ctx.actor.organizationId}
        AND c."accountId" = ANY(ARRAY(SELECT json_array_elements_text(${JSON.stringify([...new Set(accountIds)])}::json)))`);
    for (const row of rows) {
      const key = `${row.accountId}\u0000${row.productId}`;
      const same = this.byPair.get(key);
      if (same) same.push(row);
      else this.byPair.set(key, [row]);
    }
    // Latest-starting contract first, then the latest amendment, the undated price last.
    const desc = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? 1 : -1);
    for (const list of this.byPair.values()) list.sort((a, b) => desc(a.startsOn, b.startsOn) || desc(a.validFrom, b.validFrom));
  }

  /** The price in force on `day` (YYYY-MM-DD), or null. */
  on(accountId: string, productId: string, day: string): bigint | null {
    const price = this.byPair.get(`${accountId}\u0000${productId}`)?.find((p) =>
      p.startsOn <= day && p.endsOn >= day && (p.validFrom === null || p.validFrom <= day) && (p.validTo === null || p.validTo >= day));
    return price ? BigInt(price.priceMinor) : null;
  }
}
