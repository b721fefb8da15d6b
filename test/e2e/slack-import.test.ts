import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSlackKam, type SlackKam } from "../adapters/slack/harness.ts";
import { buttonClick, directMessage } from "../adapters/slack/payloads.ts";
import { importFile } from "../../src/domain/exchange/import-file.ts";

const CSV = "account,number,amount,currency,issued_on,due_on\nACME Holding GmbH,RE-1,25,EUR,2026-10-20,2026-11-19\nACME Holding GmbH,RE-2,1234.56,USD,2026-11-01,\n";

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("Slack chat import (a CSV uploaded to kam's DM, fake Slack)", () => {
  let s: SlackKam;
  beforeAll(async () => {
    s = await startSlackKam();
  });
  afterAll(async () => {
    await s?.stop();
  });

  /** Uploads a file in the DM as Slack announces it (message.im, subtype file_share); returns kam's answer. */
  async function upload(name: string, content: string) {
    const file = s.fake.addFile(name, content);
    const dm = directMessage(s.who, "");
    const event = { ...dm, event: { ...dm.event, subtype: "file_share", upload: true, display_as_bot: false, files: [file] } };
    const before = s.fake.callsOf("chat.postMessage").length;
    expect((await s.send(event, "json")).status).toBe(200);
    const post = (await s.fake.waitFor("chat.postMessage", before + 1, 20_000)).at(-1)!.args as { channel: string; text: string; blocks: any[] };
    return { file, post };
  }

  function confirmButton(blocks: any[]): { action_id: string; value: string; block_id: string } | undefined {
    const actions = blocks.find((b) => b.type === "actions");
    const button = actions?.elements.find((e: { value?: string }) => e.value?.startsWith("import confirm "));
    return button ? { ...button, block_id: actions.block_id } : undefined;
  }

  async function click(button: { action_id: string; value: string; block_id: string }, id: string) {
    const payload = buttonClick({ ...s.who, channelId: "D0KAMDM01" }, button.value, { responseUrl: s.fake.responseUrl(id) });
    payload.actions = [{ ...payload.actions[0], action_id: button.action_id, block_id: button.block_id, value: button.value }];
    expect((await s.send(payload, "payload")).status).toBe(200);
  }

  const invoices = () => s.kam.db.prisma.invoice.count({ where: { organizationId: s.actor.organizationId } });
  const answersAfter = (from: number) => JSON.stringify(s.fake.calls.slice(from).filter((c) => c.method === "chat.update" || c.method.startsWith("response") || c.method === "chat.postMessage").map((c) => c.args));

  it("reads the file with the bot token, previews it without writing, and Confirm applies exactly the preview once", async () => {
    const { file, post } = await upload("invoices.csv", CSV);
    expect(post.channel).toBe("D0KAMDM01");
    const downloads = s.fake.callsOf("file.download");
    expect(downloads.at(-1)!.args).toEqual({ path: new URL(file.url_private_download).pathname, authorization: `Bearer ${s.fake.token}` });
    expect(s.fake.callsOf("files.info").at(-1)!.args).toMatchObject({ file: file.id });
    const shown = JSON.stringify(post.blocks);
    expect(shown).toContain("invoices: 2 new, 0 changed, 0 unchanged");
    // The dry run ran the checks on the previewed rows: what the next sweep will flag.
    expect(shown).toContain("The next check will flag about");
    expect(shown).toContain("Invoice without order: ");
    expect(await invoices()).toBe(0);

    const button = confirmButton(post.blocks)!;
    expect(button).toBeDefined();
    const from = s.fake.calls.length;
    await click(button, "confirm-1");
    await until("the invoices", async () => (await invoices()) === 2);
    await until("the confirmation", async () => answersAfter(from).includes("Imported invoices.csv"));
    const stored = await s.kam.db.prisma.invoice.findMany({ where: { organizationId: s.actor.organizationId }, orderBy: { refNumber: "asc" } });
    expect(stored.map((i) => [i.number, Number(i.amountMinor), i.currency])).toEqual([["RE-1", 2500, "EUR"], ["RE-2", 123456, "USD"]]);

    // The same button again applies nothing: the preview was used.
    const again = s.fake.calls.length;
    await click(button, "confirm-2");
    await until("the refusal", async () => answersAfter(again).includes("import preview"));
    expect(await invoices()).toBe(2);
  });

  it("lists every error with its line and offers no Confirm", async () => {
    const { post } = await upload("bad.csv", "account,number,amount,issued_on\nACME Holding GmbH,RE-7,1x,2026-10-01\nNobody AG,RE-8,1,2026-10-01\n");
    const shown = JSON.stringify(post.blocks);
    expect(shown).toContain("line 2, amount:");
    expect(shown).toContain("line 3, account:");
    expect(confirmButton(post.blocks)).toBeUndefined();
    expect(await invoices()).toBe(2);
  });

  it("re-checks on Confirm when the data changed since the preview: nothing is written, the new preview is shown", async () => {
    const changed = CSV.replace("RE-2,1234.56", "RE-2,1300").replace("\n", "\nACME Holding GmbH,RE-3,10,EUR,2026-11-02,\n");
    const { post } = await upload("changed.csv", changed);
    expect(JSON.stringify(post.blocks)).toContain("invoices: 1 new, 1 changed, 1 unchanged");
    // Meanwhile someone else imports RE-3.
    await importFile(s.kam.db.prisma, s.actor, "account,number,amount,currency,issued_on\nACME Holding GmbH,RE-3,10,EUR,2026-11-02\n", { dryRun: false });
    const before = await s.kam.db.prisma.invoice.findMany({ where: { organizationId: s.actor.organizationId }, orderBy: { refNumber: "asc" } });
    const from = s.fake.calls.length;
    const button = confirmButton(post.blocks)!;
    await click(button, "confirm-3");
    await until("the new preview", async () => answersAfter(from).includes("invoices: 0 new, 2 changed, 1 unchanged") || answersAfter(from).includes("0 new, 1 changed, 2 unchanged"));
    const after = await s.kam.db.prisma.invoice.findMany({ where: { organizationId: s.actor.organizationId }, orderBy: { refNumber: "asc" } });
    expect(after).toEqual(before);
    // Confirming the new preview applies it.
    await click(button, "confirm-4");
    await until("RE-2 changed", async () => Number((await s.kam.db.prisma.invoice.findFirst({ where: { organizationId: s.actor.organizationId, number: "RE-2" } }))?.amountMinor) === 130000);
  });

  it("says a file is too large, or could not be read, instead of asking for one", async () => {
    const big = await upload("big.csv", "account,number,amount,issued_on\n" + "ACME Holding GmbH,RE-9,1,2026-10-01\n".repeat(150_000));
    expect(JSON.stringify(big.post.blocks)).toContain("That file is too large to import from chat (at most 5 MB)");
    expect(confirmButton(big.post.blocks)).toBeUndefined();

    const file = s.fake.addFile("gone.csv", CSV);
    s.fake.files.delete(file.id);
    const dm = directMessage(s.who, "");
    const before = s.fake.callsOf("chat.postMessage").length;
    expect((await s.send({ ...dm, event: { ...dm.event, subtype: "file_share", upload: true, files: [file] } }, "json")).status).toBe(200);
    const post = (await s.fake.waitFor("chat.postMessage", before + 1, 20_000)).at(-1)!.args as { blocks: unknown };
    expect(JSON.stringify(post.blocks)).toContain("I could not read that file:");
    expect(await invoices()).toBe(3);
  });
});
