import { expect, it } from "vitest";
import type { PrismaClient } from "../../src/generated/prisma/client.ts";
import { runChecks } from "../../src/domain/checks.ts";
import { buildDigest } from "../../src/domain/digest.ts";
import { addInvoice } from "../../src/domain/invoices.ts";
import { logOrder } from "../../src/domain/orders.ts";
import { chat, replyText } from "../support/chat.ts";
import { TEST_NOW } from "../support/clock.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { footprint, twoOrganizations } from "../support/domain-fixtures.ts";
import { newMember } from "../support/fixtures.ts";

/** The change event of a record with the given action that brought it to `version` (tests act at one instant). */
async function changeTo(db: PrismaClient, entityId: string, action: string, version: number) {
  const events = await db.auditEvent.findMany({ where: { entityId, action } });
  const hit = events.filter((e) => (e.data as { version?: number }).version === version);
  expect(hit, `${action} to version ${version}`).toHaveLength(1);
  return hit[0]!;
}

async function overdueFlags(db: PrismaClient, accountId: string) {
  return db.flag.findMany({ where: { accountId, rule: "invoice.overdue" }, orderBy: { number: "asc" } });
}

describeEachDatabase("accounts change from chat", (get) => {
  it("renames an account and edits tier, region and currency, with field diffs; the currency stays while amounts use it", async () => {
    const db = get().prisma;
    const a = await twoOrganizations(db);
    const kam = chat(db, a.actor);

    const renamed = await kam.say('account rename acme to "ACME Group AG"');
    expect(replyText(renamed)).toMatch(/Account ACME Holding GmbH is now called ACME Group AG/);
    expect((await changeTo(db, a.account.id, "account.rename", 2)).data).toMatchObject({ changes: { name: { before: "ACME Holding GmbH", after: "ACME Group AG" } } });
    expect(replyText(await kam.say('account rename "ACME Group AG" to baltic logistics ag'))).toMatch(/There already is an account "Baltic Logistics AG"/);
    expect(replyText(await kam.say("account rename acme"))).toMatch(/Missing/);

    // A team member (customer service) may edit the account; tier and region in one change.
    const edited = await chat(db, a.service.actor).say("account edit acme tier international region Nordics");
    expect(replyText(edited)).toMatch(/Account ACME Group AG changed/);
    expect(replyText(edited)).toMatch(/Tier: international/);
    const edit = await changeTo(db, a.account.id, "account.edit", 3);
    expect(edit).toMatchObject({ actorId: a.service.member.id, entityType: "Account" });
    expect(edit.data).toMatchObject({ changes: { tier: { before: "NATIONAL", after: "INTERNATIONAL" }, region: { before: "DACH", after: "Nordics" } } });
    expect(replyText(await kam.say("account edit acme region none"))).toMatch(/Region: –/);
    expect(replyText(await kam.say("account edit acme tier cosmic"))).toMatch(/"cosmic" is not a valid tier/i);

    // Currency: free while nothing is priced in it; refused, with the reason, once an order exists.
    expect(replyText(await kam.say("account edit baltic currency chf"))).toMatch(/Currency: CHF/);
    expect((await db.account.findUniqueOrThrow({ where: { id: a.baltic.id } })).currency).toBe("CHF");
    await logOrder(db, a.actor, { account: a.account.id, lines: [{ product: "BOLT-10", quantity: 10 }] });
    const before = await footprint(db, a.org.id);
    const refused = await kam.say("account edit acme currency USD");
    expect(refused.ok).toBe(false);
    expect(replyText(refused)).toMatch(/The currency of ACME Group AG stays EUR: amounts are already written in it \(orders: 1, invoices: 0, contracts: 0\)/);
    expect(await footprint(db, a.org.id)).toEqual(before);
    expect((await db.account.findUniqueOrThrow({ where: { id: a.account.id } })).currency).toBe("EUR");

    expect((await kam.say("settings language de")).ok).toBe(true);
    expect(replyText(await kam.say("account edit acme currency USD"))).toMatch(/Die Währung von ACME Group AG bleibt EUR/);
    expect(replyText(await kam.say("account rename acme to ACME Holding GmbH"))).toMatch(/Kunde ACME Group AG heißt jetzt ACME Holding GmbH/);
    expect(replyText(await kam.say("account edit acme tier regional"))).toMatch(/Kunde ACME Holding GmbH geändert/);
  });

  it("archives an account: gone from lists, prefixes, suggestions and checks, no writes; its history stays; unarchive brings it back", async () => {
    const db = get().prisma;
    const a = await twoOrganizations(db);
    const kam = chat(db, a.actor);
    // Each account: one invoice overdue now, one that falls due on 1 December.
    for (const account of [a.account.id, a.baltic.id]) {
      await addInvoice(db, a.actor, { account, number: `R-${account.slice(0, 4)}-1`, amount: { minor: 10_000 }, issuedOn: "2026-10-01", dueOn: "2026-10-31" });
      await addInvoice(db, a.actor, { account, number: `R-${account.slice(0, 4)}-2`, amount: { minor: 20_000 }, issuedOn: "2026-11-01", dueOn: "2026-12-01" });
    }
    await logOrder(db, a.actor, { account: a.baltic.id, lines: [{ product: "NUT-10", quantity: 100 }] });
    await runChecks(db, a.org.id, { now: TEST_NOW });
    expect(await overdueFlags(db, a.baltic.id)).toHaveLength(1);

    // A customer-service member may not archive (the account manager's say); a viewer neither.
    expect(replyText(await chat(db, a.service.actor).say("account archive acme"))).toMatch(/not allowed/);
    const inForce = await db.flag.count({ where: { accountId: a.baltic.id, status: { not: "RESOLVED" } } });
    expect(inForce).toBeGreaterThan(1);
    const archived = await kam.say("account archive baltic");
    expect(archived.ok).toBe(true);
    expect(replyText(archived)).toMatch(/Account Baltic Logistics AG is archived/);
    expect(replyText(archived)).toContain(`${inForce} open flags were resolved`);
    const row = await db.account.findUniqueOrThrow({ where: { id: a.baltic.id } });
    expect(row).toMatchObject({ archivedAt: TEST_NOW, version: 2 });
    expect((await changeTo(db, a.baltic.id, "account.archive", 2)).data).toMatchObject({
      changes: { archivedAt: { before: null, after: TEST_NOW.toISOString() } }, resolvedFlags: inForce,
    });
    expect((await overdueFlags(db, a.baltic.id)).map((f) => f.status)).toEqual(["RESOLVED"]);

    // Lists and prefixes no longer show it; its exact name still finds it (account show, history).
    const list = replyText(await kam.say("account list"));
    expect(list).toMatch(/Accounts \(1\)/);
    expect(list).not.toMatch(/Baltic/);
    expect(replyText(await kam.say("account list archived"))).toMatch(/Archived accounts \(1\)[\s\S]*Baltic Logistics AG/);
    expect(replyText(await kam.say("account show balt"))).toMatch(/I found no account "balt"/);
    expect(replyText(await kam.say('account show "Baltic Logistics AG"'))).toMatch(/Archived on .*account unarchive "Baltic Logistics AG" brings it back/);
    expect(replyText(await kam.say('suggest "Baltic Logistics AG"'))).toMatch(/Baltic Logistics AG is archived and takes no changes/);
    // No writes until it is back.
    const before = await footprint(db, a.org.id);
    expect(replyText(await kam.say('order log "Baltic Logistics AG" 5 BOLT-10'))).toMatch(/Account Baltic Logistics AG is archived and takes no changes/);
    expect(replyText(await kam.say('case open "Baltic Logistics AG" Broken'))).toMatch(/is archived/);
    expect(replyText(await kam.say('account archive "Baltic Logistics AG"'))).toMatch(/Account Baltic Logistics AG is already archived/);
    expect(await footprint(db, a.org.id)).toEqual(before);
    // The weekly digest leaves it out.
    expect((await buildDigest(db, a.org.id, { now: TEST_NOW })).accounts.map((x) => x.name)).toEqual(["ACME Holding GmbH"]);

    // The next sweep, once the second invoices are overdue: ACME gets a new flag, the archived account none.
    await runChecks(db, a.org.id, { now: new Date("2026-12-05T10:00:00Z") });
    expect(await overdueFlags(db, a.account.id)).toHaveLength(2);
    expect((await overdueFlags(db, a.baltic.id)).map((f) => f.status)).toEqual(["RESOLVED"]);

    // Back again: the next sweep checks it like any other.
    expect(replyText(await kam.say('account unarchive "Baltic Logistics AG"'))).toMatch(/Account Baltic Logistics AG is back/);
    expect((await changeTo(db, a.baltic.id, "account.unarchive", 3)).data).toMatchObject({ changes: { archivedAt: { before: TEST_NOW.toISOString(), after: null } } });
    expect(replyText(await kam.say("account unarchive baltic"))).toMatch(/Account Baltic Logistics AG is not archived/);
    await runChecks(db, a.org.id, { now: new Date("2026-12-06T10:00:00Z") });
    expect((await overdueFlags(db, a.baltic.id)).filter((f) => f.status !== "RESOLVED")).toHaveLength(2);

    expect((await kam.say("settings language de")).ok).toBe(true);
    const again = await db.flag.count({ where: { accountId: a.baltic.id, status: { not: "RESOLVED" } } });
    const de = replyText(await kam.say("account archive baltic"));
    expect(de).toMatch(/Kunde Baltic Logistics AG ist archiviert/);
    expect(de).toContain(`${again} offene Hinweise wurden erledigt`);
    expect(replyText(await kam.say('order log "Baltic Logistics AG" 5 BOLT-10'))).toMatch(/Kunde Baltic Logistics AG ist archiviert und nimmt keine Änderungen an/);
  });

  it("keeps other organizations, viewers and outsiders out of account changes", async () => {
    const db = get().prisma;
    const a = await twoOrganizations(db);
    const before = await footprint(db, a.org.id);
    const other = chat(db, a.b.actor);
    for (const line of ["account rename acme to Mine", "account edit acme tier regional", "account archive acme", "account unarchive acme", `account archive ${a.account.id}`]) {
      const answer = await other.say(line);
      expect(answer.ok, line).toBe(false);
      expect(replyText(answer), line).toMatch(/I found no account/);
    }
    for (const who of [a.viewer.actor, a.outsider.actor]) {
      for (const line of ["account rename acme to Mine", "account edit acme tier regional", "account archive acme"]) {
        expect(replyText(await chat(db, who).say(line)), line).toMatch(/not allowed/);
      }
    }
    expect(await footprint(db, a.org.id)).toEqual(before);
    expect(await db.account.findUniqueOrThrow({ where: { id: a.account.id } })).toMatchObject({ name: "ACME Holding GmbH", version: 1, archivedAt: null });
  });
});

describeEachDatabase("products and roles change from chat", (get) => {
  it("a list price announced from tomorrow waits for the organization's tomorrow, wherever the member is", async () => {
    const db = get().prisma;
    const a = await twoOrganizations(db);
    await db.organization.update({ where: { id: a.actor.organizationId }, data: { timeZone: "America/New_York" } });
    await db.member.update({ where: { id: a.actor.memberId! }, data: { timeZone: "Pacific/Auckland" } });
    // 31 May, 18:00 in New York; already 1 June in Auckland, where the member is.
    const kam = chat(db, { ...a.actor, now: new Date("2027-05-31T22:00:00Z") });
    expect(replyText(await kam.say("product edit BOLT-10 price 2.00 from 2027-06-01"))).toMatch(/Announced list price: €2\.00/);
    expect((await kam.say("order log acme 1 BOLT-10")).ok).toBe(true);
    const line = await db.orderLine.findFirstOrThrow({ where: { productId: a.bolts.id } });
    expect(Number(line.unitPriceMinor)).toBe(250);
  });

  it("edits a product's name, unit and list price; a price announced from a coming day applies to orders from that day", async () => {
    const db = get().prisma;
    const a = await twoOrganizations(db);
    const kam = chat(db, a.actor);

    const edited = await kam.say('product edit BOLT-10 name "Bolt M10 zinc" unit box');
    expect(replyText(edited)).toMatch(/Product BOLT-10 \(Bolt M10 zinc\) changed/);
    expect((await changeTo(db, a.bolts.id, "product.edit", 2)).data).toMatchObject({
      changes: { name: { before: "Bolt M10", after: "Bolt M10 zinc" }, unit: { before: "pcs", after: "box" } },
    });

    const announced = await kam.say("product edit BOLT-10 price 2.75 from 2027-01-01");
    expect(replyText(announced)).toMatch(/List price: €2\.50/);
    expect(replyText(announced)).toMatch(/Announced list price: €2\.75 from .*2027/);
    expect((await changeTo(db, a.bolts.id, "product.edit", 3)).data).toMatchObject({
      changes: { nextListPriceMinor: { before: null, after: 275 }, nextPriceStartsOn: { before: null, after: "2027-01-01T00:00:00.000Z" } },
    });
    expect(replyText(await kam.say("product list"))).toMatch(/BOLT-10 \| Bolt M10 zinc \| box \| €2\.50 \(€2\.75 from .*2027\)/);

    // Orders take the list price of their day.
    expect((await kam.say("order log acme 10 BOLT-10")).ok).toBe(true);
    const january = chat(db, { ...a.actor, now: new Date("2027-01-04T10:00:00Z") });
    expect((await january.say("order log acme 10 BOLT-10")).ok).toBe(true);
    const lines = await db.orderLine.findMany({ where: { productId: a.bolts.id }, include: { order: true }, orderBy: { order: { number: "asc" } } });
    expect(lines.map((l) => Number(l.unitPriceMinor))).toEqual([250, 275]);
    // From then on the announced price is the current one.
    expect(replyText(await january.say("product list"))).toMatch(/BOLT-10 \| Bolt M10 zinc \| box \| €2\.75/);

    // A price from today replaces the current one at once; a price in another currency is refused.
    expect(replyText(await kam.say("product edit NUT-10 price 0,95"))).toMatch(/List price: €0\.95/);
    expect(replyText(await kam.say("product edit NUT-10 price CHF 1"))).toMatch(/not CHF/);
    expect(replyText(await kam.say("product edit NUT-10 from 2027-01-01"))).toMatch(/Missing/);
    expect(replyText(await kam.say("product edit NUT-10"))).toMatch(/Missing/);
    expect(replyText(await kam.say("product edit NUT-99 name X"))).toMatch(/I found no product "NUT-99"/);

    // Only managers and admins edit the catalog.
    expect(replyText(await chat(db, a.service.actor).say("product edit NUT-10 name Nut"))).toMatch(/not allowed/);

    expect((await kam.say("settings language de")).ok).toBe(true);
    const de = replyText(await kam.say("product edit NUT-10 price 1,05 ab 1.2.2027"));
    expect(de).toMatch(/Produkt NUT-10 \(Nut M10\) geändert/);
    expect(de).toMatch(/Angekündigter Listenpreis: 1,05\s€ ab/);
  });

  it("retires a product: no new orders or reorders take it, existing orders keep it", async () => {
    const db = get().prisma;
    const a = await twoOrganizations(db);
    const kam = chat(db, a.actor);
    expect((await kam.say("order log acme 10 BOLT-10, 5 NUT-10")).ok).toBe(true);

    const retired = await kam.say("product retire NUT-10");
    expect(replyText(retired)).toMatch(/Product NUT-10 \(Nut M10\) is retired/);
    expect((await changeTo(db, a.nuts.id, "product.retire", 2)).data).toMatchObject({ changes: { retiredAt: { before: null, after: TEST_NOW.toISOString() } } });
    expect(replyText(await kam.say("product retire NUT-10"))).toMatch(/Product NUT-10 is already retired/);

    const before = await footprint(db, a.org.id);
    const orders = await db.order.count({ where: { organizationId: a.org.id } });
    const refused = await kam.say("order log acme 5 NUT-10");
    expect(refused.ok).toBe(false);
    expect(replyText(refused)).toMatch(/Product NUT-10 is retired and cannot be ordered any more/);
    expect(replyText(await kam.say("order reorder acme"))).toMatch(/Product NUT-10 is retired/);
    expect(await db.order.count({ where: { organizationId: a.org.id } })).toBe(orders);
    expect(await footprint(db, a.org.id)).toEqual(before);

    // The existing order keeps it; the catalog marks it.
    expect(replyText(await kam.say("order show O-1"))).toMatch(/NUT-10/);
    expect(replyText(await kam.say("product list"))).toMatch(/NUT-10 \| Nut M10 \(retired\)/);
    expect((await kam.say("order log acme 5 BOLT-10")).ok).toBe(true);

    expect((await kam.say("settings language de")).ok).toBe(true);
    expect(replyText(await kam.say("order log acme 5 NUT-10"))).toMatch(/Produkt NUT-10 ist ausgelaufen und kann nicht mehr bestellt werden/);
    expect(replyText(await kam.say("product retire BOLT-10"))).toMatch(/Produkt BOLT-10 \(Bolt M10\) ist ausgelaufen/);
  });

  it("sets organization roles: admins only, and the last admin stays one", async () => {
    const db = get().prisma;
    const a = await twoOrganizations(db);
    const kam = chat(db, a.actor);

    const last = await kam.say("member role Ada member");
    expect(last.ok).toBe(false);
    expect(replyText(last)).toMatch(/Ada Admin is the last admin and stays one/);
    expect(replyText(await chat(db, a.service.actor).say("member role Cem admin"))).toMatch(/not allowed/);

    expect(replyText(await kam.say("member role Cem manager"))).toMatch(/Cem Service is now manager of the organization/);
    expect(await db.member.findUniqueOrThrow({ where: { id: a.service.member.id } })).toMatchObject({ orgRole: "MANAGER", version: 2 });
    expect((await changeTo(db, a.service.member.id, "member.role", 2)).data).toMatchObject({ changes: { orgRole: { before: "MEMBER", after: "MANAGER" } } });
    // A manager still may not change roles.
    expect(replyText(await chat(db, a.service.actor).say("member role Otto manager"))).toMatch(/not allowed/);
    expect(replyText(await kam.say("member role Cem manager"))).toMatch(/already has that value/);
    expect(replyText(await kam.say("member role Cem boss"))).toMatch(/"boss" is not a valid role/i);

    // With a second admin, the first may step down.
    await kam.say("member role Cem admin");
    expect(replyText(await kam.say("member role Ada manager"))).toMatch(/Ada Admin is now manager of the organization/);
    expect((await db.member.findUniqueOrThrow({ where: { id: a.admin.id } })).orgRole).toBe("MANAGER");
    const cem = chat(db, a.service.actor);
    expect(replyText(await cem.say("member role Cem member"))).toMatch(/Cem Service is the last admin/);

    expect((await cem.say("settings language de")).ok).toBe(true);
    expect(replyText(await cem.say("member role Vera mitglied"))).toMatch(/Vera Viewer hat schon diesen Wert|Vera Viewer ist jetzt/);
    expect(replyText(await cem.say("member role Ada admin"))).toMatch(/Ada Admin ist jetzt Admin der Organisation/);
    expect(replyText(await cem.say("member role Ada mitglied"))).toMatch(/Ada Admin ist jetzt Mitglied der Organisation/);
    expect(replyText(await cem.say("member role Cem mitglied"))).toMatch(/Cem Service ist der letzte Admin und bleibt es/);
  });

  it("keeps other organizations out of products and roles", async () => {
    const db = get().prisma;
    const a = await twoOrganizations(db);
    await newMember(db, a.b.org.id, "Bruno Beyond");
    const before = await footprint(db, a.org.id);
    const other = chat(db, a.b.actor);
    for (const line of ["product edit BOLT-10 name Mine", "product retire BOLT-10", "member role Cem admin", `member role ${a.service.member.id} admin`]) {
      const answer = await other.say(line);
      expect(answer.ok, line).toBe(false);
      expect(replyText(answer), line).toMatch(/I found no (product|member)/);
    }
    expect(replyText(await chat(db, a.actor).say("member role Bruno admin"))).toMatch(/I found no member "Bruno"/);
    expect(await footprint(db, a.org.id)).toEqual(before);
    expect(await db.product.findUniqueOrThrow({ where: { id: a.bolts.id } })).toMatchObject({ name: "Bolt M10", version: 1, retiredAt: null });
    expect((await db.member.findUniqueOrThrow({ where: { id: a.service.member.id } })).orgRole).toBe("MEMBER");
  });
});
