import { expect, it } from "vitest";
import { logOrder, reorder, changeOrderStatus, listOrders } from "../../src/domain/orders.ts";
import { ConflictError, DomainError, ForbiddenError, NotFoundError } from "../../src/domain/errors.ts";
import { addInvoice } from "../../src/domain/invoices.ts";
import { addToTeam } from "../../src/domain/team.ts";
import { addProduct } from "../../src/domain/products.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { accountWithProducts, newMember, newOrganization } from "../support/fixtures.ts";

describeEachDatabase("orders", (get) => {
  it("logs an order with list prices, numbered per organization, with an audit event", async () => {
    const db = get().prisma;
    const { actor, account } = await accountWithProducts(db);
    // A measured unit: counted ones (pcs) take whole quantities only.
    await addProduct(db, actor, { sku: "WIRE-1", name: "Wire", unit: "kg", listPrice: { minor: 100 } });
    const order = await logOrder(db, actor, {
      account: "acme",
      lines: [{ product: "BOLT-10", quantity: 100 }, { product: "wire", quantity: 2.5, unitPrice: { minor: 90 } }],
      requestedOn: "2026-12-31",
      poRef: "PO-4711",
    });
    expect(order.number).toBe(1);
    expect(order.accountId).toBe(account.id);
    expect(Number(order.totalMinor)).toBe(100 * 250 + Math.round(2.5 * 90));
    expect(order.lines.map((l) => [l.product.sku, Number(l.quantity), Number(l.unitPriceMinor)])).toEqual([
      ["BOLT-10", 100, 250],
      ["WIRE-1", 2.5, 90],
    ]);
    expect(order.requestedOn?.toISOString().slice(0, 10)).toBe("2026-12-31");
    const events = await db.auditEvent.findMany({ where: { entityId: order.id } });
    expect(events.map((e) => e.action)).toEqual(["order.log"]);
    expect(events[0]!.actorId).toBe(actor.memberId);
  });

  it("reorders the last order or a named one, and moves status forward only", async () => {
    const db = get().prisma;
    const { actor } = await accountWithProducts(db);
    const first = await logOrder(db, actor, { account: "ACME Holding GmbH", lines: [{ product: "BOLT-10", quantity: 10 }] });
    const second = await logOrder(db, actor, { account: "ACME", lines: [{ product: "NUT-10", quantity: 5 }] });
    const again = await reorder(db, actor, { account: "acme" });
    expect(again.reorderOfId).toBe(second.id);
    expect(again.lines.map((l) => l.product.sku)).toEqual(["NUT-10"]);
    const named = await reorder(db, actor, { account: "acme", order: `O-${first.number}` });
    expect(named.reorderOfId).toBe(first.id);
    expect(Number(named.totalMinor)).toBe(Number(first.totalMinor));

    const confirmed = await changeOrderStatus(db, actor, { order: String(first.number), status: "CONFIRMED" });
    expect(confirmed.status).toBe("CONFIRMED");
    await changeOrderStatus(db, actor, { order: `#${first.number}`, status: "DELIVERED" });
    await expect(changeOrderStatus(db, actor, { order: String(first.number), status: "SHIPPED" })).rejects.toThrow(DomainError);
    await expect(changeOrderStatus(db, actor, { order: String(first.number), status: "CANCELLED" })).rejects.toThrow(DomainError);

    const open = await listOrders(db, actor, { account: "acme" });
    expect(open.orders.map((o) => o.number).sort()).toEqual([second.number, again.number, named.number].sort());
    const all = await listOrders(db, actor, { account: "acme", scope: "all" });
    expect(all.orders).toHaveLength(4);
    const actions = await db.auditEvent.findMany({ where: { organizationId: actor.organizationId, entityType: "Order" }, select: { action: true } });
    expect(actions.map((a) => a.action).sort()).toEqual(["order.log", "order.log", "order.reorder", "order.reorder", "order.status", "order.status"]);
  });

  it("a failed write leaves nothing behind: no order, no lines, no audit event, no number used", async () => {
    const db = get().prisma;
    const { actor } = await accountWithProducts(db);
    const before = await db.auditEvent.count({ where: { organizationId: actor.organizationId } });
    await expect(
      logOrder(db, actor, { account: "acme", lines: [{ product: "BOLT-10", quantity: 1 }, { product: "NO-SUCH", quantity: 1 }] }),
    ).rejects.toThrow(NotFoundError);
    await expect(logOrder(db, actor, { account: "acme", lines: [{ product: "BOLT-10", quantity: -1 }] })).rejects.toThrow(DomainError);
    await expect(logOrder(db, actor, { account: "acme", lines: [{ product: "BOLT-10", quantity: 1 }], requestedOn: "2026-02-30" })).rejects.toThrow(DomainError);
    await expect(
      logOrder(db, actor, { account: "acme", lines: [{ product: "BOLT-10", quantity: 1, unitPrice: { minor: 1, currency: "USD" } }] }),
    ).rejects.toThrow(DomainError);
    await expect(logOrder(db, actor, { account: "acme", lines: [{ product: "BOLT-10", quantity: 1 }], poRef: "x".repeat(61) })).rejects.toThrow(DomainError);
    expect(await db.order.count({ where: { organizationId: actor.organizationId } })).toBe(0);
    expect(await db.orderLine.count({ where: { order: { organizationId: actor.organizationId } } })).toBe(0);
    expect(await db.auditEvent.count({ where: { organizationId: actor.organizationId } })).toBe(before);
    const ok = await logOrder(db, actor, { account: "acme", lines: [{ product: "BOLT-10", quantity: 1 }] });
    expect(ok.number).toBe(1);
  });

  it("never reaches another organization's accounts or orders, and viewers cannot write", async () => {
    const db = get().prisma;
    const a = await accountWithProducts(db);
    const b = await newOrganization(db);
    const order = await logOrder(db, a.actor, { account: "acme", lines: [{ product: "BOLT-10", quantity: 1 }] });
    await expect(logOrder(db, b.actor, { account: "ACME Holding GmbH", lines: [{ product: "BOLT-10", quantity: 1 }] })).rejects.toThrow(NotFoundError);
    await expect(logOrder(db, b.actor, { account: a.account.id, lines: [{ product: "BOLT-10", quantity: 1 }] })).rejects.toThrow(NotFoundError);
    await expect(changeOrderStatus(db, b.actor, { order: String(order.number), status: "CONFIRMED" })).rejects.toThrow(NotFoundError);

    const viewer = await newMember(db, a.org.id, "Vera Viewer");
    await addToTeam(db, a.actor, { account: "acme", member: "Vera", role: "VIEWER" });
    await expect(logOrder(db, viewer.actor, { account: "acme", lines: [{ product: "BOLT-10", quantity: 1 }] })).rejects.toThrow(ForbiddenError);
    const sales = await newMember(db, a.org.id, "Sam Sales");
    await expect(logOrder(db, sales.actor, { account: "acme", lines: [{ product: "BOLT-10", quantity: 1 }] })).rejects.toThrow(ForbiddenError);
    await addToTeam(db, a.actor, { account: "acme", member: "Sam", role: "SALES" });
    const byTeam = await logOrder(db, sales.actor, { account: "acme", lines: [{ product: "BOLT-10", quantity: 1 }] });
    expect(byTeam.createdById).toBe(sales.member.id);
    expect((await listOrders(db, viewer.actor, { account: "acme" })).orders).toHaveLength(2);
  });

  it("numbers concurrent orders without gaps or duplicates", async () => {
    const db = get().prisma;
    const { actor } = await accountWithProducts(db);
    const orders = await Promise.all(
      Array.from({ length: 12 }, () => logOrder(db, actor, { account: "acme", lines: [{ product: "BOLT-10", quantity: 1 }] })),
    );
    expect(orders.map((o) => o.number).sort((x, y) => x - y)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it("sets an order to invoiced only once an invoice bills it", async () => {
    const db = get().prisma;
    const { actor } = await accountWithProducts(db);
    const order = await logOrder(db, actor, { account: "acme", lines: [{ product: "BOLT-10", quantity: 4 }] });
    await changeOrderStatus(db, actor, { order: `O-${order.number}`, status: "DELIVERED" });
    const refused = await changeOrderStatus(db, actor, { order: `O-${order.number}`, status: "INVOICED" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConflictError);
    expect(refused).toMatchObject({ key: "error.invoicedWithoutInvoice", params: { order: order.number, account: "ACME Holding GmbH" } });
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("DELIVERED");
    expect(await db.auditEvent.count({ where: { organizationId: actor.organizationId, action: "order.status", entityId: order.id } })).toBe(1);

    await addInvoice(db, actor, { account: "acme", number: "RE-1", amount: { minor: 1000 }, order: `O-${order.number}`, issuedOn: "2026-11-26" });
    const invoiced = await changeOrderStatus(db, actor, { order: `O-${order.number}`, status: "INVOICED" });
    expect(invoiced.status).toBe("INVOICED");
  });

  it("refuses to cancel an order an invoice bills, naming the invoice", async () => {
    const db = get().prisma;
    const { actor } = await accountWithProducts(db);
    const order = await logOrder(db, actor, { account: "acme", lines: [{ product: "BOLT-10", quantity: 4 }] });
    const invoice = await addInvoice(db, actor, { account: "acme", number: "RE-1", amount: { minor: 1000 }, order: `O-${order.number}`, issuedOn: "2026-11-26" });
    const refused = await changeOrderStatus(db, actor, { order: `O-${order.number}`, status: "CANCELLED" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConflictError);
    expect(refused).toMatchObject({ key: "error.cancelBilled", params: { order: order.number, invoices: `I-${invoice.refNumber}` } });
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("RECEIVED");
    // An order without an invoice is cancelled as before.
    const other = await logOrder(db, actor, { account: "acme", lines: [{ product: "BOLT-10", quantity: 1 }] });
    expect((await changeOrderStatus(db, actor, { order: `O-${other.number}`, status: "CANCELLED" })).status).toBe("CANCELLED");
  });
});
