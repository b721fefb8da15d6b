import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { CommitmentPeriod } from "../generated/prisma/enums.ts";
import type { Actor } from "./actor.ts";
import { InvalidInputError, NotFoundError } from "./errors.ts";
import * as limits from "./limits.ts";
import { requireAccount } from "./permissions.ts";
import { parseNumberRef, resolveAccount, resolveProduct } from "./references.ts";
import { audit, inTransaction, nextNumber } from "./tx.ts";
import { validate } from "./validate.ts";
import { requireWholeIfCounted } from "./products.ts";

const DAY_MS = 86_400_000;
const PERIOD_MONTHS: Record<CommitmentPeriod, number> = { MONTH: 1, QUARTER: 3, YEAR: 12 };

export const addContractInput = z.object({
  account: limits.reference,
  name: limits.name,
  startsOn: limits.isoDay,
  endsOn: limits.isoDay,
  noticeDays: z.number().int().min(0).max(730).default(90),
  paymentTermsDays: z.number().int().min(0).max(365).default(30),
  prices: z.array(z.object({ product: limits.reference, minor: limits.minorAmount })).max(200).default([]),
  commitments: z
    .array(z.object({ product: limits.reference, quantity: limits.quantity, period: z.enum(["MONTH", "QUARTER", "YEAR"]).default("YEAR") }))
    .max(50)
    .default([]),
});
export type AddContractInput = z.input<typeof addContractInput>;

export async function addContract(db: PrismaClient, actor: Actor, input: AddContractInput) {
  const data = validate(addContractInput, input);
  if (data.endsOn <= data.startsOn) throw new InvalidInputError("endsOn", "error.dateTooEarly", { min: nextDay(data.startsOn) });
  return inTransaction(db, async (tx) => {
    const account = await resolveAccount(tx, actor.organizationId, data.account);
    await requireAccount(tx, actor, "account.write", account.id);
    const prices: { productId: string; priceMinor: bigint }[] = [];
    for (const [i, price] of data.prices.entries()) {
      const product = await resolveProduct(tx, actor.organizationId, price.product);
      if (prices.some((p) => p.productId === product.id)) {
        throw new InvalidInputError(`prices.${i}.product`, "error.duplicateProduct", { product: product.sku });
      }
      prices.push({ productId: product.id, priceMinor: BigInt(price.minor) });
    }
    const commitments: { productId: string; quantity: string; period: CommitmentPeriod }[] = [];
    for (const [i, commitment] of data.commitments.entries()) {
      const product = await resolveProduct(tx, actor.organizationId, commitment.product);
      requireWholeIfCounted(product, commitment.quantity, `commitments.${i}.quantity`);
      if (commitments.some((c) => c.productId === product.id && c.period === commitment.period)) {
        throw new InvalidInputError(`commitments.${i}.product`, "error.duplicateProduct", { product: product.sku });
      }
      commitments.push({ productId: product.id, quantity: commitment.quantity.toFixed(3), period: commitment.period });
    }
    const number = await nextNumber(tx, actor.organizationId, "contract");
    const contract = await tx.contract.create({
      data: {
        organizationId: actor.organizationId,
        number,
        accountId: account.id,
        name: data.name,
        startsOn: limits.dayToDate(data.startsOn),
        endsOn: limits.dayToDate(data.endsOn),
        noticeDays: data.noticeDays,
        paymentTermsDays: data.paymentTermsDays,
        currency: account.currency,
        prices: { create: prices },
        commitments: { create: commitments },
      },
      include: { account: true, prices: { include: { product: true } }, commitments: { include: { product: true } } },
    });
    await audit(tx, actor, "contract.create", "Contract", contract.id, {
      number,
      account: account.id,
      name: data.name,
      startsOn: data.startsOn,
      endsOn: data.endsOn,
      noticeDays: data.noticeDays,
      paymentTermsDays: data.paymentTermsDays,
      prices,
      commitments,
    });
    return contract;
  });
}

export async function listContracts(db: PrismaClient, actor: Actor, input: { account: string }) {
  const data = validate(z.object({ account: limits.reference }), input);
  return inTransaction(db, async (tx) => {
    const account = await resolveAccount(tx, actor.organizationId, data.account);
    const contracts = await tx.contract.findMany({
      where: { organizationId: actor.organizationId, accountId: account.id },
      include: {
        prices: { include: { product: true }, orderBy: { product: { sku: "asc" } } },
        commitments: { include: { product: true }, orderBy: { product: { sku: "asc" } } },
      },
      orderBy: [{ startsOn: "desc" }, { number: "desc" }],
    });
    return { account, contracts };
  });
}

export const showContractInput = z.object({
  contract: limits.reference,
  /** The day whose commitment period is reported; defaults to today (UTC). */
  today: limits.isoDay.optional(),
});

/**
 * A contract with its prices and commitments; each commitment carries the quantity ordered so far
 * in its current period. Periods run from the contract start (a YEAR commitment on a contract
 * starting 1 April runs April to March), clipped to the contract's end.
 */
export async function showContract(db: PrismaClient, actor: Actor, input: z.input<typeof showContractInput>) {
  const data = validate(showContractInput, input);
  return inTransaction(db, async (tx) => {
    const number = parseNumberRef("contract", data.contract, "K");
    const contract = await tx.contract.findFirst({
      where: { organizationId: actor.organizationId, number },
      include: {
        account: true,
        prices: { include: { product: true }, orderBy: { product: { sku: "asc" } } },
        commitments: { include: { product: true }, orderBy: { product: { sku: "asc" } } },
      },
    });
    if (!contract) throw new NotFoundError("contract", data.contract);
    const today = data.today ? limits.dayToDate(data.today) : limits.dayToDate(limits.dateToDay(actor.now));
    const periods = contract.commitments.map((c) => currentPeriod(contract.startsOn, contract.endsOn, c.period, today));
    const lines =
      contract.commitments.length === 0 ? []
      : await tx.orderLine.findMany({
          where: {
            productId: { in: contract.commitments.map((c) => c.productId) },
            order: {
              organizationId: actor.organizationId,
              accountId: contract.accountId,
              status: { not: "CANCELLED" },
              orderedAt: { gte: minDate(periods.map((p) => p.from)), lt: maxDate(periods.map((p) => p.until)) },
            },
          },
          select: { productId: true, quantity: true, order: { select: { orderedAt: true } } },
        });
    const commitments = contract.commitments.map((c, i) => {
      const period = periods[i]!;
      const ordered = lines
        .filter((l) => l.productId === c.productId && l.order.orderedAt >= period.from && l.order.orderedAt < period.until)
        .reduce((sum, l) => sum + Number(l.quantity), 0);
      return {
        ...c,
        ordered: Math.round(ordered * 1000) / 1000,
        periodFrom: period.from,
        /** The last day of the period (inclusive). */
        periodTo: new Date(period.until.getTime() - DAY_MS),
      };
    });
    return { ...contract, commitments };
  });
}

function nextDay(day: string): string {
  return limits.dateToDay(new Date(limits.dayToDate(day).getTime() + DAY_MS));
}

function addMonths(date: Date, months: number): Date {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  return d;
}

/** The period containing `day` ([from, until), until exclusive), clamped to the contract's term. */
export function currentPeriod(startsOn: Date, endsOn: Date, period: CommitmentPeriod, day: Date): { from: Date; until: Date } {
  const step = PERIOD_MONTHS[period];
  const end = new Date(endsOn.getTime() + DAY_MS);
  const at = day < startsOn ? startsOn : day >= end ? new Date(end.getTime() - DAY_MS) : day;
  let k = 0;
  while (addMonths(startsOn, (k + 1) * step) <= at) k++;
  const from = addMonths(startsOn, k * step);
  const until = addMonths(startsOn, (k + 1) * step);
  return { from, until: until > end ? end : until };
}

const minDate = (dates: Date[]) => new Date(Math.min(...dates.map((d) => d.getTime())));
const maxDate = (dates: Date[]) => new Date(Math.max(...dates.map((d) => d.getTime())));
