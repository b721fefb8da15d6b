import { byAccount } from "./by-account.ts";
import { latestEndedBefore } from "./contract-expired-orders.ts";
import type { Rule } from "./types.ts";

/** Recent orders of an account on days when no contract is in force (and no contract merely expired: see contract.expired-orders). */
export const contractMissing: Rule = {
  name: "contract.missing",
  kind: "flag",
  run(data) {
    const contractsOf = byAccount(data.contracts);
    return data.uncoveredOrders.flatMap((u) => {
      if (latestEndedBefore(contractsOf.get(u.accountId) ?? [], u.lastDay)) return [];
      return [{
        rule: "contract.missing",
        dedupeKey: `contract.missing:${u.accountId}`,
        severity: "WARNING" as const,
        accountId: u.accountId,
        subjectType: "Account" as const,
        subjectId: u.accountId,
        message: "rule.contractMissing",
        params: { orders: u.orders, firstOn: u.firstDay, lastOn: u.lastDay },
      }];
    });
  },
};
