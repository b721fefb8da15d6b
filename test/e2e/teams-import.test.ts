import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { addAccount } from "../../src/domain/accounts.ts";
import { createLogger } from "../../src/logger.ts";
import { startKam, type Kam } from "../../src/runtime.ts";
import { cardSubmit, channelMention, newTenant, newUser, personalMessage, type Where } from "../adapters/teams/activities.ts";
import { cardErrors, cardText, cardsOf } from "../adapters/teams/card-schema.ts";
import { TEST_NOW } from "../support/clock.ts";
import { writeCsv } from "../../src/domain/exchange/csv.ts";
import { exportColumns, exportRows } from "../../src/domain/exchange/export.ts";
import { importFile } from "../../src/domain/exchange/import-file.ts";
import { createPostgresDatabase, TEST_DATABASE_URL } from "../support/databases.ts";
import { startFakeConnector, type ConnectorCall, type FakeConnector } from "../support/fake-connector.ts";

/**
 * Teams chat import end to end: a CSV attached in the personal chat (a file.download.info
 * attachment whose downloadUrl the fake connector serves on loopback), previewed with a Confirm
 * button; confirming applies it. Runs on PGlite and, with TEST_DATABASE_URL, on PostgreSQL.
 */
const CSV = "account,number,amount,currency,issued_on,due_on\nACME Holding GmbH,RE-1,25,EUR,2026-10-20,2026-11-19\nACME Holding GmbH,RE-2,1234.56,USD,2026-11-01,\n";
const silent = createLogger({ level: "silent", pretty: false });

for (const kind of ["pglite", "postgres"] as const) {
  (kind === "postgres" && !TEST_DATABASE_URL ? describe.skip : describe)(`Teams chat import [${kind}]`, () => {
    let kam: Kam;
    let connector: FakeConnector;
    let drop: (() => Promise<void>) | undefined;
    let w: Where;
    let organizationId = "";
    let memberId = "";
    let now = TEST_NOW;

    beforeAll(async () => {
      connector = await startFakeConnector();
      const database = kind === "postgres" ? await createPostgresDatabase() : undefined;
      drop = database?.drop;
      const config = loadConfig({ PORT: "0", DATA_DIR: "memory", KAM_SCHEDULER: "off", LOG_LEVEL: "silent", NODE_ENV: "test", ...(database ? { DATABASE_URL: database.url } : {}) });
      kam = await startKam(config, silent, { now: () => now });
      w = { serviceUrl: connector.url, tenantId: newTenant(), user: newUser() };
      await exchange(personalMessage(w, "help"));
      const identity = await kam.db.prisma.memberIdentity.findFirstOrThrow({ where: { platform: "TEAMS", externalId: w.user.aadObjectId }, include: { member: true } });
      organizationId = identity.member.organizationId;
      memberId = identity.member.id;
      await addAccount(kam.db.prisma, { organizationId, memberId: identity.member.id, platform: "TEAMS", now: TEST_NOW }, { name: "ACME Holding GmbH", currency: "EUR" });
    });

    afterAll(async () => {
      const invalid = connector.activities().flatMap((c) => cardsOf(c.body).map((card) => cardErrors(card))).filter((e) => e.length);
      await kam?.stop();
      await connector?.close();
      await drop?.();
      expect(invalid).toEqual([]);
    });

    async function exchange(activity: Record<string, unknown>): Promise<ConnectorCall[]> {
      const before = connector.activities().length;
      const res = await fetch(`${kam.http.url}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(activity) });
      expect(res.status).toBe(200);
      return connector.activities().slice(before);
    }

    /** A message with the file attached, as Teams sends it to a bot with supportsFiles. */
    function withFile(name: string, downloadUrl: string): Record<string, unknown> {
      return {
        ...personalMessage(w, ""),
        text: undefined,
        attachments: [
          {
            contentType: "application/vnd.microsoft.teams.file.download.info",
            contentUrl: `https://contoso-my.sharepoint.com/personal/maria/Documents/Microsoft%20Teams%20Chat%20Files/${name}`,
            name,
            content: { downloadUrl, uniqueId: "1150D938-8870-4044-9F2C-5BBDEBA70C9D", fileType: "csv" },
          },
        ],
      };
    }

    async function attach(name: string, content: string) {
      const calls = await exchange(withFile(name, connector.serveFile(name, content)));
      expect(calls).toHaveLength(1);
      const [card] = cardsOf(calls[0]!.body);
      return card!;
    }

    function confirmCommand(card: Record<string, unknown>): string | undefined {
      const found = JSON.stringify(card).match(/"kamCommand":"(import confirm [^"]+)"/);
      return found?.[1];
    }

    const invoices = () => kam.db.prisma.invoice.count({ where: { organizationId } });

    it("downloads the attachment, previews it without writing, and Confirm applies it once", async () => {
      const card = await attach("invoices.csv", CSV);
      expect(connector.calls.filter((c) => c.kind === "file")).toHaveLength(1);
      expect(connector.calls.find((c) => c.kind === "file")!.headers.authorization).toBeUndefined();
      expect(cardText(card)).toContain("Import preview: invoices.csv");
      expect(cardText(card)).toContain("invoices: 2 new, 0 changed, 0 unchanged");
      expect(await invoices()).toBe(0);
      const command = confirmCommand(card)!;
      expect(command).toBeDefined();

      const done = await exchange(cardSubmit(w, { kamCommand: command }));
      expect(cardText(cardsOf(done[0]!.body)[0]!)).toContain("Imported invoices.csv.");
      const stored = await kam.db.prisma.invoice.findMany({ where: { organizationId }, orderBy: { refNumber: "asc" } });
      expect(stored.map((i) => [i.number, Number(i.amountMinor), i.currency])).toEqual([["RE-1", 2500, "EUR"], ["RE-2", 123456, "USD"]]);

      // The same button again writes nothing: the preview was used.
      const again = await exchange(cardSubmit(w, { kamCommand: command }));
      expect(cardText(cardsOf(again[0]!.body)[0]!)).toContain("I found no import preview");
      expect(await invoices()).toBe(2);
    });

    it("lists every error with its line and offers no Confirm", async () => {
      const card = await attach("bad.csv", "account,number,amount,issued_on\nACME Holding GmbH,RE-7,1x,2026-10-01\nNobody AG,RE-8,1,2026-10-01\n");
      expect(cardText(card)).toContain("line 2, amount:");
      expect(cardText(card)).toContain("line 3, account:");
      expect(confirmCommand(card)).toBeUndefined();
      expect(await invoices()).toBe(2);
    });

    it("refuses a file over the limit with a clear message, and says when the download fails", async () => {
      const big = "account,number,amount,currency,issued_on\n" + "ACME Holding GmbH,RE-9,1,EUR,2026-10-01\n".repeat(140_000);
      const tooLarge = await attach("big.csv", big);
      expect(cardText(tooLarge)).toContain("That file is too large to import from chat (at most 5 MB)");
      expect(confirmCommand(tooLarge)).toBeUndefined();

      const name = "gone.csv";
      const failed = await exchange(withFile(name, connector.serveFile(name, "", 404)));
      expect(cardText(cardsOf(failed[0]!.body)[0]!)).toContain("I could not read that file: HTTP 404");
      expect(await invoices()).toBe(2);
    });

    it("downloads only from a URL it may fetch: another host is not contacted", async () => {
      const before = connector.calls.length;
      const calls = await exchange(withFile("elsewhere.csv", "https://attacker.example/invoices.csv"));
      expect(cardText(cardsOf(calls[0]!.body)[0]!)).toContain("I could not read that file: not a loopback address");
      expect(connector.calls.slice(before).filter((c) => c.kind === "file")).toHaveLength(0);
    });

    describe("export from the chat", () => {
      const linkOf = (card: Record<string, unknown>) => (card.actions as { type: string; url?: string; title?: string }[] | undefined)?.find((a) => a.type === "Action.OpenUrl");

      it("answers export with a card whose Open button downloads what kam export writes; importing it changes nothing", async () => {
        const calls = await exchange(personalMessage(w, "export invoices acme"));
        const card = cardsOf(calls[0]!.body)[0]!;
        expect(cardText(card)).toContain("invoices: 2 rows exported.");
        expect(cardText(card)).toContain("the link works for 15 minutes");
        const open = linkOf(card)!;
        expect(open.title).toBe("Download invoices-acme.csv");
        expect(open.url!.startsWith(`${kam.http.url}/exports/`)).toBe(true);
        const res = await fetch(open.url!);
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
        expect(res.headers.get("content-disposition")).toBe('attachment; filename="invoices-acme.csv"');
        const csv = await res.text();
        const actor = { organizationId, memberId, platform: "TEAMS" as const, now };
        expect(csv).toBe(writeCsv(exportColumns("invoices"), await exportRows(kam.db.prisma, actor, "invoices", { account: "acme" })));
        expect(csv).toContain("RE-2,1234.56,USD");
        const again = await importFile(kam.db.prisma, actor, csv, { dryRun: true });
        expect([again.errors.length, again.created, again.changed, again.unchanged]).toEqual([0, 0, 0, 2]);
      });

      it("refuses an altered link with 403 and an expired one with 410, each with a clear body", async () => {
        const open = linkOf(cardsOf((await exchange(personalMessage(w, "export flags")))[0]!.body)[0]!)!;
        const token = open.url!.split("/exports/")[1]!;
        const [payload, signature] = token.split(".");
        const other = JSON.parse(Buffer.from(payload!, "base64url").toString("utf8")) as Record<string, unknown>;
        const forged = Buffer.from(JSON.stringify({ ...other, kind: "invoices" })).toString("base64url");
        const refused = await fetch(`${kam.http.url}/exports/${forged}.${signature}`);
        expect(refused.status).toBe(403);
        expect(await refused.text()).toBe("This download link is not valid.\n");
        expect((await fetch(`${kam.http.url}/exports/not-a-token`)).status).toBe(403);

        expect((await fetch(open.url!)).status).toBe(200);
        now = new Date(TEST_NOW.getTime() + 16 * 60_000);
        try {
          const expired = await fetch(open.url!, { headers: { "accept-language": "de-DE,de;q=0.9" } });
          expect(expired.status).toBe(410);
          expect(await expired.text()).toContain("Dieser Download-Link ist abgelaufen");
        } finally {
          now = TEST_NOW;
        }
      });

      it("gives no link in a channel, where everyone would see it", async () => {
        const calls = await exchange(channelMention(w, "19:export0channel@thread.tacv2", "export invoices"));
        const card = cardsOf(calls[0]!.body)[0]!;
        expect(cardText(card)).toContain("Write export in a personal chat with kam.");
        expect(linkOf(card)).toBeUndefined();
      });
    });
  });
}
