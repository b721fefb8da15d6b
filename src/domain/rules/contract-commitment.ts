import { commitmentWindow, expectedSoFar } from "./commitment-period.ts";
import type { Finding, Rule } from "./types.ts";

/**
 * A volume commitment behind its pro-rata target for the period so far by more than
 * `commitmentShortfallShare`. Periods run from the contract's start (commitment-period.ts), and
 * the target is the committed quantity times the elapsed share of the period: ordering exactly
 * that never flags, and ordering more never flags more.
 */
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
      if (ctx.today < c.contractStartsOn || ctx.today > c.contractEndsOn) continue;
      const window = commitmentWindow(c.contractStartsOn, c.contractEndsOn, c.period, ctx.today);
      const { target, share } = expectedSoFar(c.quantity, window, ctx.today);
      if (share < ctx.settings.commitmentMinElapsedShare) continue;
      const ordered = (volumes.get(`${c.accountId}|${c.productId}`) ?? [])
        .filter((v) => v.day >= window.start && v.day <= ctx.today)
        .reduce((sum, v) => sum + v.quantity, 0);
      const shortfall = ctx.settings.commitmentShortfallShare;
      if (ordered >= target * (1 - shortfall)) continue;
      findings.push({
        rule: "contract.commitment",
        dedupeKey: `contract.commitment:${c.id}:${window.start}`,
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
          startOn: window.start,
          endOn: window.end,
        },
      });
    }
    return findings;
  },
};
