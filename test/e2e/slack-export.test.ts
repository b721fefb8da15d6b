import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSlackKam, type SlackKam } from "../adapters/slack/harness.ts";
import { directMessage, slashCommand } from "../adapters/slack/payloads.ts";
import { writeCsv } from "../../src/domain/exchange/csv.ts";
import { exportColumns, exportRows } from "../../src/domain/exchange/export.ts";
import { importFile } from "../../src/domain/exchange/import-file.ts";
import { createPostgresDatabase, TEST_DATABASE_URL } from "../support/databases.ts";

/** `export <kind>` in Slack: the CSV of `kam export`, posted with files.uploadV2 on the fake Slack. */
const CSV = "account,number,amount,currency,issued_on,due_on\nACME Holding GmbH,RE-1,25,EUR,2026-10-20,2026-11-19\nACME Holding GmbH,RE-2,1234.56,USD,2026-11-01,\n";

for (const kind of ["pglite", "postgres"] as const) {
  (kind === "postgres" && !TEST_DATABASE_URL ? describe.skip : describe)(`Slack chat export [${kind}]`, () => {
    let s: SlackKam;
    let drop: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      const database = kind === "postgres" ? await createPostgresDatabase() : undefined;
      drop = database?.drop;
      s = await startSlackKam(database ? { DATABASE_URL: database.url } : {});
      await importFile(s.kam.db.prisma, s.actor, CSV, { dryRun: false });
    });
    afterAll(async () => {
      await s?.stop();
      await drop?.();
    });

    const expected = async (k: "invoices" | "flags", account?: string) =>
      writeCsv(exportColumns(k), await exportRows(s.kam.db.prisma, s.actor, k, account ? { account } : {}));

    it("uploads the invoices as the CSV kam export writes, into the DM, in the three steps of files.uploadV2", async () => {
      const dm = directMessage(s.who, "export invoices acme");
      const before = s.fake.callsOf("files.completeUploadExternal").length;
      expect((await s.send(dm, "json")).status).toBe(200);
      const [complete] = (await s.fake.waitFor("files.completeUploadExternal", before + 1, 20_000)).slice(before);
      const post = s.fake.callsOf("chat.postMessage").at(-1)!.args as { text: string };
      expect(post.text).toContain("invoices: 2 rows exported.");
      const args = complete!.args as { channel_id: string; files: { id: string }[] };
      expect(args.channel_id).toBe("D0KAMDM01");
      const upload = s.fake.uploads.get(args.files[0]!.id)!;
      expect(upload.filename).toBe("invoices-acme.csv");
      expect(upload.content!.toString("utf8")).toBe(await expected("invoices", "acme"));
      expect(upload.content!.toString("utf8")).toContain("RE-2,1234.56,USD");
      // Importing the export changes nothing.
      const again = await importFile(s.kam.db.prisma, s.actor, upload.content!.toString("utf8"), { dryRun: true });
      expect(again.errors).toEqual([]);
      expect([again.created, again.changed, again.unchanged]).toEqual([0, 0, 2]);
    });

    it("from /kam in a channel, sends the file to the caller's DM, not the channel; flags export too", async () => {
      const before = s.fake.callsOf("files.completeUploadExternal").length;
      const command = slashCommand(s.who, "export flags", { responseUrl: s.fake.responseUrl("export-flags") });
      expect((await s.send(command, "form")).status).toBe(200);
      const [complete] = (await s.fake.waitFor("files.completeUploadExternal", before + 1, 20_000)).slice(before);
      const args = complete!.args as { channel_id: string; files: { id: string }[] };
      expect(args.channel_id).not.toBe(s.who.channelId);
      const opened = s.fake.callsOf("conversations.open").at(-1)!.args as { users: string };
      expect(opened.users).toBe(s.who.userId);
      const upload = s.fake.uploads.get(args.files[0]!.id)!;
      expect(upload.filename).toBe("flags.csv");
      expect(upload.content!.toString("utf8")).toBe(await expected("flags"));
    });

    it("answers an unknown kind with the choices and uploads nothing", async () => {
      const before = s.fake.callsOf("files.getUploadURLExternal").length;
      const posts = s.fake.callsOf("chat.postMessage").length;
      expect((await s.send(directMessage(s.who, "export spreadsheets"), "json")).status).toBe(200);
      const post = (await s.fake.waitFor("chat.postMessage", posts + 1, 20_000)).at(-1)!.args as { blocks: unknown };
      expect(JSON.stringify(post.blocks)).toContain("accounts, products, orders, invoices, contracts, programs, cases, milestones, trainings, flags");
      expect(s.fake.callsOf("files.getUploadURLExternal")).toHaveLength(before);
    });
  });
}
