import { randomBytes } from "node:crypto";
import type { PrismaClient } from "../../src/generated/prisma/client.ts";
import type { Actor } from "../../src/domain/actor.ts";
import { memberForIdentity } from "../../src/domain/members.ts";
import { organizationForWorkspace } from "../../src/domain/organizations.ts";
import { addAccount } from "../../src/domain/accounts.ts";
import { addProduct } from "../../src/domain/products.ts";
import { TEST_NOW } from "./clock.ts";

export function uniqueId(prefix: string): string {
  return `${prefix}${randomBytes(5).toString("hex").toUpperCase()}`;
}

/** A fresh organization (own Slack workspace) with its first member, who is its admin. */
export async function newOrganization(db: PrismaClient, options: { name?: string; now?: Date } = {}) {
  const now = options.now ?? TEST_NOW;
  const org = await organizationForWorkspace(db, "SLACK", uniqueId("T"), options.name ?? "Test Org", now);
  const admin = await memberForIdentity(db, org.id, "SLACK", uniqueId("U"), { displayName: "Ada Admin", email: `${uniqueId("a")}@example.com` }, now);
  const actor: Actor = { organizationId: org.id, memberId: admin.id, platform: "SLACK", now };
  return { org, admin, actor };
}

export async function newMember(db: PrismaClient, organizationId: string, displayName: string, now: Date = TEST_NOW) {
  const member = await memberForIdentity(db, organizationId, "SLACK", uniqueId("U"), { displayName }, now);
  const actor: Actor = { organizationId, memberId: member.id, platform: "SLACK", now };
  return { member, actor };
}

/** An organization with an account "ACME Holding GmbH" and two products with list prices. */
export async function accountWithProducts(db: PrismaClient) {
  const base = await newOrganization(db);
  const account = await addAccount(db, base.actor, { name: "ACME Holding GmbH", region: "DACH" });
  const bolts = await addProduct(db, base.actor, { sku: "BOLT-10", name: "Bolt M10", listPrice: { minor: 250 } });
  const nuts = await addProduct(db, base.actor, { sku: "NUT-10", name: "Nut M10", unit: "pcs", listPrice: { minor: 80 } });
  return { ...base, account, bolts, nuts };
}
