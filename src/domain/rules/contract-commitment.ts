import type { CommitmentRow } from "./load.ts";
import type { Finding, Rule } from "./types.ts";
import { addDays, daysBetween } from "./time.ts";

/** The current calendar period (month, quarter, year) containing `today`, clipped to the contract. */
export function commitmentPeriod(c: CommitmentRow, today: string): { start: string; end: string } {
  const [y, m] = today.split("-").map(Number) as [number, number];
  const firstMonth = c.period === "MONTH" ? m : c.period === "QUARTER" ? Math.floor((m - 1) / 3) * 3 + 1 : 1;
  const months = c.period === "MONTH" ? 1 : c.period === "QUARTER" ? 3 : 12;
  const start = `${y}-${String(firstMonth).padStart(2, "0")}-01`;
  const next = new Date(Date.UTC(y, firstMonth - 1 + months, 1)).toISOString().slice(0, 10);
  const end = addDays(next, -1);
  return { start: start < c.contractStartsOn ? c.contractStartsOn : start, end: end > c.contractEndsOn ? c.contractEndsOn : end };
}

/** A volume commitment behind its pro-rata target for the period so far by more than `commitmentShortfallShare`. */
export const contractCommitment: Rule = {
  name: "contract.commitment",
  kind: "flag",
  run(data, ctx) {
    const findings: Finding[] = [];
    const volumes = new Map<string, typeof data.dailyVolumes>();
    for (const v of data.dailyVolumes) {
      const key = `${v.accountId}|${v.productId}`;
      const list = volumes.get(key);
      if (list) list.push(v);
      else volumes.set(key, [v]);
    }
    for (const c of data.commitments) {
      const { start, end } = commitmentPeriod(c, ctx.today);
      if (ctx.today < start || ctx.today > end) continue;
      const share = (daysBetween(start, ctx.today) + 1) / (daysBetween(start, end) + 1);
      if (share < ctx.settings.commitmentMinElapsedShare) continue;
      const ordered = (volumes.get(`${c.accountId}|${c.productId}`) ?? [])
        .filter((v) => v.day >= start && v.day <= ctx.today)
        .reduce((sum, v) => sum + v.quantity, 0);
      const target = c.quantity * share;
      const shortfall = ctx.settings.commitmentShortfallShare;
      if (ordered >= target * (1 - shortfall)) continue;
      findings.push({
        rule: "contract.commitment",
        dedupeKey: `contract.commitment:${c.id}:${start}`,
        severity: ordered < target * (1 - 2 * shortfall) ? "CRITICAL" : "WARNING",
        accountId: c.accountId,
        subjectType: "ContractCommitment",
        subjectId: c.id,
        message: "rule.contractCommitment",
        params: {
          contract: c.contractNumber,
          sku: c.sku,
          ordered: Math.round(ordered * 1000) / 1000,
          target: Math.round(target * 1000) / 1000,
          committed: c.quantity,
          percent: target > 0 ? Math.round((ordered / target) * 100) : 0,
          startOn: start,
          endOn: end,
        },
      });
    }
    return findings;
  },
};
