import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Platform } from "../generated/prisma/enums.ts";
import type { Actor } from "./actor.ts";
import { ConflictError } from "./errors.ts";
import * as limits from "./limits.ts";
import { requireAccount, requireOrg } from "./permissions.ts";
import { resolveAccount } from "./references.ts";
import { audit, inTransaction } from "./tx.ts";
import { validate } from "./validate.ts";
import { equalsIgnoringCase } from "./ignoring-case.ts";

export const addAccountInput = z.object({
  name: limits.name,
  tier: z.enum(["NATIONAL", "INTERNATIONAL", "REGIONAL"]).default("NATIONAL"),
  region: limits.shortText.optional(),
  currency: limits.currency.optional(),
  notes: limits.longText.optional(),
});
export type AddAccountInput = z.input<typeof addAccountInput>;

export async function addAccount(db: PrismaClient, actor: Actor, input: AddAccountInput) {
  const data = validate(addAccountInput, input);
  return inTransaction(db, async (tx) => {
    await requireOrg(tx, actor, "account.create");
    const clash = await tx.account.findFirst({
      where: { organizationId: actor.organizationId, name: equalsIgnoringCase(data.name) },
    });
    if (clash) throw new ConflictError("error.accountExists", { name: clash.name });
    const org = await tx.organization.findUniqueOrThrow({ where: { id: actor.organizationId } });
    const account = await tx.account.create({
      data: {
        organizationId: actor.organizationId,
        name: data.name,
        tier: data.tier,
        region: data.region ?? null,
        currency: data.currency ?? org.currency,
        notes: data.notes ?? null,
      },
    });
    await audit(tx, actor, "account.create", "Account", account.id, data);
    return account;
  });
}

/** The organization's accounts; archived ones only when asked for (`archived`), and then only they. */
export async function listAccounts(db: PrismaClient, actor: Actor, options: { mine?: boolean; archived?: boolean } = {}) {
  return db.account.findMany({
    where: {
      organizationId: actor.organizationId,
      archivedAt: options.archived ? { not: null } : null,
      ...(options.mine && actor.memberId ? { team: { some: { memberId: actor.memberId } } } : {}),
    },
    orderBy: { name: "asc" },
    include: { _count: { select: { orders: true } } },
  });
}

/** How many accounts the organization has (to tell "none of yours" from "none at all"). */
export async function countAccounts(db: PrismaClient, actor: Actor): Promise<number> {
  return db.account.count({ where: { organizationId: actor.organizationId, archivedAt: null } });
}

export async function showAccount(db: PrismaClient, actor: Actor, ref: string) {
  return inTransaction(db, async (tx) => {
    const account = await resolveAccount(tx, actor.organizationId, ref);
    return tx.account.findUniqueOrThrow({
      where: { id: account.id },
      include: {
        team: { include: { member: true }, orderBy: { role: "asc" } },
        bindings: true,
        _count: { select: { orders: true, projects: true, invoices: true, contracts: true, cases: true } },
      },
    });
  });
}

/** Binds a channel to an account so the account can be left out of commands there and jobs post there. */
export async function bindChannel(
  db: PrismaClient,
  actor: Actor,
  input: { account: string; platform: Platform; channelId: string; reference?: unknown },
) {
  return inTransaction(db, async (tx) => {
    const account = await resolveAccount(tx, actor.organizationId, input.account);
    await requireAccount(tx, actor, "team.change", account.id);
    const reference = input.reference === undefined ? undefined : JSON.parse(JSON.stringify(input.reference));
    const binding = await tx.channelBinding.upsert({
      where: {
        organizationId_platform_channelId_purpose: {
          organizationId: actor.organizationId,
          platform: input.platform,
          channelId: input.channelId,
          purpose: "ACCOUNT",
        },
      },
      create: {
        organizationId: actor.organizationId,
        accountId: account.id,
        platform: input.platform,
        channelId: input.channelId,
        reference,
      },
      update: { accountId: account.id, ...(reference ? { reference } : {}) },
    });
    await audit(tx, actor, "account.bind", "Account", account.id, { platform: input.platform, channelId: input.channelId });
    return { account, binding };
  });
}

/** The account bound to a channel, if any. */
export async function accountForChannel(db: PrismaClient, organizationId: string, platform: Platform, channelId: string) {
  const binding = await db.channelBinding.findFirst({
    where: { organizationId, platform, channelId, purpose: "ACCOUNT", accountId: { not: null } },
    include: { account: true },
  });
  return binding?.account ?? null;
}
