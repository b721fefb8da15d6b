import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Actor } from "./actor.ts";
import { assertVersion, auditChange, diffFields } from "./changes.ts";
import { ConflictError } from "./errors.ts";
import * as limits from "./limits.ts";
import { requireAccount } from "./permissions.ts";
import { resolveAccount } from "./references.ts";
import { inTransaction, type Tx } from "./tx.ts";
import { validate } from "./validate.ts";
import { equalsIgnoringCase } from "./ignoring-case.ts";

const ACCOUNT_FIELDS = ["name", "tier", "region", "currency", "archivedAt"] as const;
const expectedVersion = z.number().int().min(1).optional();

type AccountRow = Awaited<ReturnType<typeof resolveAccount>>;
type AccountFields = Pick<AccountRow, (typeof ACCOUNT_FIELDS)[number]>;

async function changeAccount(tx: Tx, actor: Actor, action: string, account: AccountRow, after: Partial<AccountFields>, extra: Record<string, unknown> = {}) {
  const changes = diffFields<AccountFields>(account, after, ACCOUNT_FIELDS);
  if (Object.keys(changes).length === 0) throw new ConflictError("lifecycle.unchanged", { ref: account.name });
  const updated = await tx.account.update({ where: { id: account.id }, data: { ...after, version: { increment: 1 } } });
  await auditChange(tx, actor, action, "Account", account.id, updated.version, changes, extra);
  return updated;
}

async function nameIsFree(tx: Tx, actor: Actor, accountId: string, name: string) {
  const clash = await tx.account.findFirst({
    where: { organizationId: actor.organizationId, name: equalsIgnoringCase(name), id: { not: accountId } },
  });
  if (clash) throw new ConflictError("error.accountExists", { name: clash.name });
}

export const renameAccountInput = z.object({ account: limits.reference, name: limits.name, expectedVersion });

export async function renameAccount(db: PrismaClient, actor: Actor, input: z.input<typeof renameAccountInput>) {
  const data = validate(renameAccountInput, input);
  return inTransaction(db, async (tx) => {
    const account = await resolveAccount(tx, actor.organizationId, data.account);
    await requireAccount(tx, actor, "account.write", account.id);
    await assertVersion(tx, actor.organizationId, account, account.name, data.expectedVersion);
    await nameIsFree(tx, actor, account.id, data.name);
    const renamed = await changeAccount(tx, actor, "account.rename", account, { name: data.name });
    return { account: renamed, previous: account.name };
  });
}

export const editAccountInput = z
  .object({
    account: limits.reference,
    tier: z.enum(["NATIONAL", "INTERNATIONAL", "REGIONAL"]).optional(),
    /** null clears the region. */
    region: limits.shortText.nullable().optional(),
    currency: limits.currency.optional(),
    expectedVersion,
  })
  .refine((d) => d.tier !== undefined || d.region !== undefined || d.currency !== undefined, { message: "nothing to change", path: ["tier"] });

/** An account's currency may change only while nothing is priced in it: no orders, invoices or contracts. */
export async function requireCurrencyFree(tx: Tx, account: { id: string; name: string; currency: string }, currency: string): Promise<void> {
  if (currency === account.currency) return;
  const [orders, invoices, contracts] = await Promise.all([
    tx.order.count({ where: { accountId: account.id } }),
    tx.invoice.count({ where: { accountId: account.id } }),
    tx.contract.count({ where: { accountId: account.id } }),
  ]);
  if (orders + invoices + contracts > 0) {
    throw new ConflictError("lifecycle.currencyInUse", { account: account.name, currency: account.currency, orders, invoices, contracts });
  }
}

/**
 * Tier, region and currency of an account. The currency only while nothing is priced in the old
 * one: no orders, invoices or contracts (their amounts would silently change meaning).
 */
export async function editAccount(db: PrismaClient, actor: Actor, input: z.input<typeof editAccountInput>) {
  const data = validate(editAccountInput, input);
  return inTransaction(db, async (tx) => {
    const account = await resolveAccount(tx, actor.organizationId, data.account);
    await requireAccount(tx, actor, "account.write", account.id);
    await assertVersion(tx, actor.organizationId, account, account.name, data.expectedVersion);
    if (data.currency !== undefined) await requireCurrencyFree(tx, account, data.currency);
    return changeAccount(tx, actor, "account.edit", account, {
      ...(data.tier !== undefined ? { tier: data.tier } : {}),
      ...(data.region !== undefined ? { region: data.region } : {}),
      ...(data.currency !== undefined ? { currency: data.currency } : {}),
    });
  });
}

export const archiveAccountInput = z.object({ account: limits.reference, expectedVersion });

/**
 * Archives an account: it leaves lists, forms, checks, reminders, digests and suggestions, and
 * takes no more writes until it is unarchived; its records and history stay. Its open flags are
 * resolved now (the next sweep would resolve them anyway, since archived accounts are not checked).
 * Taking the account manager's say (team.change), as binding a channel does. `account unarchive`
 * takes it back (not `undo`: an archived account takes no writes, undo's included).
 */
export async function archiveAccount(db: PrismaClient, actor: Actor, input: z.input<typeof archiveAccountInput>) {
  const data = validate(archiveAccountInput, input);
  return inTransaction(db, async (tx) => {
    const account = await resolveAccount(tx, actor.organizationId, data.account);
    await requireAccount(tx, actor, "team.change", account.id, { archived: true });
    await assertVersion(tx, actor.organizationId, account, account.name, data.expectedVersion);
    if (account.archivedAt) throw new ConflictError("lifecycle.alreadyArchived", { account: account.name });
    const flags = await tx.flag.updateMany({
      where: { organizationId: actor.organizationId, accountId: account.id, status: { not: "RESOLVED" } },
      data: { status: "RESOLVED", resolvedAt: actor.now },
    });
    // Not undoable: undo would bring the account back without its resolved flags; unarchive says what it does.
    const archived = await changeAccount(tx, actor, "account.archive", account, { archivedAt: actor.now }, {
      resolvedFlags: flags.count,
      undoable: false,
      undoReason: "undo.reason.archive",
    });
    return { account: archived, resolvedFlags: flags.count };
  });
}

export async function unarchiveAccount(db: PrismaClient, actor: Actor, input: z.input<typeof archiveAccountInput>) {
  const data = validate(archiveAccountInput, input);
  return inTransaction(db, async (tx) => {
    const account = await resolveAccount(tx, actor.organizationId, data.account);
    await requireAccount(tx, actor, "team.change", account.id, { archived: true });
    await assertVersion(tx, actor.organizationId, account, account.name, data.expectedVersion);
    if (!account.archivedAt) throw new ConflictError("lifecycle.notArchived", { account: account.name });
    return changeAccount(tx, actor, "account.unarchive", account, { archivedAt: null });
  });
}

/** The ids of an organization's archived accounts (the checks leave them out). */
export async function archivedAccountIds(tx: Tx | PrismaClient, organizationId: string): Promise<Set<string>> {
  const rows = await tx.account.findMany({ where: { organizationId, archivedAt: { not: null } }, select: { id: true } });
  return new Set(rows.map((r) => r.id));
}
