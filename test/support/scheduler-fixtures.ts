import { randomBytes } from "node:crypto";
import type { PrismaClient } from "../../src/generated/prisma/client.ts";
import type { CasePriority, OrderStatus, Platform } from "../../src/generated/prisma/enums.ts";
import { TEST_NOW } from "./clock.ts";

/** Test data for the scheduler, written with the Prisma client directly (test setup only). */

const rid = (p: string) => `${p}${randomBytes(4).toString("hex").toUpperCase()}`;
let counter = 1000;
const next = () => ++counter;
export const day = (d: string) => new Date(`${d}T00:00:00Z`);

export interface Scene {
  db: PrismaClient;
  organizationId: string;
  accountId: string;
  /** The account manager (mentioned; Slack identity). */
  managerId: string;
  managerSlackId: string;
  channelId: string;
  productId: string;
}

/** An organization with one account bound to a Slack channel, an account manager and a product. */
export async function scene(
  db: PrismaClient,
  options: { timeZone?: string; locale?: string; settings?: object; quiet?: [number, number]; workingDays?: number[]; channel?: boolean } = {},
): Promise<Scene> {
  const org = await db.organization.create({
    data: {
      name: rid("Org "),
      timeZone: options.timeZone ?? "Europe/Berlin",
      locale: options.locale ?? "en",
      settings: (options.settings ?? {}) as object,
      quietStartHour: options.quiet?.[0] ?? 20,
      quietEndHour: options.quiet?.[1] ?? 7,
      workingDays: options.workingDays ?? [1, 2, 3, 4, 5, 6, 7],
    },
  });
  const account = await db.account.create({ data: { organizationId: org.id, name: rid("ACME "), currency: "EUR" } });
  const managerSlackId = rid("U");
  const manager = await db.member.create({
    data: { organizationId: org.id, displayName: "Mia Manager", orgRole: "MANAGER", identities: { create: { organizationId: org.id, platform: "SLACK", externalId: managerSlackId } } },
  });
  await db.accountTeamMember.create({ data: { accountId: account.id, memberId: manager.id, role: "ACCOUNT_MANAGER" } });
  const channelId = rid("C");
  if (options.channel !== false) {
    await db.channelBinding.create({ data: { organizationId: org.id, accountId: account.id, platform: "SLACK", channelId } });
  }
  const product = await db.product.create({ data: { organizationId: org.id, sku: rid("SKU-"), name: "Bolt M10", currency: "EUR", listPriceMinor: 250n } });
  return { db, organizationId: org.id, accountId: account.id, managerId: manager.id, managerSlackId, channelId, productId: product.id };
}

export async function addMember(s: Scene, options: { name: string; deliverVia?: "CHANNEL" | "DIRECT"; platform?: Platform; timeZone?: string; personalConversation?: string }) {
  const externalId = rid(options.platform === "TEAMS" ? "aad-" : "U");
  const member = await s.db.member.create({
    data: {
      organizationId: s.organizationId,
      displayName: options.name,
      deliverVia: options.deliverVia ?? "CHANNEL",
      timeZone: options.timeZone ?? null,
      identities: { create: { organizationId: s.organizationId, platform: options.platform ?? "SLACK", externalId, mentionId: options.platform === "TEAMS" ? `29:${externalId}` : null } },
    },
  });
  if (options.personalConversation) {
    await s.db.conversation.create({ data: { organizationId: s.organizationId, platform: options.platform ?? "SLACK", conversationId: options.personalConversation, kind: "personal", memberId: member.id } });
  }
  return { member, externalId };
}

export async function addOrder(
  s: Scene,
  options: { totalMinor?: bigint; currency?: string; status?: OrderStatus; orderedAt?: Date; requestedOn?: string; lines?: { productId?: string; quantity?: number; unitPriceMinor?: bigint }[]; accountId?: string },
) {
  return s.db.order.create({
    data: {
      organizationId: s.organizationId,
      number: next(),
      accountId: options.accountId ?? s.accountId,
      status: options.status ?? "RECEIVED",
      currency: options.currency ?? "EUR",
      totalMinor: options.totalMinor ?? 10_000n,
      orderedAt: options.orderedAt ?? TEST_NOW,
      requestedOn: options.requestedOn ? day(options.requestedOn) : null,
      lines: {
        create: (options.lines ?? [{}]).map((l, i) => ({
          lineNo: i + 1,
          productId: l.productId ?? s.productId,
          quantity: (l.quantity ?? 1).toFixed(3),
          unitPriceMinor: l.unitPriceMinor ?? 250n,
        })),
      },
    },
  });
}

export async function addInvoice(
  s: Scene,
  options: { number?: string; amountMinor?: bigint; currency?: string; issuedOn: string; dueOn: string; paidOn?: string; orderId?: string | null; accountId?: string },
) {
  return s.db.invoice.create({
    data: {
      organizationId: s.organizationId,
      refNumber: next(),
      accountId: options.accountId ?? s.accountId,
      number: options.number ?? rid("R-"),
      amountMinor: options.amountMinor ?? 10_000n,
      currency: options.currency ?? "EUR",
      issuedOn: day(options.issuedOn),
      dueOn: day(options.dueOn),
      paidOn: options.paidOn ? day(options.paidOn) : null,
      orderId: options.orderId ?? null,
    },
  });
}

export async function addContract(
  s: Scene,
  options: { startsOn: string; endsOn: string; currency?: string; noticeDays?: number; paymentTermsDays?: number; prices?: { productId?: string; priceMinor: bigint }[]; commitments?: { productId?: string; quantity: number; period?: "MONTH" | "QUARTER" | "YEAR" }[] },
) {
  return s.db.contract.create({
    data: {
      organizationId: s.organizationId,
      number: next(),
      accountId: s.accountId,
      name: "Frame agreement",
      startsOn: day(options.startsOn),
      endsOn: day(options.endsOn),
      noticeDays: options.noticeDays ?? 90,
      paymentTermsDays: options.paymentTermsDays ?? 30,
      currency: options.currency ?? "EUR",
      prices: { create: (options.prices ?? []).map((p) => ({ productId: p.productId ?? s.productId, priceMinor: p.priceMinor })) },
      commitments: { create: (options.commitments ?? []).map((c) => ({ productId: c.productId ?? s.productId, quantity: c.quantity.toFixed(3), period: c.period ?? "YEAR" })) },
    },
  });
}

export async function addMilestone(s: Scene, options: { dueOn: string; ownerId?: string | null; status?: "OPEN" | "DONE" | "CANCELLED" }) {
  const project = await s.db.project.create({
    data: { organizationId: s.organizationId, number: next(), accountId: s.accountId, name: "Rollout", dueOn: day(options.dueOn), ownerId: s.managerId },
  });
  return s.db.milestone.create({
    data: { organizationId: s.organizationId, number: next(), projectId: project.id, name: "Pilot", dueOn: day(options.dueOn), ownerId: options.ownerId === undefined ? null : options.ownerId, status: options.status ?? "OPEN" },
  });
}

export async function addCase(s: Scene, options: { slaDueAt: Date; priority?: CasePriority; status?: "OPEN" | "CLOSED" }) {
  return s.db.case.create({
    data: { organizationId: s.organizationId, number: next(), accountId: s.accountId, subject: "Broken pallet", priority: options.priority ?? "NORMAL", status: options.status ?? "OPEN", slaDueAt: options.slaDueAt },
  });
}
