import type { CheckForecast } from "../../domain/check-forecast.ts";
import type { ImportError } from "../../domain/exchange/context.ts";
import type { Translate } from "../i18n/index.ts";
import { ruleName } from "./format.ts";

/** One import error as a line: "line 4, amount: "12,5x" is not a number." */
export function importErrorText(t: Translate, error: ImportError): string {
  const params: Record<string, string | number> = { ...error.params };
  const field = error.field ?? (typeof params.field === "string" ? params.field : undefined);
  // Files speak of their columns: a message naming "the {{fieldName}}" names the column.
  if (field) params.fieldName = field;
  const message = t(error.key, { ...params, defaultValue: error.key });
  return field ? t("exchange.errorField", { line: error.line, field, message }) : t("exchange.errorLine", { line: error.line, message });
}

/** What an import did or would do, and every error (up to `maxErrors`, then how many more). */
export function importReport(
  t: Translate,
  result: { kind: string | null; created: number; changed: number; unchanged: number; errors: ImportError[]; dryRun: boolean; forecast?: CheckForecast[]; kept?: string[] },
  maxErrors = Infinity,
): string[] {
  const lines: string[] = [];
  if (result.kind) lines.push(t("exchange.summary", { kind: result.kind, created: result.created, changed: result.changed, unchanged: result.unchanged }));
  const kept = keptLine(t, result);
  if (kept) lines.push(kept);
  if (result.errors.length) {
    lines.push(t("exchange.failed", { count: result.errors.length }));
    for (const e of result.errors.slice(0, maxErrors)) lines.push(importErrorText(t, e));
    if (result.errors.length > maxErrors) lines.push(t("exchange.more", { count: result.errors.length - maxErrors }));
  } else {
    if (result.forecast) lines.push(...forecastLines(t, result.forecast));
    lines.push(t(result.dryRun ? "exchange.dryRun" : "exchange.applied"));
  }
  return lines;
}

/** The optional columns the file does not have, which the records it matches keep (README: import). */
export function keptLine(t: Translate, result: { changed: number; unchanged: number; kept?: string[] }): string | null {
  return result.kept?.length ? t("exchange.kept", { count: result.changed + result.unchanged, columns: result.kept.join(", ") }) : null;
}

/** What the next check sweep will flag on the imported accounts, per check. */
export function forecastLines(t: Translate, forecast: CheckForecast[]): string[] {
  const total = forecast.reduce((sum, f) => sum + f.count, 0);
  if (total === 0) return [t("exchange.forecastNone")];
  return [t("exchange.forecast", { count: total }), ...forecast.map((f) => t("exchange.forecastLine", { check: ruleName({ t }, f.rule), count: f.count }))];
}
