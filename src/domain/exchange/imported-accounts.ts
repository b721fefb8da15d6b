import type { ImportContext, Row } from "./context.ts";
import type { CanonicalRow, ExchangeKind } from "./kinds.ts";

/**
 * The accounts an import's rows are about, by the same names the importers read (an account's
 * `external_id`, else its full name in any case): products belong to no account.
 */
export async function importedAccountIds(ctx: ImportContext, kind: ExchangeKind, rows: Row<CanonicalRow<ExchangeKind>>[]): Promise<string[]> {
  if (kind === "products" || rows.length === 0) return [];
  const refs = new Set<string>();
  for (const { values } of rows) {
    const v = values as Record<string, unknown>;
    for (const ref of kind === "accounts" ? [v.external_id, v.name] : [v.account]) if (typeof ref === "string" && ref.trim()) refs.add(ref.trim());
  }
  const accounts = await ctx.tx.account.findMany({ where: { organizationId: ctx.actor.organizationId }, select: { id: true, name: true, externalId: true } });
  const byExternal = new Map(accounts.flatMap((a) => (a.externalId ? [[a.externalId, a.id] as const] : [])));
  const byName = new Map(accounts.map((a) => [a.name.toLowerCase(), a.id]));
  const ids = new Set<string>();
  for (const ref of refs) {
    const id = byExternal.get(ref) ?? byName.get(ref.toLowerCase());
    if (id) ids.add(id);
  }
  return [...ids];
}
