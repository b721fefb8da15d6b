import type { FieldChanges } from "../../domain/changes.ts";
import type { CommandContext } from "../context.ts";

/**
 * Field-level changes as people read them: "Total: €25.00 → €100.00", "line 2: 10 BOLT-10 @ €2.50
 * → 40 BOLT-10 @ €2.50". Generic over every record's ChangeData: fields are named through
 * `history.field.<name>` (the field name itself when there is none) and values read by the
 * schema's naming (…On or …Day a day, …At an instant, …Minor money, …Id a record named through `labels`).
 */
export function changeLines(ctx: CommandContext, changes: FieldChanges, currency: string, labels: Record<string, string> = {}): string[] {
  const out: string[] = [];
  for (const [field, { before, after }] of Object.entries(changes)) {
    if (Array.isArray(before) || Array.isArray(after)) {
      out.push(...listChanges(ctx, field, (before as Item[] | null) ?? [], (after as Item[] | null) ?? [], currency));
      continue;
    }
    out.push(`${fieldLabel(ctx, field)}: ${formatValue(ctx, field, before, currency, labels)} → ${formatValue(ctx, field, after, currency, labels)}`);
  }
  return out;
}

export function fieldLabel(ctx: CommandContext, field: string): string {
  return ctx.t(`history.field.${field}`, { defaultValue: ctx.t(`field.${field}`, { defaultValue: field }) });
}

/** Fields whose values are enum names, shown in words from the catalogue group of the same name. */
const ENUM_FIELDS = new Set(["priority", "tier", "orgRole", "severity"]);

export function formatValue(ctx: CommandContext, field: string, value: unknown, currency: string, labels: Record<string, string> = {}): string {
  if (value === null || value === undefined || value === "") return "—";
  if (/(On|Day)$/.test(field) && typeof value === "string") return ctx.fmt.day(new Date(value.length === 10 ? `${value}T00:00:00Z` : value));
  if (/At$/.test(field) && typeof value === "string") return ctx.fmt.dateTime(new Date(value));
  if (/Minor$/.test(field) && (typeof value === "number" || typeof value === "string")) return ctx.fmt.money(Number(value), currency);
  if (/Id$/.test(field) && typeof value === "string") return labels[value] ?? value;
  if (ENUM_FIELDS.has(field)) return ctx.t(`${field}.${String(value)}`, { defaultValue: String(value) });
  if (field === "status") return ctx.t(`status.${String(value)}`, { defaultValue: ctx.t(`caseStatus.${String(value)}`, { defaultValue: String(value) }) });
  if (field === "quantity" || typeof value === "number") return ctx.fmt.number(Number(value));
  if (typeof value === "boolean") return ctx.t(value ? "history.yes" : "history.no");
  return String(value);
}

type Item = Record<string, unknown>;

/** Order lines (by line number), contract prices and commitments (by product): only what differs. */
function listChanges(ctx: CommandContext, field: string, before: Item[], after: Item[], currency: string): string[] {
  const describe = (i: Item) => {
    if (field === "lines") return `${ctx.fmt.number(Number(i.quantity))} ${String(i.sku)} @ ${ctx.fmt.money(Number(i.unitPriceMinor), currency)}`;
    if (field === "prices") {
      const price = ctx.fmt.money(Number(i.priceMinor), currency);
      const from = i.validFrom ? ctx.t("history.priceFrom", { day: formatValue(ctx, "validOn", i.validFrom, currency) }) : "";
      const to = i.validTo ? ctx.t("history.priceTo", { day: formatValue(ctx, "validOn", i.validTo, currency) }) : "";
      return [price, from, to].filter(Boolean).join(" ");
    }
    if (field === "commitments") return `${ctx.fmt.number(Number(i.quantity))} ${String(i.sku)} ${ctx.t(`contract.per${String(i.period)}`, { defaultValue: String(i.period) })}`;
    return JSON.stringify(i);
  };
  if (field === "lines") {
    const numbers = [...new Set([...before, ...after].map((l) => Number(l.lineNo)))].sort((a, b) => a - b);
    return numbers.flatMap((n) => {
      const b = before.find((l) => Number(l.lineNo) === n);
      const a = after.find((l) => Number(l.lineNo) === n);
      if (b && a) return describe(b) === describe(a) ? [] : [ctx.t("history.lineChanged", { n, before: describe(b), after: describe(a) })];
      if (a) return [ctx.t("history.lineAdded", { n, line: describe(a) })];
      return [ctx.t("history.lineRemoved", { n, line: describe(b!) })];
    });
  }
  const label = fieldLabel(ctx, field);
  const sku = String((after[0] ?? before[0])?.sku ?? "");
  return [`${label} ${sku}: ${before.length ? before.map(describe).join("; ") : "—"} → ${after.length ? after.map(describe).join("; ") : "—"}`];
}
