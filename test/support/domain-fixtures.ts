import { expect } from "vitest";
import type { PrismaClient } from "../../src/generated/prisma/client.ts";
import { addAccount } from "../../src/domain/accounts.ts";
import { DomainError } from "../../src/domain/errors.ts";
import { addToTeam } from "../../src/domain/team.ts";
import { accountWithProducts, newMember, newOrganization } from "./fixtures.ts";

/**
 * Organization A (admin, account "ACME Holding GmbH", products BOLT-10 and NUT-10, a second
 * account "Baltic Logistics AG", a viewer on ACME's team, a customer-service member on ACME's team
 * and a member on no team) and organization B, whose admin must never see A's data.
 */
export async function twoOrganizations(db: PrismaClient) {
  const a = await accountWithProducts(db);
  const baltic = await addAccount(db, a.actor, { name: "Baltic Logistics AG" });
  const viewer = await newMember(db, a.org.id, "Vera Viewer");
  await addToTeam(db, a.actor, { account: a.account.id, member: "Vera", role: "VIEWER" });
  const service = await newMember(db, a.org.id, "Cem Service");
  await addToTeam(db, a.actor, { account: a.account.id, member: "Cem", role: "CUSTOMER_SERVICE" });
  const outsider = await newMember(db, a.org.id, "Otto Outsider");
  const b = await newOrganization(db, { name: "Other Org" });
  return { ...a, baltic, viewer, service, outsider, b };
}

/** Everything one organization holds that a failed write must not have added to. */
export async function footprint(db: PrismaClient, organizationId: string) {
  const [audit, projects, milestones, invoices, contracts, prices, commitments, cases, counters] = await Promise.all([
    db.auditEvent.count({ where: { organizationId } }),
    db.project.count({ where: { organizationId } }),
    db.milestone.count({ where: { organizationId } }),
    db.invoice.count({ where: { organizationId } }),
    db.contract.count({ where: { organizationId } }),
    db.contractPrice.count({ where: { contract: { organizationId } } }),
    db.contractCommitment.count({ where: { contract: { organizationId } } }),
    db.case.count({ where: { organizationId } }),
    db.counter.findMany({ where: { organizationId }, orderBy: { kind: "asc" }, select: { kind: true, value: true } }),
  ]);
  return { audit, projects, milestones, invoices, contracts, prices, commitments, cases, counters };
}

/** Awaits a rejection with a DomainError of the given class and message key; returns it for more checks. */
export async function rejects<E extends DomainError>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
  key?: string,
): Promise<E> {
  const error = await promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  if (key) expect((error as E).key).toBe(key);
  return error as E;
}

export const DAY_MS = 86_400_000;

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}
