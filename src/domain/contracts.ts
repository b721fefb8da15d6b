import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { CommitmentPeriod } from "../generated/prisma/enums.ts";
import type { Actor } from "./actor.ts";
import { InvalidInputError, NotFoundError } from "./errors.ts";
import * as limits from "./limits.ts";
import { requireAccount } from "./permissions.ts";
import { recordNumber, resolveAccount, resolveProduct } from "./references.ts";
import { audit, inTransaction, nextNumber } from "./tx.ts";
import { validate } from "./validate.ts";
import { requireWholeIfCounted } from "./products.ts";
import { commitmentWindow, expectedSoFar } from "./rules/commitment-period.ts";
import { addDays, localDay } from "./rules/time.ts";
import { amountInput, minorIn } from "./amounts.ts";

const DAY_MS = 86_400_000;

export const addContractInput = z.object({
  account: limits.reference,
  name: limits.name,
  startsOn: limits.isoDay,
  endsOn: limits.isoDay,
  noticeDays: z.number().int().min(0).max(730).default(90),
  paymentTermsDays: z.number().int().min(0).max(365).default(30),
  prices: z.array(amountInput.omit({ currency: true }).extend({ product: limits.reference })).max(200).default([]),
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
      prices.push({ productId: product.id, priceMinor: minorIn(price, account.currency, `prices.${i}.minor`) });
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

/** The contracts of one account, or of the whole organization when no account is named. */
export async function listContracts(db: PrismaClient, actor: Actor, input: { account?: string | undefined }) {
  const data = validate(z.object({ account: limits.reference.optional() }), input);
  return inTransaction(db, async (tx) => {
    const account = data.account ? await resolveAccount(tx, actor.organizationId, data.account) : null;
    const contracts = await tx.contract.findMany({
      where: { organizationId: actor.organizationId, ...(account ? { accountId: account.id } : {}) },
      include: {
        account: { select: { name: true } },
        prices: { include: { product: true }, orderBy: { product: { sku: "asc" } } },
        commitments: { include: { product: true }, orderBy: { product: { sku: "asc" } } },
      },
      orderBy: account ? [{ startsOn: "desc" }, { number: "desc" }] : [{ account: { name: "asc" } }, { startsOn: "desc" }, { number: "desc" }],
      take: 200,
    });
    return { account, contracts };
  });
}

export const showContractInput = z.object({
  contract: limits.reference,
  /** The day whose commitment period is reported; defaults to the organization's today. */
  today: limits.isoDay.optional(),
});

/**
 * A contract with its prices and commitments; each commitment carries its current period, the
 * quantity ordered in it so far (orders counted on their day in the organization's time zone) and
 * what was expected by now: the same periods and pro-rata target as the commitment check
 * (src/domain/rules/commitment-period.ts).
 */
export async function showContract(db: PrismaClient, actor: Actor, input: z.input<typeof showContractInput>) {
  const data = validate(showContractInput, input);
  return inTransaction(db, async (tx) => {
    const number = await recordNumber(tx, "contract", actor.organizationId, data.contract);
    const contract = await tx.contract.findFirst({
      where: { organizationId: actor.organizationId, number },
      include: {
        account: true,
        organization: { select: { timeZone: true } },
        prices: { include: { product: true }, orderBy: { product: { sku: "asc" } } },
        commitments: { include: { product: true }, orderBy: { product: { sku: "asc" } } },
      },
    });
    if (!contract) throw new NotFoundError("contract", data.contract);
    const timeZone = contract.organization.timeZone;
    const today = data.today ?? localDay(actor.now, timeZone);
    const startsOn = limits.dateToDay(contract.startsOn);
    const endsOn = limits.dateToDay(contract.endsOn);
    const windows = contract.commitments.map((c) => commitmentWindow(startsOn, endsOn, c.period, today));
    const lines =
      contract.commitments.length === 0 ? []
      : await tx.orderLine.findMany({
          where: {
            productId: { in: contract.commitments.map((c) => c.productId) },
            order: {
              organizationId: actor.organizationId,
              accountId: contract.accountId,
              status: { not: "CANCELLED" },
              // A day of slack each side; the local order day decides below.
              orderedAt: {
                gte: limits.dayToDate(addDays(windows.reduce((m, w) => (w.start < m ? w.start : m), windows[0]!.start), -1)),
                lt: limits.dayToDate(addDays(windows.reduce((m, w) => (w.end > m ? w.end : m), windows[0]!.end), 2)),
              },
            },
          },
          select: { productId: true, quantity: true, order: { select: { orderedAt: true } } },
        });
    const commitments = contract.commitments.map((c, i) => {
      const window = windows[i]!;
      const through = today < window.end ? today : window.end;
      const ordered = lines
        .filter((l) => l.productId === c.productId)
        .filter((l) => {
          const day = localDay(l.order.orderedAt, timeZone);
          return day >= window.start && day <= through;
        })
        .reduce((sum, l) => sum + Number(l.quantity), 0);
      const { target } = expectedSoFar(Number(c.quantity), window, through);
      return {
        ...c,
        ordered: Math.round(ordered * 1000) / 1000,
        /** What the check expects by today: the quantity pro rata of the period elapsed. */
        expected: Math.round(target * 1000) / 1000,
        periodFrom: limits.dayToDate(window.start),
        /** The last day of the period (inclusive). */
        periodTo: limits.dayToDate(window.end),
      };
    });
    return { ...contract, commitments };
  });
}

function nextDay(day: string): string {
  return limits.dateToDay(new Date(limits.dayToDate(day).getTime() + DAY_MS));
}

/** The period containing `day` ([from, until), until exclusive), clamped to the contract's term (see commitmentWindow). */
export function currentPeriod(startsOn: Date, endsOn: Date, period: CommitmentPeriod, day: Date): { from: Date; until: Date } {
  const window = commitmentWindow(limits.dateToDay(startsOn), limits.dateToDay(endsOn), period, limits.dateToDay(day));
  return { from: limits.dayToDate(window.start), until: limits.dayToDate(addDays(window.end, 1)) };
}
