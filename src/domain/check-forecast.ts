import { Prisma } from "../generated/prisma/client.ts";
import { NotFoundError } from "./errors.ts";
import { forecastData } from "./forecast-data.ts";
import { FLAG_RULES, runRules } from "./rules/index.ts";
import type { LoadScope } from "./rules/load.ts";
import { checkSettings } from "./rules/settings.ts";
import { localDay } from "./rules/time.ts";
import type { RuleContext } from "./rules/types.ts";
import type { Tx } from "./tx.ts";

/** How many flags of one check the next sweep would open. */
export interface CheckForecast {
  rule: string;
  count: number;
}

/**
 * What the next sweep would flag on these accounts, read-only in the caller's transaction (an
 * import's, so a dry run sees its own rows before they are rolled back): the check rules' findings
 * that no flag in force (open, acknowledged or snoozed) holds yet, counted per check, most first.
 * `timings`, when given, receives the milliseconds of loading, of the rules and of the flags in force.
 */
export async function forecastChecks(tx: Tx, organizationId: string, accountIds: string[], now: Date, timings?: Record<string, number>): Promise<CheckForecast[]> {
  if (accountIds.length === 0) return [];
  const org = await tx.organization.findUnique({ where: { id: organizationId }, select: { timeZone: true, settings: true } });
  if (!org) throw new NotFoundError("organization", organizationId);
  const ctx: RuleContext = { now, timeZone: org.timeZone, today: localDay(now, org.timeZone), settings: checkSettings(org.settings) };
  const scope: LoadScope = { organizationId, timeZone: org.timeZone, today: ctx.today, now, settings: ctx.settings };
  const wanted = new Set(accountIds);
  const time = <T>(name: string, work: () => T): T => {
    const start = performance.now();
    const done = (value: Awaited<T>) => {
      if (timings) timings[name] = (timings[name] ?? 0) + Math.round(performance.now() - start);
      return value;
    };
    const value = work();
    return (value instanceof Promise ? value.then(done) : done(value as Awaited<T>)) as T;
  };
  const data = await time("forecastLoad", () => forecastData(tx, scope, accountIds));
  const findings = time("forecastRules", () => runRules(FLAG_RULES, data, ctx).filter((f) => wanted.has(f.accountId)));
  if (findings.length === 0) return [];
  // The keys as one JSON document: an array parameter costs the driver a conversion per element.
  const held = await time("forecastHeld", () => tx.$queryRaw<{ dedupeKey: string }[]>(Prisma.sql`
    SELECT "dedupeKey" FROM "Flag" WHERE "organizationId" = ${organizationId} AND status <> 'RESOLVED'
      AND "dedupeKey" = ANY(ARRAY(SELECT json_array_elements_text(${JSON.stringify(findings.map((f) => f.dedupeKey))}::json)))`));
  const inForce = new Set(held.map((h) => h.dedupeKey));
  const counts = new Map<string, number>();
  for (const f of findings) if (!inForce.has(f.dedupeKey)) counts.set(f.rule, (counts.get(f.rule) ?? 0) + 1);
  return [...counts].map(([rule, count]) => ({ rule, count })).sort((a, b) => b.count - a.count || a.rule.localeCompare(b.rule));
}
