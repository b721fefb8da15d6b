import { requireCurrencyFree } from "../../account-changes.ts";
import { auditChange, diffFields } from "../../changes.ts";
import { InvalidInputError } from "../../errors.ts";
import { requireOrg } from "../../permissions.ts";
import { audit } from "../../tx.ts";
import { givenOrKept, inField, onLine, record, type ImportContext, type Row } from "../context.ts";
import type { CanonicalRow } from "../kinds.ts";

type AccountRowValues = CanonicalRow<"accounts">;

const FIELDS = ["name", "tier", "region", "currency", "externalId"] as const;

/** Accounts by `external_id` when the row has one, else by name (any case). */
export async function importAccounts(ctx: ImportContext, rows: Row<AccountRowValues>[]): Promise<void> {
  const { tx, actor } = ctx;
  await requireOrg(tx, actor, "account.create");
  const existing = await tx.account.findMany({ where: { organizationId: actor.organizationId } });
  const byExternal = new Map(existing.filter((a) => a.externalId).map((a) => [a.externalId!, a]));
  const byName = new Map(existing.map((a) => [a.name.toLowerCase(), a]));
  const seen = new Map<string, number>();
  for (const { line, values } of rows) {
    await onLine(ctx, line, undefined, async () => {
      const key = values.external_id ? `x:${values.external_id}` : `n:${values.name.toLowerCase()}`;
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.errors.push({ line, field: values.external_id ? "external_id" : "name", key: "import.duplicateRow", params: { first } });
        return;
      }
      seen.set(key, line);
      const found = (values.external_id ? byExternal.get(values.external_id) : undefined) ?? byName.get(values.name.toLowerCase());
      const wanted = {
        name: values.name,
        tier: (values.tier ?? found?.tier.toLowerCase() ?? "national").toUpperCase() as "NATIONAL" | "INTERNATIONAL" | "REGIONAL",
        region: givenOrKept(values.region, found?.region),
        currency: values.currency ?? found?.currency ?? ctx.org.currency,
        externalId: values.external_id ?? found?.externalId ?? null,
      };
      const clash = byName.get(values.name.toLowerCase());
      if (clash && clash !== found) {
        ctx.errors.push({ line, field: "name", key: "error.accountExists", params: { name: clash.name } });
        return;
      }
      if (found) {
        // Found by name, an account keeps the ERP number it has: the row's other number is another account.
        if (values.external_id && found.externalId && found.externalId !== values.external_id) {
          throw new InvalidInputError("external_id", "import.externalIdTaken", { name: found.name, current: found.externalId, given: values.external_id });
        }
        await inField("currency", requireCurrencyFree(tx, found, wanted.currency));
      }
      if (!found) {
        const account = await tx.account.create({ data: { organizationId: actor.organizationId, ...wanted } });
        await audit(tx, actor, "account.import", "Account", account.id, wanted);
        byName.set(account.name.toLowerCase(), account);
        if (account.externalId) byExternal.set(account.externalId, account);
        record(ctx, line, account.name, "created");
        return;
      }
      const changes = diffFields(found, wanted, FIELDS);
      if (Object.keys(changes).length === 0) {
        record(ctx, line, found.name, "unchanged");
        return;
      }
      // An archived account is exported as it is, and imports back unchanged; it takes no change.
      if (found.archivedAt) throw new InvalidInputError("name", "lifecycle.accountArchived", { account: found.name });
      const updated = await tx.account.update({ where: { id: found.id }, data: { ...wanted, version: { increment: 1 } } });
      await auditChange(tx, actor, "account.import", "Account", found.id, updated.version, changes);
      byName.delete(found.name.toLowerCase());
      byName.set(updated.name.toLowerCase(), updated);
      if (updated.externalId) byExternal.set(updated.externalId, updated);
      record(ctx, line, updated.name, "changed");
    });
  }
}
