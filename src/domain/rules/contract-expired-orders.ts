import { byAccount } from "./by-account.ts";
import type { ContractRow } from "./load.ts";
import type { Rule } from "./types.ts";

/** The latest contract of an account has ended, yet (non-cancelled) orders keep coming after its end. */
export const contractExpiredOrders: Rule = {
  name: "contract.expired-orders",
  kind: "flag",
  run(data) {
    const contractsOf = byAccount(data.contracts);
    return data.uncoveredOrders.flatMap((u) => {
      const ended = latestEndedBefore(contractsOf.get(u.accountId) ?? [], u.lastDay);
      if (!ended) return [];
      return [{
        rule: "contract.expired-orders",
        dedupeKey: `contract.expired-orders:${ended.id}`,
        severity: "WARNING" as const,
        accountId: u.accountId,
        subjectType: "Contract" as const,
        subjectId: ended.id,
        message: "rule.contractExpiredOrders",
        params: { contract: ended.number, name: ended.name, endsOn: ended.endsOn, orders: u.orders, lastOn: u.lastDay },
      }];
    });
  },
};

/** Of one account's contracts, the one that ended last before a day, if any. */
export function latestEndedBefore(contracts: ContractRow[], day: string): ContractRow | undefined {
  let best: ContractRow | undefined;
  for (const c of contracts) {
    if (c.endsOn >= day) continue;
    if (!best || c.endsOn > best.endsOn) best = c;
  }
  return best;
}
