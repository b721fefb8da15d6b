import type { Tx } from "../tx.ts";

/** Reserves `count` consecutive reference numbers of one kind (I-7 …) at once; returns the first. */
export async function reserveNumbers(tx: Tx, organizationId: string, kind: string, count: number): Promise<number> {
  const rows = await tx.$queryRaw<{ value: number }[]>`
    INSERT INTO "Counter" ("organizationId", kind, value) VALUES (${organizationId}, ${kind}, ${count})
    ON CONFLICT ("organizationId", kind) DO UPDATE SET value = "Counter".value + ${count}
    RETURNING value`;
  return rows[0]!.value - count + 1;
}
