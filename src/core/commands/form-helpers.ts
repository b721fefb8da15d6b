import type { CommandContext } from "../context.ts";
import type { FormValues } from "./command.ts";

/** The accounts of the caller's organization as select options (value = id). */
export async function accountOptions(ctx: CommandContext) {
  const accounts = await ctx.deps.db.account.findMany({
    where: { organizationId: ctx.organization.id, archivedAt: null },
    orderBy: { name: "asc" },
    take: 100,
    select: { id: true, name: true },
  });
  return accounts.map((a) => ({ value: a.id, label: a.name }));
}

export async function productOptions(ctx: CommandContext) {
  const products = await ctx.deps.db.product.findMany({
    where: { organizationId: ctx.organization.id, retiredAt: null },
    orderBy: { sku: "asc" },
    take: 100,
    select: { sku: true, name: true },
  });
  return products.map((p) => ({ value: p.sku, label: `${p.sku} · ${p.name}` }));
}

/** `{ value }` for a form field: what the user typed before, else a default. */
export function value(values: FormValues, name: string, fallback?: string): { value?: string } {
  const v = values[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s !== undefined && s !== "" ? { value: s } : fallback ? { value: fallback } : {};
}
