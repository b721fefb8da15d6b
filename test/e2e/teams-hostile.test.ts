import dns from "node:dns";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { translator } from "../../src/core/i18n/index.ts";
import { startKam, type Kam } from "../../src/runtime.ts";
import { cardSubmit, newTenant, newUser, personalMessage, type Where } from "../adapters/teams/activities.ts";
import { cardText, cardsOf } from "../adapters/teams/card-schema.ts";
import { captureLogger } from "../support/capture-logger.ts";
import { startFakeConnector, type FakeConnector } from "../support/fake-connector.ts";

/**
 * Teams without authentication (no MicrosoftAppId, the development default) against requests
 * nobody should be able to make: foreign service URLs (SSRF), malformed activities, text that
 * cannot be stored, and two tenants whose ids collide.
 */
let kam: Kam;
let connector: FakeConnector;
const log = captureLogger();

beforeAll(async () => {
  connector = await startFakeConnector();
  kam = await startKam(loadConfig({ PORT: "0", DATA_DIR: "memory", KAM_SCHEDULER: "off", NODE_ENV: "test" }), log.logger);
});
afterAll(async () => {
  await kam?.stop();
  await connector?.close();
});

const where = (tenantId = newTenant()): Where => ({ serviceUrl: connector.url, tenantId, user: newUser() });
const post = (body: string) => fetch(`${kam.http.url}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body });

async function stored() {
  const db = kam.db.prisma;
  const [workspaces, organizations, members, conversations, processed] = await Promise.all([
    db.workspace.count(),
    db.organization.count(),
    db.member.count(),
    db.conversation.count(),
    db.processedEvent.count(),
  ]);
  return { workspaces, organizations, members, conversations, processed };
}

describe("Teams without authentication", () => {
  it("listens on loopback only", () => {
    expect((kam.http.server.address() as AddressInfo).address).toBe("127.0.0.1");
  });

  it("refuses every service URL that is not loopback with 403, before any lookup or connection, and stores nothing", async () => {
    const lookups = vi.spyOn(dns, "lookup");
    const before = await stored();
    const callsBefore = connector.calls.length;
    const foreign = [
      "https://evil.example/",
      "http://10.0.0.1:8080/",
      "http://169.254.169.254/latest/meta-data/",
      "http://127.0.0.1.nip.io/",
      "http://[::ffff:7f00:1]/",
      "http://user:pw@127.0.0.1:1/",
      "file:///etc/passwd",
      "https://smba.trafficmanager.net/emea/",
      "not a url",
    ];
    for (const serviceUrl of foreign) {
      const mark = log.lines.length;
      const res = await post(JSON.stringify({ ...personalMessage(where(), "account add Evil"), serviceUrl }));
      expect(res.status, serviceUrl).toBe(403);
      expect(await res.json()).toEqual({ error: "service URL not allowed" });
      const lines = log.since(mark);
      expect(lines.map((l) => l.msg)).toEqual(["teams: service URL refused"]);
      expect(lines[0]!.level).toBe("warn");
    }
    const { serviceUrl: _none, ...withoutUrl } = personalMessage(where(), "help");
    expect((await post(JSON.stringify(withoutUrl))).status).toBe(403);
    expect(lookups.mock.calls.filter(([host]) => !["127.0.0.1", "localhost"].includes(String(host)))).toEqual([]);
    lookups.mockRestore();
    expect(await stored()).toEqual(before);
    expect(connector.calls.length).toBe(callsBefore);
  });

  it("answers an activity from loopback (the fake connector)", async () => {
    const res = await post(JSON.stringify(personalMessage(where(), "help")));
    expect(res.status).toBe(200);
  });

  it("refuses a null body, an activity without type, conversation or sender with 400, one log line, and stores nothing", async () => {
    const before = await stored();
    const callsBefore = connector.calls.length;
    const message = personalMessage(where(), "account add Halfway");
    const { type: _t, ...noType } = message;
    const { conversation: _c, ...noConversation } = message;
    const { from: _f, ...noSender } = message;
    const bodies = {
      null: "null",
      array: "[]",
      noType: JSON.stringify(noType),
      emptyType: JSON.stringify({ ...message, type: "" }),
      noConversation: JSON.stringify(noConversation),
      conversationWithoutId: JSON.stringify({ ...message, conversation: { conversationType: "personal" } }),
      noSender: JSON.stringify(noSender),
      badJson: "{",
    };
    for (const [name, body] of Object.entries(bodies)) {
      const mark = log.lines.length;
      const res = await post(body);
      expect(res.status, name).toBe(400);
      const lines = log.since(mark);
      expect(lines, name).toHaveLength(1);
      expect(lines[0]!.level, name).toBe("warn");
      expect(JSON.stringify(lines[0]), name).not.toMatch(/\n\s+at /);
    }
    expect(await stored()).toEqual(before);
    expect(connector.calls.length).toBe(callsBefore);
  });

  it("refuses a message with a NUL character with a clear answer (en, de) and writes nothing", async () => {
    for (const locale of ["en-US", "de-DE"]) {
      const before = await stored();
      const sent = connector.activities().length;
      const res = await post(JSON.stringify(personalMessage({ ...where(), locale }, "account add Nul\u0000GmbH")));
      expect(res.status).toBe(200);
      const [reply] = connector.activities().slice(sent);
      expect(cardText(cardsOf(reply!.body)[0]!)).toContain(translator(locale === "de-DE" ? "de" : "en")("error.nulCharacter"));
      expect(await stored()).toEqual(before);
      expect(await kam.db.prisma.account.count({ where: { name: { startsWith: "Nul" } } })).toBe(0);
    }
  });

  it("refuses a card's command or form value with a NUL character the same way", async () => {
    const before = await stored();
    for (const value of [{ kamCommand: "account add Nul\u0000Card" }, { kamForm: "order.log", account: "x", product1: "BOLT\u000010", quantity1: "1" }]) {
      const sent = connector.activities().length;
      expect((await post(JSON.stringify(cardSubmit(where(), value)))).status).toBe(200);
      const [reply] = connector.activities().slice(sent);
      expect(cardText(cardsOf(reply!.body)[0]!)).toContain(translator("en")("error.nulCharacter"));
    }
    expect(await stored()).toEqual(before);
  });

  it("keeps two tenants apart whose conversation and activity ids are the same", async () => {
    const a = where();
    const b = { ...where(), user: a.user };
    const first = personalMessage(a, `account add "Tenant A"`);
    const second: Record<string, unknown> = { ...personalMessage(b, `account add "Tenant B"`), id: first.id };
    expect((second.conversation as { id: string }).id).toBe((first.conversation as { id: string }).id);
    expect((await post(JSON.stringify(first))).status).toBe(200);
    expect((await post(JSON.stringify(second))).status).toBe(200);
    const accounts = await kam.db.prisma.account.findMany({ where: { name: { in: ["Tenant A", "Tenant B"] } }, include: { organization: { include: { workspaces: true } } } });
    expect(accounts.map((x) => [x.name, x.organization.workspaces[0]!.externalId]).sort()).toEqual([["Tenant A", a.tenantId], ["Tenant B", b.tenantId]]);
    expect(await kam.db.prisma.processedEvent.count({ where: { key: { contains: String(first.id) } } })).toBe(2);
  });
});
