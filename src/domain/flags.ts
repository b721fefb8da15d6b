import { z } from "zod";
import type { Prisma, PrismaClient } from "../generated/prisma/client.ts";
import type { FlagStatus, Platform, Severity } from "../generated/prisma/enums.ts";
import type { Actor } from "./actor.ts";
import { splitParams } from "./checks.ts";
import { FLAG_RULE_BY_NAME } from "./rules/index.ts";
import { localDay } from "./rules/time.ts";
import { SEVERITY_RANK } from "./rules/types.ts";
import { ConflictError, InvalidInputError, NotFoundError } from "./errors.ts";
import * as limits from "./limits.ts";
import { requireAccount } from "./permissions.ts";
import { parseNumberRef, resolveAccount } from "./references.ts";
import { audit, inTransaction, type Tx } from "./tx.ts";
import { validate } from "./validate.ts";

/**
 * Flags: problems found by the check rules (src/domain/checks.ts). People acknowledge them (not
 * sent again unless they get worse), snooze them (back when the snooze ends), resolve them (back
 * if the check still finds the problem), and mute an account's alerts for a while (flags are
 * still kept and listed). Flags are numbered per organization: F-1, F-2, …
 */

export interface FlagView {
  id: string;
  number: number;
  rule: string;
  severity: Severity;
  status: FlagStatus;
  account: { id: string; name: string } | null;
  subjectType: string;
  subjectId: string;
  /** Message key in the "scheduler" namespace and its params (see src/core/messages). */
  message: string;
  params: Record<string, string | number>;
  snoozedUntil: Date | null;
  notifiedAt: Date | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
  resolvedAt: Date | null;
}

/** An outbox message that could not be delivered (channel gone, bot removed, …). */
export interface DeliveryFailure {
  id: string;
  platform: Platform;
  target: string;
  accountId: string | null;
  error: string;
  attempts: number;
  createdAt: Date;
}

type FlagRow = NonNullable<Awaited<ReturnType<typeof findFlag>>>;

/** A flag in force was found by the organization's latest sweep (else that sweep would have resolved it). */
function lastSeen(flag: FlagRow): Date {
  const checkedAt = flag.organization.checkedAt;
  return flag.status !== "RESOLVED" && checkedAt && checkedAt > flag.lastSeenAt ? checkedAt : flag.lastSeenAt;
}

/** A flag as people see it: counts that follow from the clock (days overdue…) as of `now`, or as last seen once resolved. */
function view(flag: FlagRow, now: Date): FlagView {
  const split = splitParams(flag.params);
  const clock = FLAG_RULE_BY_NAME.get(flag.rule)?.clock;
  const at = flag.status === "RESOLVED" ? lastSeen(flag) : now;
  const params = clock ? clock.refresh(split.params, { today: localDay(at, flag.organization.timeZone), now: at }) : split.params;
  const message = split.message;
  return {
    id: flag.id,
    number: flag.number,
    rule: flag.rule,
    severity: flag.severity,
    status: flag.status,
    account: flag.account ? { id: flag.account.id, name: flag.account.name } : null,
    subjectType: flag.subjectType,
    subjectId: flag.subjectId,
    message,
    params,
    snoozedUntil: flag.snoozedUntil,
    notifiedAt: flag.notifiedAt,
    firstSeenAt: flag.firstSeenAt,
    lastSeenAt: lastSeen(flag),
    resolvedAt: flag.resolvedAt,
  };
}

const FLAG_INCLUDE = { account: { select: { id: true, name: true } }, organization: { select: { timeZone: true, checkedAt: true } } } as const;

function findFlag(tx: Tx, organizationId: string, number: number) {
  return tx.flag.findFirst({ where: { organizationId, number }, include: FLAG_INCLUDE });
}

async function loadFlag(tx: Tx, actor: Actor, ref: string): Promise<FlagRow> {
  const flag = await findFlag(tx, actor.organizationId, parseNumberRef("flag", ref, "F"));
  if (!flag) throw new NotFoundError("flag", ref);
  return flag;
}

async function requireFlagWrite(tx: Tx, actor: Actor, flag: FlagRow) {
  if (flag.accountId) await requireAccount(tx, actor, "account.write", flag.accountId);
}

const listInput = z.object({ account: limits.reference.optional(), scope: z.enum(["open", "all"]).default("open") });
const flagRef = z.object({ flag: limits.reference });


/** Open (or all) flags, most severe first, and the outbox's permanent delivery failures. */
export async function listFlags(
  db: PrismaClient,
  actor: Actor,
  input: { account?: string; scope?: "open" | "all" },
): Promise<{ account: { id: string; name: string } | null; flags: FlagView[]; deliveryFailures: DeliveryFailure[] }> {
  const data = validate(listInput, input);
  return inTransaction(db, async (tx) => {
    const account = data.account ? await resolveAccount(tx, actor.organizationId, data.account) : null;
    const flags = await tx.flag.findMany({
      where: {
        organizationId: actor.organizationId,
        ...(account ? { accountId: account.id } : {}),
        ...(data.scope === "open" ? { status: { not: "RESOLVED" } } : {}),
      },
      include: FLAG_INCLUDE,
      orderBy: [{ lastSeenAt: "desc" }, { number: "desc" }],
      take: 200,
    });
    const failures = await tx.notification.findMany({
      where: { organizationId: actor.organizationId, status: "FAILED", ...(account ? { accountId: account.id } : {}) },
      orderBy: { createdAt: "desc" },
      take: 20,
    });
    return {
      account: account ? { id: account.id, name: account.name } : null,
      flags: flags.map((f) => view(f, actor.now)).sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.number - b.number),
      deliveryFailures: failures.map((n) => ({
        id: n.id,
        platform: n.platform,
        target: n.target,
        accountId: n.accountId,
        error: n.lastError ?? "",
        attempts: n.attempts,
        createdAt: n.createdAt,
      })),
    };
  });
}

export async function showFlag(db: PrismaClient, actor: Actor, input: { flag: string }): Promise<FlagView> {
  const data = validate(flagRef, input);
  return inTransaction(db, async (tx) => view(await loadFlag(tx, actor, data.flag), actor.now));
}

/** Moves one open flag to a new state, audited; a resolved flag cannot be acknowledged, snoozed or resolved again. */
async function changeFlag(
  db: PrismaClient,
  actor: Actor,
  ref: string,
  action: string,
  change: (flag: FlagRow) => Prisma.FlagUpdateInput,
  details: (flag: FlagRow) => Record<string, unknown> = (flag) => ({ number: flag.number, from: flag.status }),
): Promise<FlagView> {
  return inTransaction(db, async (tx) => {
    const flag = await loadFlag(tx, actor, ref);
    await requireFlagWrite(tx, actor, flag);
    if (flag.status === "RESOLVED") throw new ConflictError("scheduler:error.flagResolved", { flag: `F-${flag.number}` });
    const updated = await tx.flag.update({
      where: { id: flag.id },
      data: change(flag),
      include: FLAG_INCLUDE,
    });
    await audit(tx, actor, action, "Flag", flag.id, details(flag));
    return view(updated, actor.now);
  });
}

/** Acknowledged: known, not sent again unless its severity rises. */
export async function acknowledgeFlag(db: PrismaClient, actor: Actor, input: { flag: string }): Promise<FlagView> {
  const { flag: ref } = validate(flagRef, input);
  return changeFlag(db, actor, ref, "flag.acknowledge", (flag) => ({
    status: "ACKNOWLEDGED",
    snoozedUntil: null,
    notifiedSeverity: flag.notifiedSeverity ?? flag.severity,
  }));
}

/** Resolved by hand; the next check run reopens it if the problem is still there. */
export async function resolveFlag(db: PrismaClient, actor: Actor, input: { flag: string }): Promise<FlagView> {
  const { flag: ref } = validate(flagRef, input);
  return changeFlag(db, actor, ref, "flag.resolve", (flag) => ({ status: "RESOLVED", resolvedAt: actor.now, snoozedUntil: null, lastSeenAt: lastSeen(flag) }));
}

/** Snoozed until a moment: silent till then, sent again afterwards if it still holds. */
export async function snoozeFlag(db: PrismaClient, actor: Actor, input: { flag: string; until: Date }): Promise<FlagView> {
  const { flag: ref } = validate(flagRef, { flag: input.flag });
  if (!(input.until instanceof Date) || Number.isNaN(input.until.getTime()) || input.until.getTime() <= actor.now.getTime()) {
    throw new InvalidInputError("until", "scheduler:error.untilInPast");
  }
  return changeFlag(
    db,
    actor,
    ref,
    "flag.snooze",
    () => ({ status: "SNOOZED", snoozedUntil: input.until }),
    (flag) => ({ number: flag.number, until: input.until.toISOString() }),
  );
}

/** Silences an account's alerts and reminders until a moment (a moment in the past unmutes). Flags are still kept. */
export async function muteAccount(db: PrismaClient, actor: Actor, input: { account: string; until: Date }): Promise<{ account: { id: string; name: string }; mutedUntil: Date | null }> {
  const data = validate(z.object({ account: limits.reference }), { account: input.account });
  if (!(input.until instanceof Date) || Number.isNaN(input.until.getTime())) throw new InvalidInputError("until", "error.invalidField");
  return inTransaction(db, async (tx) => {
    const account = await resolveAccount(tx, actor.organizationId, data.account);
    await requireAccount(tx, actor, "account.write", account.id);
    const mutedUntil = input.until.getTime() > actor.now.getTime() ? input.until : null;
    await tx.account.update({ where: { id: account.id }, data: { mutedUntil } });
    await audit(tx, actor, mutedUntil ? "account.mute" : "account.unmute", "Account", account.id, { until: mutedUntil?.toISOString() ?? null });
    return { account: { id: account.id, name: account.name }, mutedUntil };
  });
}
