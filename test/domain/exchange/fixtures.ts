import type { PrismaClient } from "../../../src/generated/prisma/client.ts";
import type { ExchangeKind } from "../../../src/domain/exchange/kinds.ts";
import type { Actor } from "../../../src/domain/actor.ts";
import { logOrder } from "../../../src/domain/orders.ts";

/**
 * One file per kind in English and in German (the same records), a change to one of its rows, and
 * a file with two bad rows (the lines and fields the import must name).
 */
export interface KindFiles {
  en: string;
  de: string;
  /** How many records (orders and contracts: groups of rows) the files hold. */
  records: number;
  /** The English file with one record changed, and that record's model and reference column. */
  changed: string;
  bad: string;
  badErrors: { line: number; field: string }[];
  setup?: (db: PrismaClient, actor: Actor) => Promise<void>;
}

const BOM = "\uFEFF";

export const FILES: Record<ExchangeKind, KindFiles> = {
  accounts: {
    en: "name,tier,region,currency,external_id\nNordwind AG,national,North,EUR,10001\nSüdhafen GmbH,regional,,USD,10002\n",
    de: `${BOM}Name;Stufe;Region;Währung;Externe ID\r\nNordwind AG;national;North;EUR;10001\r\nSüdhafen GmbH;regional;;USD;10002\r\n`,
    records: 2,
    changed: "name,tier,region,currency,external_id\nNordwind AG,national,North,EUR,10001\nSüdhafen GmbH,regional,South,USD,10002\n",
    bad: "name,tier\nGood AG,national\n,national\nBad AG,galactic\n",
    badErrors: [{ line: 3, field: "name" }, { line: 4, field: "tier" }],
  },
  products: {
    en: "sku,name,unit,list_price\nPIPE-1,Pipe 1m,m,12.5\nVALVE-2,Valve DN50,pcs,1234.5\n",
    de: `${BOM}Artikelnummer;Bezeichnung;Einheit;Listenpreis\nPIPE-1;Pipe 1m;m;12,5\nVALVE-2;Valve DN50;pcs;1.234,50\n`,
    records: 2,
    changed: "sku,name,unit,list_price\nPIPE-1,Pipe 1m,m,12.5\nVALVE-2,Valve DN50,pcs,1300\n",
    bad: "sku,name,list_price\nOK-1,Ok,1\nBAD SKU,Bad,1\nOK-2,Ok too,abc\n",
    badErrors: [{ line: 3, field: "sku" }, { line: 4, field: "list_price" }],
  },
  orders: {
    en: [
      "account,order,ordered_on,sku,quantity,unit_price,currency,requested_on,po,status",
      "ACME Holding GmbH,SO-1,2026-10-15,BOLT-10,100,2.4,EUR,2026-11-01,PO-1,delivered",
      "ACME Holding GmbH,SO-1,2026-10-15,NUT-10,50,,EUR,2026-11-01,PO-1,delivered",
      "ACME Holding GmbH,SO-2,2026-11-20,BOLT-10,10,,,,,",
      "",
    ].join("\n"),
    de: [
      `${BOM}Kunde;Auftrag;Bestellt am;Artikelnummer;Menge;Einzelpreis;Währung;Liefertermin;Bestellnummer;Status`,
      "ACME Holding GmbH;SO-1;15.10.2026;BOLT-10;100;2,40;EUR;01.11.2026;PO-1;geliefert",
      "ACME Holding GmbH;SO-1;15.10.2026;NUT-10;50;;EUR;01.11.2026;PO-1;geliefert",
      "ACME Holding GmbH;SO-2;20.11.2026;BOLT-10;10;;;;;",
      "",
    ].join("\n"),
    records: 2,
    changed: [
      "account,order,ordered_on,sku,quantity,unit_price,currency,requested_on,po,status",
      "ACME Holding GmbH,SO-1,2026-10-15,BOLT-10,100,2.4,EUR,2026-11-01,PO-1,delivered",
      "ACME Holding GmbH,SO-1,2026-10-15,NUT-10,50,,EUR,2026-11-01,PO-1,delivered",
      "ACME Holding GmbH,SO-2,2026-11-20,BOLT-10,20,,,,,",
      "",
    ].join("\n"),
    bad: [
      "account,order,ordered_on,sku,quantity",
      "ACME Holding GmbH,SO-8,2026-10-15,BOLT-10,1",
      "ACME Holding GmbH,SO-9,2026-10-15,NOPE-1,1",
      "ACME Holding GmbH,SO-10,2026-10-15,BOLT-10,1.5",
      "",
    ].join("\n"),
    badErrors: [{ line: 3, field: "sku" }, { line: 4, field: "quantity" }],
  },
  invoices: {
    en: "account,number,amount,currency,issued_on,due_on,paid_on,order\nACME Holding GmbH,RE-1,25,EUR,2026-10-20,2026-11-19,2026-11-10,O-1\nACME Holding GmbH,RE-2,1234.56,USD,2026-11-01,,,\n",
    de: `${BOM}Kunde;Rechnungsnummer;Betrag;Währung;Rechnungsdatum;Fällig am;Bezahlt am;Auftrag\nACME Holding GmbH;RE-1;25,00;EUR;20.10.2026;19.11.2026;10.11.2026;O-1\nACME Holding GmbH;RE-2;1.234,56;USD;01.11.2026;;;\n`,
    records: 2,
    changed: "account,number,amount,currency,issued_on,due_on,paid_on,order\nACME Holding GmbH,RE-1,25,EUR,2026-10-20,2026-11-19,2026-11-10,O-1\nACME Holding GmbH,RE-2,1234.56,USD,2026-11-01,,2026-11-30,\n",
    bad: "account,number,amount,issued_on\nACME Holding GmbH,RE-7,1,2026-10-01\nNobody AG,RE-8,1,2026-10-01\nACME Holding GmbH,RE-9,1,31.02.2026\n",
    badErrors: [{ line: 3, field: "account" }, { line: 4, field: "issued_on" }],
    async setup(db, actor) {
      await logOrder(db, actor, { account: "ACME", lines: [{ product: "BOLT-10", quantity: 10 }], orderedOn: "2026-10-01" });
    },
  },
  contracts: {
    en: [
      "account,contract,name,starts_on,ends_on,notice_days,terms_days,sku,price,commit_quantity,commit_period",
      "ACME Holding GmbH,RV-7,Frame 2026,2026-01-01,2026-12-31,60,45,BOLT-10,2.2,1000,year",
      "ACME Holding GmbH,RV-7,Frame 2026,2026-01-01,2026-12-31,60,45,NUT-10,0.7,,",
      "ACME Holding GmbH,RV-8,Service,2026-01-01,2027-06-30,,,,,,",
      "",
    ].join("\n"),
    de: [
      `${BOM}Kunde;Vertrag;Name;Beginn;Ende;Kündigungsfrist Tage;Zahlungsziel Tage;Artikelnummer;Preis;Abnahmemenge;Zeitraum`,
      "ACME Holding GmbH;RV-7;Frame 2026;01.01.2026;31.12.2026;60;45;BOLT-10;2,20;1.000;Jahr",
      "ACME Holding GmbH;RV-7;Frame 2026;01.01.2026;31.12.2026;60;45;NUT-10;0,70;;",
      "ACME Holding GmbH;RV-8;Service;01.01.2026;30.06.2027;;;;;;",
      "",
    ].join("\n"),
    records: 2,
    changed: [
      "account,contract,name,starts_on,ends_on,notice_days,terms_days,sku,price,commit_quantity,commit_period",
      "ACME Holding GmbH,RV-7,Frame 2026,2026-01-01,2026-12-31,60,45,BOLT-10,2.2,1000,year",
      "ACME Holding GmbH,RV-7,Frame 2026,2026-01-01,2026-12-31,60,45,NUT-10,0.75,,",
      "ACME Holding GmbH,RV-8,Service,2026-01-01,2027-06-30,,,,,,",
      "",
    ].join("\n"),
    bad: [
      "account,contract,name,starts_on,ends_on,sku,price",
      "ACME Holding GmbH,RV-1,Backwards,2026-12-31,2026-01-01,,",
      "ACME Holding GmbH,RV-2,Frame,2026-01-01,2026-12-31,NOPE-1,1",
      "",
    ].join("\n"),
    badErrors: [{ line: 2, field: "ends_on" }, { line: 3, field: "sku" }],
  },
  programs: {
    en: [
      "account,program,name,starts_on,ends_on,products,budget,currency,status",
      "ACME Holding GmbH,MKT-1,Autumn push,2026-11-01,2026-11-30,BOLT-10 NUT-10,1500,EUR,running",
      "ACME Holding GmbH,MKT-2,Spring fair,2026-03-01,2026-03-31,,,,ended",
      "",
    ].join("\n"),
    de: [
      `${BOM}Kunde;Programm;Name;Beginn;Ende;Produkte;Budget;Währung;Status`,
      "ACME Holding GmbH;MKT-1;Autumn push;01.11.2026;30.11.2026;BOLT-10 NUT-10;1.500,00;EUR;läuft",
      "ACME Holding GmbH;MKT-2;Spring fair;01.03.2026;31.03.2026;;;;beendet",
      "",
    ].join("\n"),
    records: 2,
    changed: [
      "account,program,name,starts_on,ends_on,products,budget,currency,status",
      "ACME Holding GmbH,MKT-1,Autumn push,2026-11-01,2026-11-30,BOLT-10,2000,EUR,running",
      "ACME Holding GmbH,MKT-2,Spring fair,2026-03-01,2026-03-31,,,,ended",
      "",
    ].join("\n"),
    bad: [
      "account,program,name,starts_on,ends_on,products",
      "ACME Holding GmbH,MKT-8,Backwards,2026-12-31,2026-12-01,",
      "ACME Holding GmbH,MKT-9,Unknown,2026-12-01,2026-12-31,BOLT-10 NOPE-1",
      "",
    ].join("\n"),
    badErrors: [{ line: 2, field: "ends_on" }, { line: 3, field: "products" }],
  },
  cases: {
    en: "account,case,subject,priority,opened_at,closed_at\nACME Holding GmbH,T-100,Late delivery,high,2026-11-30T09:00:00Z,\nACME Holding GmbH,T-101,Wrong invoice,normal,2026-11-02 10:30,2026-11-03 12:00\n",
    de: `${BOM}Kunde;Fall;Betreff;Priorität;Eröffnet am;Geschlossen am\nACME Holding GmbH;T-100;Late delivery;hoch;30.11.2026 09:00;\nACME Holding GmbH;T-101;Wrong invoice;normal;02.11.2026 10:30;03.11.2026 12:00\n`,
    records: 2,
    changed: "account,case,subject,priority,opened_at,closed_at\nACME Holding GmbH,T-100,Late delivery,high,2026-11-30T09:00:00Z,2026-11-30T15:00:00Z\nACME Holding GmbH,T-101,Wrong invoice,normal,2026-11-02 10:30,2026-11-03 12:00\n",
    bad: "account,case,subject,priority,opened_at,closed_at\nACME Holding GmbH,T-1,Whenever,whenever,2026-11-30T09:00:00Z,\nACME Holding GmbH,T-2,Backwards,low,2026-11-30T09:00:00Z,2026-11-29T09:00:00Z\n",
    badErrors: [{ line: 2, field: "priority" }, { line: 3, field: "closed_at" }],
  },
  milestones: {
    en: "account,project,project_due,milestone,due_on,owner,done_on\nACME Holding GmbH,Rollout,2026-12-31,Pilot,2026-10-01,,2026-10-02\nACME Holding GmbH,Rollout,2026-12-31,Go-live,2026-12-15,Ada Admin,\n",
    de: `${BOM}Kunde;Projekt;Projekt fällig;Meilenstein;Fällig am;Verantwortlich;Erledigt am\nACME Holding GmbH;Rollout;31.12.2026;Pilot;01.10.2026;;02.10.2026\nACME Holding GmbH;Rollout;31.12.2026;Go-live;15.12.2026;Ada Admin;\n`,
    records: 2,
    changed: "account,project,project_due,milestone,due_on,owner,done_on\nACME Holding GmbH,Rollout,2026-12-31,Pilot,2026-10-01,,2026-10-02\nACME Holding GmbH,Rollout,2026-12-31,Go-live,2026-12-20,Ada Admin,\n",
    bad: "account,project,project_due,milestone,due_on,owner\nACME Holding GmbH,Rollout,2026-12-31,Pilot,2026-10-01,Nobody Known\nACME Holding GmbH,Rollout,2026-12-31,Go-live,2026-13-01,\n",
    badErrors: [{ line: 2, field: "owner" }, { line: 3, field: "due_on" }],
  },
  trainings: {
    en: "account,training,topic,starts_at,people,trainer,place,status,attended,rating,notes,products\nACME Holding GmbH,LMS-1,Onboarding,2026-11-30T09:00:00Z,12,Ada Admin,online,planned,,,,BOLT-10\nACME Holding GmbH,LMS-2,Advanced use,2026-11-02 10:30,8,,Munich HQ,done,7,4,Went well,\n",
    de: `${BOM}Kunde;Schulung;Thema;Beginnt am;Personen;Trainer;Ort;Status;Teilgenommen;Bewertung;Notizen;Produkte\nACME Holding GmbH;LMS-1;Onboarding;30.11.2026 09:00;12;Ada Admin;online;geplant;;;;BOLT-10\nACME Holding GmbH;LMS-2;Advanced use;02.11.2026 10:30;8;;Munich HQ;durchgeführt;7;4;Went well;\n`,
    records: 2,
    changed: "account,training,topic,starts_at,people,trainer,place,status,attended,rating,notes,products\nACME Holding GmbH,LMS-1,Onboarding,2026-11-30T09:00:00Z,15,Ada Admin,online,planned,,,,BOLT-10\nACME Holding GmbH,LMS-2,Advanced use,2026-11-02 10:30,8,,Munich HQ,done,7,4,Went well,\n",
    bad: "account,training,topic,starts_at,rating\nACME Holding GmbH,LMS-1,Onboarding,2026-11-30T09:00:00Z,6\nACME Holding GmbH,LMS-2,Advanced use,2026-13-01 10:30,\n",
    badErrors: [{ line: 2, field: "rating" }, { line: 3, field: "starts_at" }],
  },
};

/** Every record count of one organization: a failed or dry-run import must leave all of them as they were. */
export async function everything(db: PrismaClient, organizationId: string) {
  const where = { organizationId };
  const [accounts, products, orders, lines, invoices, contracts, prices, commitments, cases, projects, milestones, trainings, audit, counters, programs, programProducts] = await Promise.all([
    db.account.count({ where }),
    db.product.count({ where }),
    db.order.count({ where }),
    db.orderLine.count({ where: { order: where } }),
    db.invoice.count({ where }),
    db.contract.count({ where }),
    db.contractPrice.count({ where: { contract: where } }),
    db.contractCommitment.count({ where: { contract: where } }),
    db.case.count({ where }),
    db.project.count({ where }),
    db.milestone.count({ where }),
    db.training.count({ where }),
    db.auditEvent.count({ where }),
    db.counter.findMany({ where, orderBy: { kind: "asc" }, select: { kind: true, value: true } }),
    db.marketingProgram.count({ where }),
    db.marketingProgramProduct.count({ where: { program: where } }),
  ]);
  return { accounts, products, orders, lines, invoices, contracts, prices, commitments, cases, projects, milestones, trainings, audit, counters, programs, programProducts };
}
