import type { PrismaClient } from "../generated/prisma/client.ts";
import * as limits from "./limits.ts";
import { runningPrograms } from "./programs.ts";

/** A marketing program running on the digest's day, as the digest lists it. */
export interface DigestProgram {
  number: number;
  name: string;
  accountName: string;
  fromDay: string;
  toDay: string;
}

/** The programs running on `today` (of one account, or of the organization's accounts not archived). */
export async function digestPrograms(db: PrismaClient, organizationId: string, today: string, accountId?: string): Promise<DigestProgram[]> {
  const programs = await runningPrograms(db, organizationId, today, accountId);
  const archived = new Set(
    (await db.account.findMany({ where: { organizationId, archivedAt: { not: null } }, select: { id: true } })).map((a) => a.id),
  );
  return programs
    .filter((p) => !archived.has(p.account.id))
    .map((p) => ({ number: p.number, name: p.name, accountName: p.account.name, fromDay: limits.dateToDay(p.fromDay), toDay: limits.dateToDay(p.toDay) }));
}
