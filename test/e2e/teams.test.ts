import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { handle } from "../../src/core/handler.ts";
import { translator } from "../../src/core/i18n/index.ts";
import { displayText } from "../../src/adapters/teams/cards.ts";
import type { Reply } from "../../src/core/reply.ts";
import { addAccount } from "../../src/domain/accounts.ts";
import { createLinkCode } from "../../src/domain/linking.ts";
import { memberForIdentity } from "../../src/domain/members.ts";
import { organizationForWorkspace } from "../../src/domain/organizations.ts";
import { addProduct } from "../../src/domain/products.ts";
import { createLogger } from "../../src/logger.ts";
import { startKam, type Kam } from "../../src/runtime.ts";
import {
  cardSubmit,
  channelMention,
  newTenant,
  newUser,
  personalConversationId,
  personalInstall,
  personalMessage,
  teamInstall,
  type TeamsUser,
  type Where,
} from "../adapters/teams/activities.ts";
import { cardErrors, cardText, cardsOf } from "../adapters/teams/card-schema.ts";
import { startFakeConnector, type ConnectorCall, type FakeConnector } from "../support/fake-connector.ts";
import { uniqueId } from "../support/fixtures.ts";
import { systemClock } from "../../src/core/clock.ts";

/**
 * Teams end to end: activities POSTed to the running server's /api/messages, replies caught by a
 * fake Bot Framework connector on localhost, state checked in the database.
 */
let kam: Kam;
let connector: FakeConnector;
const en = translator("en");
const silent = createLogger({ level: "silent", pretty: false });

beforeAll(async () => {
  connector = await startFakeConnector();
  const config = loadConfig({ PORT: "0", DATA_DIR: "memory", KAM_SCHEDULER: "off", LOG_LEVEL: "silent", NODE_ENV: "test" });
  kam = await startKam(config, silent);
});

afterAll(async () => {
  // Every card the bot sent during the run must be a valid Adaptive Card 1.5.
  const invalid = connector.activities().flatMap((c) => cardsOf(c.body).map((card) => cardErrors(card))).filter((e) => e.length);
  await kam?.stop();
  await connector?.close();
  expect(invalid).toEqual([]);
});

async function post(activity: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${kam.http.url}/api/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(activity),
  });
}

/** Posts an activity and returns the connector calls it caused. */
async function exchange(activity: Record<string, unknown>): Promise<ConnectorCall[]> {
  const before = connector.activities().length;
  const res = await post(activity);
  expect(res.status).toBe(200);
  return connector.activities().slice(before);
}

function onlyCard(calls: ConnectorCall[]): Record<string, unknown> {
  expect(calls).toHaveLength(1);
  const cards = cardsOf(calls[0]!.body);
  expect(cards).toHaveLength(1);
  return cards[0]!;
}

function where(user: TeamsUser, tenantId = newTenant()): Where {
  return { serviceUrl: connector.url, tenantId, user };
}

async function teamsMember(w: Where) {
  const identity = await kam.db.prisma.memberIdentity.findFirstOrThrow({
    where: { platform: "TEAMS", externalId: w.user.aadObjectId },
    include: { member: true },
  });
  return identity.member;
}

describe("Teams messages", () => {
  it("answers a personal message through the connector with a help card", async () => {
    const w = where(newUser());
    const calls = await exchange(personalMessage(w, "help"));
    const card = onlyCard(calls);
    expect(calls[0]!.kind).toBe("reply");
    expect(calls[0]!.conversationId).toBe(personalConversationId(w));
    expect(cardText(card)).toContain(en("help.title"));
    // The tenant became an organization, the sender its first member (its admin).
    const member = await teamsMember(w);
    expect(member.orgRole).toBe("ADMIN");
    const workspace = await kam.db.prisma.workspace.findUniqueOrThrow({ where: { platform_externalId: { platform: "TEAMS", externalId: w.tenantId } } });
    expect(workspace.organizationId).toBe(member.organizationId);
    // The conversation reference is kept for proactive messages.
    const conversation = await kam.db.prisma.conversation.findFirstOrThrow({ where: { conversationId: personalConversationId(w) } });
    expect(conversation).toMatchObject({ kind: "personal", memberId: member.id });
  });

  it("removes the bot's @mention in a channel and replies in the thread", async () => {
    const w = where(newUser());
    const personal = onlyCard(await exchange(personalMessage(w, "help")));
    const calls = await exchange(channelMention(w, "19:aa11bb22cc33@thread.tacv2", "help"));
    const card = onlyCard(calls);
    expect(calls[0]!.conversationId).toMatch(/^19:aa11bb22cc33@thread\.tacv2;messageid=/);
    expect(card.body).toEqual(personal.body);
  });

  it("answers in the activity's language", async () => {
    const w = { ...where(newUser()), locale: "de-DE" };
    const card = onlyCard(await exchange(personalMessage(w, "help")));
    expect(cardText(card)).toContain(translator("de")("help.title"));
  });

  it("writes the card's own words in the member's language, not the Teams client's", async () => {
    const w = where(newUser()); // an English Teams client
    await exchange(personalMessage(w, "settings language de"));
    const member = await teamsMember(w);
    const actor = { organizationId: member.organizationId, memberId: member.id, platform: "TEAMS" as const, now: new Date() };
    const account = await addAccount(kam.db.prisma, actor, { name: "Deutsch GmbH" });
    await addProduct(kam.db.prisma, actor, { sku: "BOLT-10", name: "Bolt M10", listPrice: { minor: 250 } });
    const bad = onlyCard(await exchange(cardSubmit(w, { kamForm: "order.log", account: account.id, product1: "BOLT-10", quantity1: "lots" }, "form-card-de")));
    expect(cardText(bad)).toContain(translator("de")("teams:card.formErrors"));
    expect(cardText(bad)).not.toContain(translator("en")("teams:card.formErrors"));
  });

  it("answers a repeated activity (same id) once in the database", async () => {
    const w = where(newUser());
    const name = `Repeat ${w.tenantId.slice(-8)} GmbH`;
    const activity = personalMessage(w, `account add "${name}"`);
    await exchange(activity);
    await exchange(activity);
    const events = await kam.db.prisma.processedEvent.count({ where: { key: { contains: String(activity.id) } } });
    expect(events).toBe(1);
    expect(await kam.db.prisma.account.count({ where: { name } })).toBe(1);
  });

  it("reports itself unauthenticated in /healthz", async () => {
    const health = (await (await fetch(`${kam.http.url}/healthz`)).json()) as { teams: unknown };
    expect(health.teams).toEqual({ status: "degraded", detail: "unauthenticated" });
  });
});

describe("Teams installation", () => {
  it("stores the reference and greets once when installed (conversationUpdate, then installationUpdate)", async () => {
    const w = where(newUser());
    const greeting = onlyCard(await exchange(personalInstall(w)));
    expect(cardText(greeting)).toContain(en("teams:greeting.title"));
    expect(cardText(greeting)).toContain(displayText(en("teams:greeting.personal")));
    // The second install event for the same conversation stores, but does not greet again.
    const again = await exchange({ ...personalInstall(w), type: "installationUpdate", action: "add", membersAdded: undefined });
    expect(again).toHaveLength(0);
    expect(await kam.db.prisma.conversation.count({ where: { conversationId: personalConversationId(w) } })).toBe(1);
  });

  it("greets once when both install events arrive at the same time", async () => {
    const w = where(newUser());
    await exchange(personalMessage(w, "help")); // the tenant and member exist; the race is on the conversation
    await kam.db.prisma.conversation.deleteMany({ where: { conversationId: personalConversationId(w) } });
    const before = connector.activities().length;
    const [a, b] = await Promise.all([
      post({ ...personalInstall(w), id: "f:install-1" }),
      post({ ...personalInstall(w), id: "f:install-2", type: "installationUpdate", action: "add", membersAdded: undefined }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(connector.activities().length - before).toBe(1);
    expect(await kam.db.prisma.conversation.count({ where: { conversationId: personalConversationId(w) } })).toBe(1);
  });

  it("stores a team's channel when the app is added to a team", async () => {
    const w = where(newUser());
    const channel = `19:${uniqueId("team").toLowerCase()}@thread.tacv2`;
    const card = onlyCard(await exchange(teamInstall(w, channel)));
    expect(cardText(card)).toContain(displayText(en("teams:greeting.channel")));
    const conversation = await kam.db.prisma.conversation.findFirstOrThrow({ where: { conversationId: channel } });
    expect(conversation.kind).toBe("channel");
    expect((conversation.reference as { serviceUrl: string }).serviceUrl).toBe(connector.url);
  });
});

describe("Teams card forms", () => {
  it("re-shows the order form with the error on bad input and writes on good input", async () => {
    const user = newUser();
    const w = where(user);
    await exchange(personalMessage(w, "help"));
    const member = await teamsMember(w);
    const actor = { organizationId: member.organizationId, memberId: member.id, platform: "TEAMS" as const, now: new Date() };
    const account = await addAccount(kam.db.prisma, actor, { name: "ACME Holding GmbH" });
    await addProduct(kam.db.prisma, actor, { sku: "BOLT-10", name: "Bolt M10", listPrice: { minor: 250 } });

    const form = onlyCard(await exchange(personalMessage(w, "order")));
    expect(JSON.stringify(form)).toContain('"kamForm":"order.log"');
    const accountInput = (form.body as Record<string, unknown>[]).find((e) => e.id === "account") as { choices: { value: string }[] };
    expect(accountInput.choices.map((c) => c.value)).toContain(account.id);

    const bad = await exchange(cardSubmit(w, { kamForm: "order.log", account: account.id, product1: "BOLT-10", quantity1: "lots" }, "form-card-1"));
    const errorCard = onlyCard(bad);
    expect(bad[0]).toMatchObject({ kind: "update", activityId: "form-card-1" });
    const quantity = (errorCard.body as Record<string, unknown>[]).find((e) => e.id === "quantity1")!;
    expect(quantity.errorMessage).toBeTruthy();
    expect(cardText(errorCard)).toContain(String(quantity.errorMessage));
    expect(await kam.db.prisma.order.count({ where: { organizationId: member.organizationId } })).toBe(0);

    const good = await exchange(cardSubmit(w, { kamForm: "order.log", account: account.id, product1: "BOLT-10", quantity1: "10", poRef: "PO-4711" }, "form-card-1"));
    const done = onlyCard(good);
    expect(good[0]).toMatchObject({ kind: "update", activityId: "form-card-1" });
    expect(JSON.stringify(done)).not.toContain("kamForm");
    const orders = await kam.db.prisma.order.findMany({ where: { organizationId: member.organizationId } });
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ poRef: "PO-4711", totalMinor: 2500n });
  });

  it("runs a button's command from a card", async () => {
    const w = where(newUser());
    await exchange(personalMessage(w, "help"));
    const calls = await exchange(cardSubmit(w, { kamCommand: "help" }));
    expect(calls[0]!.kind).toBe("reply");
    expect(cardText(onlyCard(calls))).toContain(en("help.title"));
    // The button of a card about one thing replaces that card with its result.
    const replaced = await exchange(cardSubmit(w, { kamCommand: "help", kamUpdate: 1 }, "notification-7"));
    expect(replaced[0]).toMatchObject({ kind: "update", activityId: "notification-7" });
  });
});

describe("Teams proactive notifications", () => {
  it("posts into a stored channel with a mention entity, and into a personal chat without mentioning its reader", async () => {
    const user = newUser("Paul Project");
    const w = where(user);
    const channelId = `19:${uniqueId("ch").toLowerCase()}@thread.tacv2`;
    await exchange(personalInstall(w));
    await exchange(teamInstall(w, channelId));
    const member = await teamsMember(w);
    const reply: Reply = { ok: true, visibility: "channel", summary: "Milestone M-3 is due tomorrow", blocks: [{ kind: "text", text: "Milestone M-3 is due tomorrow" }] };
    const send = (target: string) =>
      kam.teams.notifier!.send({ organizationId: member.organizationId, platform: "TEAMS", target, reply, mentions: [{ userId: user.id, name: user.name }] });

    let before = connector.activities().length;
    expect(await send(channelId)).toMatchObject({ ok: true });
    const [inChannel] = connector.activities().slice(before);
    expect(inChannel!.body).toMatchObject({
      text: expect.stringContaining("<at>Paul Project</at>"),
      entities: [{ type: "mention", text: "<at>Paul Project</at>", mentioned: { id: user.id, name: "Paul Project" } }],
    });

    before = connector.activities().length;
    expect(await send(personalConversationId(w))).toMatchObject({ ok: true });
    const [call] = connector.activities().slice(before);
    expect(call!.conversationId).toBe(personalConversationId(w));
    expect(JSON.stringify(call!.body)).not.toContain("<at>");
    expect(cardText(cardsOf(call!.body)[0])).toContain("Milestone M-3 is due tomorrow");
  });

  it("reports 429 as rate_limited with Retry-After, 403 as permanent, 5xx as transient, an unknown target as permanent", async () => {
    const w = where(newUser());
    await exchange(personalInstall(w));
    const member = await teamsMember(w);
    const message = {
      organizationId: member.organizationId,
      platform: "TEAMS" as const,
      target: personalConversationId(w),
      reply: { ok: true, visibility: "channel" as const, summary: "x", blocks: [] },
      mentions: [],
    };
    connector.throttle(1, 7);
    expect(await kam.teams.notifier!.send(message)).toMatchObject({ ok: false, kind: "rate_limited", retryAfterMs: 7000 });
    connector.failNext(1, 403);
    expect(await kam.teams.notifier!.send(message)).toMatchObject({ ok: false, kind: "permanent" });
    connector.failNext(1, 502);
    expect(await kam.teams.notifier!.send(message)).toMatchObject({ ok: false, kind: "transient" });
    expect(await kam.teams.notifier!.send({ ...message, target: "19:gone@thread.tacv2" })).toMatchObject({ ok: false, kind: "permanent" });
    expect(await kam.teams.notifier!.send(message)).toMatchObject({ ok: true });
  });
});

describe("Linking Slack and Teams", () => {
  async function slackSide() {
    const db = kam.db.prisma;
    const org = await organizationForWorkspace(db, "SLACK", uniqueId("T"), "Acme Sales", new Date());
    const sam = await memberForIdentity(db, org.id, "SLACK", uniqueId("U"), { displayName: "Sam Sales", email: `${uniqueId("sam")}@example.com` }, new Date());
    const email = `${uniqueId("maria")}@example.com`;
    const maria = await memberForIdentity(db, org.id, "SLACK", uniqueId("U"), { displayName: "Maria M.", email }, new Date());
    const actor = { organizationId: org.id, memberId: sam.id, platform: "SLACK" as const, now: new Date() };
    await addAccount(db, actor, { name: "Globex AG" });
    await addProduct(db, actor, { sku: "NUT-10", name: "Nut M10", listPrice: { minor: 80 } });
    const slack = (text: string) => handle({ db, logger: silent, now: systemClock }, {
      organizationId: org.id,
      memberId: sam.id,
      platform: "SLACK",
      channelId: "D0SAM",
      direct: true,
      text,
    });
    return { org, sam, maria, email, slack };
  }

  function codeOf(reply: Reply): string {
    const match = /[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}/.exec(reply.summary);
    expect(match, reply.summary).not.toBeNull();
    return match![0];
  }

  it("joins a Teams tenant into the Slack organization with a code made in Slack; members matched by email", async () => {
    const side = await slackSide();
    const codeReply = await side.slack("link");
    expect(codeReply.ok).toBe(true);
    const code = codeOf(codeReply);

    const user = newUser("Maria Manager", side.email);
    connector.members.set(user.id, { id: user.id, name: user.name, aadObjectId: user.aadObjectId, email: side.email });
    const w = where(user);
    await exchange(personalMessage(w, "help"));
    const teamsOrg = (await teamsMember(w)).organizationId;
    expect(teamsOrg).not.toBe(side.org.id);

    const joined = onlyCard(await exchange(personalMessage(w, `link ${code}`)));
    expect(cardText(joined)).toContain("Acme Sales");
    const workspace = await kam.db.prisma.workspace.findUniqueOrThrow({ where: { platform_externalId: { platform: "TEAMS", externalId: w.tenantId } } });
    expect(workspace.organizationId).toBe(side.org.id);
    expect(await kam.db.prisma.organization.findUnique({ where: { id: teamsOrg } })).toBeNull();
    // Maria's Teams identity now belongs to her Slack member.
    expect((await teamsMember(w)).id).toBe(side.maria.id);
    const conversation = await kam.db.prisma.conversation.findFirstOrThrow({ where: { conversationId: personalConversationId(w) } });
    expect(conversation).toMatchObject({ organizationId: side.org.id, memberId: side.maria.id });
    expect(await kam.db.prisma.auditEvent.count({ where: { organizationId: side.org.id, action: "organization.link" } })).toBe(1);

    // A reused code is refused.
    const other = where(newUser("Otto Other"));
    await exchange(personalMessage(other, "help"));
    const reused = onlyCard(await exchange(personalMessage(other, `link ${code}`)));
    expect(cardText(reused)).toContain(displayText(en("teams:link.used")));

    // An order logged in Slack is listed in Teams.
    const logged = await side.slack("order log Globex 12 NUT-10");
    expect(logged.ok, logged.summary).toBe(true);
    const list = onlyCard(await exchange(personalMessage(w, "order list Globex")));
    expect(cardText(list)).toContain("NUT-10");
  });

  it("refuses an expired code, and a code entered by an organization that has accounts", async () => {
    const side = await slackSide();
    // kam serve runs on the system clock here, so the test acts on it too.
    const actor = { organizationId: side.org.id, memberId: side.sam.id, platform: "SLACK" as const, now: new Date() };
    const expired = await createLinkCode(kam.db.prisma, { ...actor, now: new Date(actor.now.getTime() - 16 * 60 * 1000) });
    const w = where(newUser());
    await exchange(personalMessage(w, "help"));
    const teamsOrg = (await teamsMember(w)).organizationId;
    expect(cardText(onlyCard(await exchange(personalMessage(w, `link ${expired.code}`))))).toContain(displayText(en("teams:link.expired")));

    const member = await teamsMember(w);
    await addAccount(kam.db.prisma, { organizationId: teamsOrg, memberId: member.id, platform: "TEAMS", now: new Date() }, { name: "Initech" });
    const fresh = await createLinkCode(kam.db.prisma, actor);
    const refused = onlyCard(await exchange(personalMessage(w, `link ${fresh.code}`)));
    expect(cardText(refused)).toContain(displayText(en("teams:link.hasAccounts", { count: 1 })));
    // Nothing moved, and the code is still good for the right side.
    const workspace = await kam.db.prisma.workspace.findUniqueOrThrow({ where: { platform_externalId: { platform: "TEAMS", externalId: w.tenantId } } });
    expect(workspace.organizationId).toBe(teamsOrg);
    expect((await kam.db.prisma.linkCode.findFirstOrThrow({ where: { organizationId: side.org.id, usedAt: null, expiresAt: { gt: new Date() } } })).usedAt).toBeNull();
  });
});
