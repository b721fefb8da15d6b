import type { PrismaClient } from "../generated/prisma/client.ts";
import { addAccount } from "../domain/accounts.ts";
import { systemActor } from "../domain/actor.ts";
import { openCase, closeCase } from "../domain/cases.ts";
import { addContract } from "../domain/contracts.ts";
import { addInvoice, markInvoicePaid } from "../domain/invoices.ts";
import { memberForIdentity, setOrgRole } from "../domain/members.ts";
import { changeOrderStatus, logOrder } from "../domain/orders.ts";
import { changeSettings, organizationForWorkspace } from "../domain/organizations.ts";
import { addProduct } from "../domain/products.ts";
import { addMilestone, addProject, completeMilestone } from "../domain/projects.ts";
import { addToTeam } from "../domain/team.ts";

const ORG_NAME = "Nordwind Industrial Supplies";
const TIME_ZONE = "Europe/Berlin";
const MARKER_ACCOUNT = "ACME Holding GmbH";
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

const PRODUCTS = [
  { sku: "GLOVE-NIT", name: "Nitrile gloves (box of 100)", unit: "box", price: 890 },
  { sku: "GLOVE-CUT", name: "Cut-resistant gloves", unit: "pair", price: 1250 },
  { sku: "HELMET-S", name: "Safety helmet", unit: "pcs", price: 2490 },
  { sku: "GOGGLE-C", name: "Safety goggles", unit: "pcs", price: 790 },
  { sku: "FILM-500", name: "Stretch film 500 mm", unit: "roll", price: 1890 },
  { sku: "TAPE-50", name: "Packing tape 50 mm", unit: "roll", price: 320 },
  { sku: "TIE-300", name: "Cable ties 300 mm (bag of 100)", unit: "bag", price: 450 },
  { sku: "BOLT-M10", name: "Hex bolt M10x40 (box of 100)", unit: "box", price: 1490 },
  { sku: "SHELF-200", name: "Heavy-duty shelf 200 cm", unit: "pcs", price: 18900 },
  { sku: "LABEL-A6", name: "Shipping labels A6 (roll of 500)", unit: "roll", price: 1190 },
];

const ACCOUNTS = [
  { name: "ACME Holding GmbH", tier: "NATIONAL", region: "DACH" },
  { name: "Baltic Logistics AG", tier: "NATIONAL", region: "Nord" },
  { name: "Contoso Retail SE", tier: "INTERNATIONAL", region: "EU" },
  { name: "Danube Bau GmbH", tier: "REGIONAL", region: "Süd" },
] as const;

const MEMBERS = [
  { id: "demo-anna", name: "Anna Becker", email: "anna.becker@nordwind.example" },
  { id: "demo-jonas", name: "Jonas Weber", email: "jonas.weber@nordwind.example" },
  { id: "demo-lea", name: "Lea Schmidt", email: "lea.schmidt@nordwind.example" },
  { id: "demo-mehmet", name: "Mehmet Yilmaz", email: "mehmet.yilmaz@nordwind.example" },
  { id: "demo-paul", name: "Paul Wagner", email: "paul.wagner@nordwind.example" },
];

const TEAMS = [
  ["ACME", "Anna Becker", "ACCOUNT_MANAGER"],
  ["ACME", "Jonas Weber", "PROJECT_MANAGER"],
  ["ACME", "Lea Schmidt", "CUSTOMER_SERVICE"],
  ["ACME", "Paul Wagner", "VIEWER"],
  ["Baltic", "Anna Becker", "ACCOUNT_MANAGER"],
  ["Baltic", "Jonas Weber", "PROJECT_MANAGER"],
  ["Contoso", "Mehmet Yilmaz", "ACCOUNT_MANAGER"],
  ["Contoso", "Lea Schmidt", "CUSTOMER_SERVICE"],
  ["Danube", "Mehmet Yilmaz", "SALES"],
] as const;

/** Today in the demo organization's time zone, as YYYY-MM-DD. */
function localToday(now: Date): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

/**
 * Seeds the local organization that `kam chat` uses with a realistic demo: national accounts,
 * products, a year of orders (with repeating ones), projects, contracts, invoices and cases, and a
 * few deliberate problems for the scheduled checks. Every write goes through the domain services.
 * Running it again writes nothing.
 */
export async function seedDemo(db: PrismaClient, now: Date): Promise<string> {
  const org = await organizationForWorkspace(db, "TERMINAL", "local", ORG_NAME, now);
  // The local member first, so that it (and not a demo colleague) becomes the admin of a new organization.
  await memberForIdentity(db, org.id, "TERMINAL", "local", { displayName: "Local User" }, now);
  const exists = await db.account.findFirst({ where: { organizationId: org.id, name: MARKER_ACCOUNT } });
  if (exists) return `Demo data already exists in "${org.name}"; nothing written.`;

  const actor = systemActor(org.id, now);
  if (org.timeZone !== TIME_ZONE) await changeSettings(db, actor, { setting: "timezone", value: TIME_ZONE });
  const today = localToday(now);
  const day = (offset: number) => new Date(Date.parse(`${today}T00:00:00Z`) + offset * DAY_MS).toISOString().slice(0, 10);

  for (const m of MEMBERS) {
    await memberForIdentity(db, org.id, "TERMINAL", m.id, { displayName: m.name, email: m.email }, now);
  }
  const anna = await db.member.findFirstOrThrow({ where: { organizationId: org.id, displayName: "Anna Becker" } });
  await setOrgRole(db, actor, anna.id, "MANAGER");
  for (const p of PRODUCTS) {
    await addProduct(db, actor, { sku: p.sku, name: p.name, unit: p.unit, listPrice: { minor: p.price } });
  }
  for (const a of ACCOUNTS) await addAccount(db, actor, a);
  for (const [account, member, role] of TEAMS) await addToTeam(db, actor, { account, member, role });

  // Contracts before orders, so orders inside a contract's term get its prices.
  // ACME's ends in 75 days with 90 days' notice: it is inside its notice period.
  await addContract(db, actor, {
    account: "ACME",
    name: "Rahmenvertrag Arbeitsschutz",
    startsOn: day(-300),
    endsOn: day(75),
    noticeDays: 90,
    paymentTermsDays: 30,
    prices: [{ product: "GLOVE-NIT", minor: 790 }, { product: "HELMET-S", minor: 2190 }],
    commitments: [{ product: "GLOVE-NIT", quantity: 240, period: "YEAR" }],
  });
  await addContract(db, actor, {
    account: "Baltic",
    name: "Verpackungsmaterial",
    startsOn: day(-120),
    endsOn: day(610),
    noticeDays: 90,
    paymentTermsDays: 45,
    prices: [{ product: "FILM-500", minor: 1690 }, { product: "TAPE-50", minor: 290 }],
  });

  type Line = { product: string; quantity: number; unitPrice?: { minor: number } };
  const orders: { number: number; account: string; daysAgo: number; total: bigint }[] = [];
  const order = async (account: string, daysAgo: number, lines: Line[], extra: { requestedOn?: string; poRef?: string } = {}) => {
    const o = await logOrder(db, actor, { account, lines, orderedOn: day(-daysAgo), ...extra });
    orders.push({ number: o.number, account, daysAgo, total: o.totalMinor });
    return o;
  };

  // ACME reorders gloves every 30 days; the last was 52 days ago, so a reorder is due.
  await order("ACME", 330, [{ product: "BOLT-M10", quantity: 12 }]);
  for (const daysAgo of [202, 172, 142, 112, 82, 52]) {
    await order("ACME", daysAgo, [
      { product: "GLOVE-NIT", quantity: 20 },
      ...(daysAgo === 202 ? [{ product: "HELMET-S", quantity: 10 }] : []),
      ...(daysAgo === 112 ? [{ product: "HELMET-S", quantity: 5 }, { product: "GOGGLE-C", quantity: 15 }] : []),
    ]);
  }
  // Helmets at list price although the contract says 21.90: its invoice is at a non-contract price.
  const offContract = await order("ACME", 20, [{ product: "HELMET-S", quantity: 4, unitPrice: { minor: 2490 } }], { poRef: "ACME-PO-7781" });

  // Baltic: film and tape every 60 days (not due yet), labels every 21 days (due).
  for (const daysAgo of [280, 220, 160, 100, 40]) {
    await order("Baltic", daysAgo, [
      { product: "FILM-500", quantity: 60 },
      { product: "TAPE-50", quantity: 120 },
      ...(daysAgo === 160 ? [{ product: "TIE-300", quantity: 30 }] : []),
    ]);
  }
  for (const daysAgo of [84, 63, 42]) await order("Baltic", daysAgo, [{ product: "LABEL-A6", quantity: 25 }]);

  await order("Contoso", 180, [{ product: "SHELF-200", quantity: 6 }]);
  const contosoMixed = await order("Contoso", 90, [{ product: "GOGGLE-C", quantity: 50 }, { product: "GLOVE-CUT", quantity: 40 }]);
  // Asked for five days ago, still only confirmed: late.
  const late = await order("Contoso", 20, [{ product: "SHELF-200", quantity: 10 }], { requestedOn: day(-5), poRef: "CR-4500123" });
  const fresh = await order("Contoso", 8, [{ product: "GLOVE-CUT", quantity: 30 }], { requestedOn: day(10) });

  await order("Danube", 150, [{ product: "BOLT-M10", quantity: 20 }, { product: "TIE-300", quantity: 10 }]);
  const danube = await order("Danube", 45, [{ product: "BOLT-M10", quantity: 15 }]);
  const danubeNew = await order("Danube", 10, [{ product: "HELMET-S", quantity: 12 }]);

  const open = new Set([late.number, fresh.number, danubeNew.number]);
  for (const o of orders) {
    if (o.number === late.number) await changeOrderStatus(db, actor, { order: String(o.number), status: "CONFIRMED" });
    else if (!open.has(o.number)) await changeOrderStatus(db, actor, { order: String(o.number), status: "DELIVERED" });
  }

  // Older delivered orders: invoiced five days after the order and paid three weeks later.
  let invoiceNo = 10_001;
  let invoices = 0;
  for (const o of orders.filter((x) => x.daysAgo > 50 && !open.has(x.number) && x.number !== contosoMixed.number)) {
    const number = `NW-${invoiceNo++}`;
    await addInvoice(db, actor, { account: o.account, number, amount: { minor: Number(o.total) }, order: String(o.number), issuedOn: day(-o.daysAgo + 5) });
    await markInvoicePaid(db, actor, { number, paidOn: day(-o.daysAgo + 26) });
    await changeOrderStatus(db, actor, { order: String(o.number), status: "INVOICED" });
    invoices++;
  }
  // Deliberate findings for the checks:
  // an invoice 45.00 above its order's total,
  await addInvoice(db, actor, { account: "Contoso", number: `NW-${invoiceNo++}`, amount: { minor: Number(contosoMixed.totalMinor) + 4500 }, order: String(contosoMixed.number), issuedOn: day(-10) });
  // an invoice at a price that is not the contract's,
  await addInvoice(db, actor, { account: "ACME", number: `NW-${invoiceNo++}`, amount: { minor: Number(offContract.totalMinor) }, order: String(offContract.number), issuedOn: day(-15) });
  // one invoice number entered twice,
  const baltic40 = orders.find((o) => o.account === "Baltic" && o.daysAgo === 40)!;
  const duplicate = `NW-${invoiceNo++}`;
  for (let i = 0; i < 2; i++) {
    await addInvoice(db, actor, { account: "Baltic", number: duplicate, amount: { minor: Number(baltic40.total) }, order: String(baltic40.number), issuedOn: day(-35) });
  }
  // and an unpaid invoice two weeks past its due date.
  await addInvoice(db, actor, { account: "Danube", number: `NW-${invoiceNo++}`, amount: { minor: Number(danube.totalMinor) }, order: String(danube.number), issuedOn: day(-44) });
  invoices += 5;

  const acmeProject = await addProject(db, actor, { account: "ACME", name: "Lagerumbau Werk Süd", dueOn: day(40), owner: "Jonas Weber" });
  await addMilestone(db, actor, { project: `P-${acmeProject.number}`, name: "Layout freigegeben", dueOn: day(-4), owner: "Jonas Weber" });
  await addMilestone(db, actor, { project: `P-${acmeProject.number}`, name: "Regale geliefert", dueOn: day(3), owner: "Anna Becker" });
  await addMilestone(db, actor, { project: `P-${acmeProject.number}`, name: "Abnahme", dueOn: day(38), owner: "Jonas Weber" });
  const balticProject = await addProject(db, actor, { account: "Baltic", name: "Verpackungslinie Hamburg", dueOn: day(90), owner: "Jonas Weber" });
  const sample = await addMilestone(db, actor, { project: `P-${balticProject.number}`, name: "Muster geliefert", dueOn: day(-20) });
  await completeMilestone(db, actor, { milestone: `M-${sample.number}` });
  await addMilestone(db, actor, { project: `P-${balticProject.number}`, name: "Probelauf", dueOn: day(25), owner: "Jonas Weber" });
  await addProject(db, actor, { account: "Contoso", name: "Filialausstattung", dueOn: day(120), owner: "Mehmet Yilmaz" });

  // A HIGH case opened 30 hours ago: six hours past its 24-hour SLA.
  await openCase(db, actor, { account: "Contoso", subject: "Falsche Lieferadresse auf Lieferschein", priority: "HIGH", assignee: "Lea Schmidt", now: new Date(now.getTime() - 30 * HOUR_MS) });
  await openCase(db, actor, { account: "ACME", subject: "Rückfrage zur Rechnung der Helme", priority: "NORMAL", assignee: "Lea Schmidt", now: new Date(now.getTime() - HOUR_MS) });
  const closed = await openCase(db, actor, { account: "Baltic", subject: "Beschädigte Palette bei Anlieferung", priority: "LOW", now: new Date(now.getTime() - 10 * 24 * HOUR_MS) });
  await closeCase(db, actor, { case: `C-${closed.number}` });

  return [
    `Demo data seeded in "${org.name}" (${TIME_ZONE}):`,
    `${ACCOUNTS.length} accounts, ${PRODUCTS.length} products, ${MEMBERS.length + 1} members, ${orders.length} orders,`,
    `3 projects with 5 milestones, 2 contracts, ${invoices} invoices, 3 cases.`,
    `Try: kam chat -c "suggest ACME" or kam chat -c "deadlines".`,
  ].join("\n");
}
