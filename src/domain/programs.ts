import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Actor } from "./actor.ts";
import { assertVersion, auditChange, diffFields } from "./changes.ts";
import { ConflictError, InvalidInputError, NotFoundError } from "./errors.ts";
import * as limits from "./limits.ts";
import { requireAccount } from "./permissions.ts";
import { organizationTimeZone } from "./organizations.ts";
import { programUplift } from "./program-uplift.ts";
import { recordNumber, resolveAccount, resolveProduct } from "./references.ts";
import { localDay } from "./rules/time.ts";
import { audit, inTransaction, nextNumber, type Tx } from "./tx.ts";
import { validate } from "./validate.ts";
import { amountInput, minorIn } from "./amounts.ts";

/**
 * Marketing programs (MP-3): what a customer runs with the products, e.g. as a reseller, from one
 * day to another. A program is planned before its first day, running through its last, and ended
 * after it (or once `program end` ended it early: its last day becomes the day it was ended).
 */
export type ProgramStatus = "planned" | "running" | "ended";

export function programStatus(program: { fromDay: Date; toDay: Date; endedAt: Date | null }, today: string): ProgramStatus {
  if (program.endedAt || limits.dateToDay(program.toDay) < today) return "ended";
  return limits.dateToDay(program.fromDay) > today ? "planned" : "running";
}

const include = {
  account: { select: { id: true, name: true, externalId: true } },
  products: { include: { product: { select: { id: true, sku: true, name: true, unit: true } } }, orderBy: { product: { sku: "asc" as const } } },
} as const;

export const addProgramInput = z.object({
  account: limits.reference,
  name: limits.name,
  fromDay: limits.isoDay,
  toDay: limits.isoDay,
  products: z.array(limits.reference).max(50).default([]),
  budget: amountInput.optional(),
});

/** Resolves SKUs (or product names) to products, once each, naming the position of an unknown one. */
async function programProducts(tx: Tx, organizationId: string, refs: string[]) {
  const products: { id: string; sku: string }[] = [];
  for (const [i, ref] of refs.entries()) {
    let product;
    try {
      product = await resolveProduct(tx, organizationId, ref);
    } catch (error) {
      if (error instanceof NotFoundError) throw new InvalidInputError(`products.${i}`, "error.notFound", { kind: "product", ref });
      throw error;
    }
    if (!products.some((p) => p.id === product.id)) products.push({ id: product.id, sku: product.sku });
  }
  return products;
}

export async function addProgram(db: PrismaClient, actor: Actor, input: z.input<typeof addProgramInput>) {
  const data = validate(addProgramInput, input);
  if (data.toDay < data.fromDay) throw new InvalidInputError("toDay", "program.toBeforeFrom", { from: data.fromDay, to: data.toDay });
  return inTransaction(db, async (tx) => {
    const account = await resolveAccount(tx, actor.organizationId, data.account);
    await requireAccount(tx, actor, "account.write", account.id);
    const products = await programProducts(tx, actor.organizationId, data.products);
    const number = await nextNumber(tx, actor.organizationId, "program");
    const currency = data.budget?.currency ?? account.currency;
    const budgetMinor = data.budget ? minorIn(data.budget, currency, "budget") : null;
    const program = await tx.marketingProgram.create({
      data: {
        organizationId: actor.organizationId,
        number,
        accountId: account.id,
        name: data.name,
        fromDay: limits.dayToDate(data.fromDay),
        toDay: limits.dayToDate(data.toDay),
        budgetMinor,
        currency,
        createdAt: actor.now,
        products: { create: products.map((p) => ({ productId: p.id })) },
      },
      include,
    });
    await audit(tx, actor, "program.create", "MarketingProgram", program.id, {
      number,
      account: account.id,
      name: data.name,
      fromDay: data.fromDay,
      toDay: data.toDay,
      products: products.map((p) => p.sku),
      budgetMinor: budgetMinor === null ? null : Number(budgetMinor),
      currency,
    });
    return program;
  });
}

/** The programs of one account, or of the whole organization, latest first. */
export async function listPrograms(db: PrismaClient, actor: Actor, input: { account?: string | undefined }) {
  const data = validate(z.object({ account: limits.reference.optional() }), input);
  return inTransaction(db, async (tx) => {
    const account = data.account ? await resolveAccount(tx, actor.organizationId, data.account) : null;
    const programs = await tx.marketingProgram.findMany({
      where: { organizationId: actor.organizationId, ...(account ? { accountId: account.id } : {}) },
      include,
      orderBy: [{ fromDay: "desc" }, { number: "desc" }],
      take: 200,
    });
    return { account, programs };
  });
}

/** The programs running on `today` (not ended, first day reached, last day not passed). */
export async function runningPrograms(db: PrismaClient | Tx, organizationId: string, today: string, accountId?: string) {
  const day = limits.dayToDate(today);
  return db.marketingProgram.findMany({
    where: { organizationId, endedAt: null, fromDay: { lte: day }, toDay: { gte: day }, ...(accountId ? { accountId } : {}) },
    include,
    orderBy: [{ toDay: "asc" }, { number: "asc" }],
  });
}

async function findProgram(tx: Tx, organizationId: string, ref: string) {
  const number = await recordNumber(tx, "program", organizationId, ref);
  const program = await tx.marketingProgram.findFirst({ where: { organizationId, number }, include });
  if (!program) throw new NotFoundError("program", ref);
  return program;
}

const dayInput = { program: limits.reference, today: limits.isoDay.optional() };

/**
 * A program with its uplift: what the account ordered of the program's products (all products
 * when it names none) from its first day through its last (through today while it runs), against
 * the same number of days immediately before it.
 */
export async function showProgram(db: PrismaClient, actor: Actor, input: z.input<z.ZodObject<typeof dayInput>>) {
  const data = validate(z.object(dayInput), input);
  return inTransaction(db, async (tx) => {
    const program = await findProgram(tx, actor.organizationId, data.program);
    const timeZone = await organizationTimeZone(tx, actor.organizationId);
    const today = data.today ?? localDay(actor.now, timeZone);
    const uplift = await programUplift(tx, actor.organizationId, program, timeZone, today);
    return { ...program, status: programStatus(program, today), uplift, today };
  });
}

export const endProgramInput = z.object({ ...dayInput, expectedVersion: z.number().int().min(1).optional() });

/** Ends a program today: its last day becomes today (when it was to run longer) and it is no longer running. */
export async function endProgram(db: PrismaClient, actor: Actor, input: z.input<typeof endProgramInput>) {
  const data = validate(endProgramInput, input);
  return inTransaction(db, async (tx) => {
    const program = await findProgram(tx, actor.organizationId, data.program);
    await requireAccount(tx, actor, "account.write", program.accountId);
    const ref = `MP-${program.number}`;
    await assertVersion(tx, actor.organizationId, program, ref, data.expectedVersion);
    const today = data.today ?? localDay(actor.now, await organizationTimeZone(tx, actor.organizationId));
    if (program.endedAt) throw new ConflictError("program.alreadyEnded", { ref, on: limits.dateToDay(program.toDay) });
    const toDay = limits.dateToDay(program.toDay);
    if (toDay < today) throw new ConflictError("program.alreadyOver", { ref, on: toDay });
    if (limits.dateToDay(program.fromDay) > today) throw new ConflictError("program.notStarted", { ref, on: limits.dateToDay(program.fromDay) });
    const after = { endedAt: actor.now, toDay: limits.dayToDate(today) };
    const changes = diffFields(program, after, ["endedAt", "toDay"]);
    const updated = await tx.marketingProgram.update({ where: { id: program.id }, data: { ...after, version: { increment: 1 } }, include });
    await auditChange(tx, actor, "program.end", "MarketingProgram", program.id, updated.version, changes, { ref });
    return updated;
  });
}
