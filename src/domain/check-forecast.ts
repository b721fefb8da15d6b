import { NotFoundError } from "./errors.ts";
import { FLAG_RULES, runRules } from "./rules/index.ts";
import { loadCheckData, type LoadScope } from "./rules/load.ts";
import { checkSettings } from "./rules/settings.ts";
import { localDay } from "./rules/time.ts";
import type { Finding, RuleContext } from "./rules/types.ts";
import type { Tx } from "./tx.ts";

/** How many flags of one check the next sweep would open. */
export interface CheckForecast {
  rule: string;
  count: number;
}

/** Up to this many accounts are checked one by one; more, and the organization's data is read once and filtered. */
const ONE_BY_ONE = 20;

/**
 * What the next sweep would flag on these accounts, read-only in the caller's transaction (an
 * import's, so a dry run sees its own rows before they are rolled back): the check rules' findings
 * that no flag in force (open, acknowledged or snoozed) holds yet, counted per check, most first.
 */
export async function forecastChecks(tx: Tx, organizationId: string, accountIds: string[], now: Date, timings?: Record<string, number>): Promise<CheckForecast[]> {
  if (accountIds.length === 0) return [];
  const org = await tx.organization.findUnique({ where: { id: organizationId }, select: { timeZone: true, settings: true } });
  if (!org) throw new NotFoundError("organization", organizationId);
  const ctx: RuleContext = { now, timeZone: org.timeZone, today: localDay(now, org.timeZone), settings: checkSettings(org.settings) };
  const scope: LoadScope = { organizationId, timeZone: org.timeZone, today: ctx.today, now, settings: ctx.settings, ...(timings ? { timings } : {}) };
  const wanted = new Set(accountIds);
  // concat, not push(...): an import of 100,000 invoices finds more than a call's arguments can hold.
  let findings: Finding[] = [];
  if (accountIds.length <= ONE_BY_ONE) {
    for (const accountId of accountIds) findings = findings.concat(runRules(FLAG_RULES, await loadCheckData(tx, { ...scope, accountId }, ["invoices", "orders", "contracts", "cases"]), ctx));
  } else {
    let t = performance.now();
    const data = await loadCheckData(tx, scope, ["invoices", "orders", "contracts", "cases"]);
    if (timings) timings.load = Math.round(performance.now() - t);
    t = performance.now();
    findings = runRules(FLAG_RULES, data, ctx).filter((f) => wanted.has(f.accountId));
    if (timings) timings.rules = Math.round(performance.now() - t);
  }
  const t = performance.now();
  if (findings.length === 0) return [];
  const held = await tx.$queryRaw<{ dedupeKey: string }[]>`
    SELECT "dedupeKey" FROM "Flag" WHERE "organizationId" = ${organizationId} AND status <> 'RESOLVED'
      AND "dedupeKey" = ANY(${findings.map((f) => f.dedupeKey)}::text[])`;
  const inForce = new Set(held.map((h) => h.dedupeKey));
  if (timings) timings.held = Math.round(performance.now() - t);
  const counts = new Map<string, number>();
  for (const f of findings) if (!inForce.has(f.dedupeKey)) counts.set(f.rule, (counts.get(f.rule) ?? 0) + 1);
  return [...counts].map(([rule, count]) => ({ rule, count })).sort((a, b) => b.count - a.count || a.rule.localeCompare(b.rule));
}
