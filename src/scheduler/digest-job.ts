import { toLocale } from "../core/i18n/index.ts";
import { digestReply } from "../core/messages/digest.ts";
import { buildDigest } from "../domain/digest.ts";
import { deliverAt, digestTargets, enqueue, outgoing } from "../domain/notifications.ts";
import { inTransaction } from "../domain/tx.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";

export interface DigestRunSummary {
  organizationId: string;
  accounts: number;
  targets: string[];
  notifications: number;
}

/** The weekly digest: one message per digest destination, once per local day (dedupe key). */
export async function runDigestJob(db: PrismaClient, organizationId: string, options: { now: Date }): Promise<DigestRunSummary> {
  const org = await db.organization.findUniqueOrThrow({ where: { id: organizationId } });
  const data = await buildDigest(db, organizationId, { now: options.now });
  const locale = toLocale(org.locale) ?? "en";
  return inTransaction(db, async (tx) => {
    const targets = await digestTargets(tx, organizationId, org.digestTarget);
    // A digest sent to a manager directly is written in their own language.
    const memberIds = targets.flatMap((t) => (t.memberId ? [t.memberId] : []));
    const own = new Map((memberIds.length ? await tx.member.findMany({ where: { id: { in: memberIds } }, select: { id: true, locale: true } }) : []).map((m) => [m.id, toLocale(m.locale)]));
    const rows = targets.map(({ target, timeZone, memberId }) => ({
      organizationId,
      dedupeKey: `digest:${organizationId}:${data.today}:${target.platform}:${target.target}`,
      accountId: null,
      message: outgoing(organizationId, target, digestReply(data, (memberId && own.get(memberId)) || locale, timeZone ?? org.timeZone), []),
      notBefore: deliverAt(options.now, { timeZone: timeZone ?? org.timeZone, quietStartHour: org.quietStartHour, quietEndHour: org.quietEndHour, workingDays: org.workingDays }),
    }));
    const written = await enqueue(tx, rows);
    return { organizationId, accounts: data.accounts.length, targets: targets.map((t) => `${t.target.platform}:${t.target.target}`), notifications: written };
  });
}
