import type { PrismaClient } from "../generated/prisma/client.ts";
import { addDays } from "./rules/time.ts";
import { parseInstant } from "./exchange/instants.ts";

/** A planned training of the digest's week, as plain data. */
export interface DigestTraining {
  accountId: string;
  accountName: string;
  number: number;
  topic: string;
  /** ISO instant. */
  startsAt: string;
  trainerName?: string;
}

/**
 * The planned trainings of the digest's week: from now until the end of the sixth day after today
 * (the organization's local days), soonest first, of accounts not archived.
 */
export async function weekTrainings(db: PrismaClient, organizationId: string, options: { accountId?: string; now: Date; today: string; timeZone: string }): Promise<DigestTraining[]> {
  const until = parseInstant(`${addDays(options.today, 7)}T00:00:00`, options.timeZone);
  const trainings = await db.training.findMany({
    where: {
      organizationId,
      status: "PLANNED",
      startsAt: { gte: options.now, lt: until },
      account: { archivedAt: null },
      ...(options.accountId ? { accountId: options.accountId } : {}),
    },
    include: { account: { select: { name: true } }, trainer: { select: { displayName: true } } },
    orderBy: [{ startsAt: "asc" }, { number: "asc" }],
    take: 50,
  });
  return trainings.map((t) => ({
    accountId: t.accountId,
    accountName: t.account.name,
    number: t.number,
    topic: t.topic,
    startsAt: t.startsAt.toISOString(),
    ...(t.trainer ? { trainerName: t.trainer.displayName } : {}),
  }));
}
