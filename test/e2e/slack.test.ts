import type { KnownBlock, View } from "@slack/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkMessage, checkView } from "../../src/adapters/slack/limits.ts";
import { SIGNING_SECRET, startSlackKam, type SlackKam } from "../adapters/slack/harness.ts";
import { appHomeOpened, appMention, buttonClick, directMessage, slashCommand, viewSubmission } from "../adapters/slack/payloads.ts";
import { postSigned, signedRequest } from "../support/slack-signing.ts";
import { loadConfig } from "../../src/config.ts";
import { translator } from "../../src/core/i18n/index.ts";
import { startKam } from "../../src/runtime.ts";
import { captureLogger } from "../support/capture-logger.ts";
import { FakeSlack } from "../support/fake-slack.ts";

/** Everything kam sent to Slack that renders: messages, updates, ephemerals, response_url answers, views. */
function renderedOutput(s: SlackKam): { where: string; problems: string[] }[] {
  return s.fake.calls.flatMap((c) => {
    if (["chat.postMessage", "chat.update", "chat.postEphemeral", "response_url"].includes(c.method)) {
      return [{ where: c.method, problems: checkMessage(c.args as { text?: string; blocks?: KnownBlock[] }) }];
    }
    if (c.method === "views.open" || c.method === "views.publish") return [{ where: c.method, problems: checkView(c.args.view as View) }];
    return [];
  });
}

describe("Slack end to end (signed HTTP into kam serve, fake Slack Web API)", () => {
  let s: SlackKam;
  const counts = async () => {
    const db = s.kam.db.prisma;
    const [orders, processed, audit] = await Promise.all([db.order.count(), db.processedEvent.count(), db.auditEvent.count()]);
    return { orders, processed, audit };
  };

  beforeAll(async () => {
    s = await startSlackKam();
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("reports Slack ok in /healthz after auth.test", async () => {
    const health = (await (await fetch(`${s.kam.http.url}/healthz`)).json()) as { slack: { status: string } };
    expect(health.slack.status).toBe("ok");
    expect(s.fake.callsOf("auth.test").length).toBeGreaterThanOrEqual(1);
  });

  it("answers Slack's URL verification (signed) with the challenge", async () => {
    const res = await s.send({ token: "x", challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", type: "url_verification" }, "json");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" });
  });

  it("answers a signed /kam help through the response_url", async () => {
    const res = await s.send(slashCommand(s.who, "help", { responseUrl: s.fake.responseUrl("help") }), "form");
    expect(res.status).toBe(200);
    const [answer] = await s.fake.waitFor("response:help");
    expect(answer!.args.response_type).toBe("ephemeral");
    expect(JSON.stringify(answer!.args.blocks)).toContain("order");
    // The member's profile came from users.info.
    const member = await s.kam.db.prisma.member.findFirstOrThrow({ where: { identities: { some: { externalId: s.who.userId } } } });
    expect(member).toMatchObject({ email: "anna@example.com", timeZone: "Europe/Berlin", locale: "en-US" });
    expect(s.fake.callsOf("users.info")).toHaveLength(1);
  });

  it("rejects a bad signature, a stale timestamp and missing headers with 401 and changes nothing", async () => {
    const before = await counts();
    const callsBefore = s.fake.calls.length;
    const payload = slashCommand(s.who, "order log ACME 10 BOLT-10", { responseUrl: s.fake.responseUrl("forged") });
    const good = signedRequest(SIGNING_SECRET, payload, "form");
    const badSignature = { ...good, headers: { ...good.headers, "x-slack-signature": good.headers["x-slack-signature"]!.replace(/.$/, (c) => (c === "0" ? "1" : "0")) } };
    const wrongSecret = signedRequest("not-the-secret", payload, "form");
    const stale = signedRequest(SIGNING_SECRET, payload, "form", { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    const { "x-slack-signature": _s, ...noSignature } = good.headers;
    const { "x-slack-request-timestamp": _t, ...noTimestamp } = good.headers;
    for (const request of [badSignature, wrongSecret, stale, { ...good, headers: noSignature }, { ...good, headers: noTimestamp }]) {
      const res = await postSigned(s.eventsUrl, request);
      expect(res.status).toBe(401);
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(await counts()).toEqual(before);
    expect(s.fake.calls.length).toBe(callsBefore);
  });

  it("logs an order from /kam order log, acknowledges fast, announces it in the channel; a retry logs nothing more", async () => {
    const before = await counts();
    const payload = slashCommand(s.who, "order log ACME 10 BOLT-10", { responseUrl: s.fake.responseUrl("order1") });
    const res = await s.send(payload, "form");
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(3000);
    // Written before the acknowledgement: the order is there as soon as Slack has its 200.
    expect((await counts()).orders).toBe(before.orders + 1);
    const [answer] = await s.fake.waitFor("response:order1");
    expect(answer!.args.response_type).toBe("in_channel");
    expect(String(answer!.args.text)).toMatch(/ACME/);
    // Slack retries with X-Slack-Retry-Num (re-signed, same payload): acknowledged, nothing written or posted again.
    for (const retryNum of [1, 2]) {
      const retry = await s.send(payload, "form", { retryNum });
      expect(retry.status).toBe(200);
    }
    await new Promise((r) => setTimeout(r, 200));
    expect((await counts()).orders).toBe(before.orders + 1);
    expect(s.fake.callsOf("response:order1")).toHaveLength(1);
    const order = await s.kam.db.prisma.order.findFirstOrThrow({ orderBy: { number: "desc" }, include: { lines: true } });
    expect(Number(order.totalMinor)).toBe(2500);
  });

  it("opens a modal for /kam order, shows a bad quantity as a field error, and logs a good submission", async () => {
    const before = await counts();
    const res = await s.send(slashCommand(s.who, "order", { responseUrl: s.fake.responseUrl("modal") }), "form");
    expect(res.status).toBe(200);
    const [open] = await s.fake.waitFor("views.open");
    const view = open!.args.view as View & { blocks: { block_id: string; type: string }[] };
    expect(open!.args.trigger_id).toBeTruthy();
    expect(view.type).toBe("modal");
    expect(checkView(view)).toEqual([]);
    const ids = view.blocks.map((b) => b.block_id);
    expect(ids).toEqual(expect.arrayContaining(["account", "product1", "quantity1", "requestedOn", "poRef"]));

    const account = await s.kam.db.prisma.account.findFirstOrThrow({ where: { organizationId: s.actor.organizationId } });
    const product = await s.kam.db.prisma.product.findFirstOrThrow({ where: { organizationId: s.actor.organizationId } });
    const accountOption = (view.blocks.find((b) => b.block_id === "account") as any).element.options.find((o: { value: string; text: { text: string } }) =>
      o.value === account.id || o.text.text.includes("ACME"),
    ).value;
    const productOption = (view.blocks.find((b) => b.block_id === "product1") as any).element.options.find((o: { value: string; text: { text: string } }) =>
      o.value === product.id || o.text.text.includes("BOLT"),
    ).value;

    const bad = await s.send(viewSubmission(s.who, view as any, { account: accountOption, product1: productOption, quantity1: "-3" }), "payload");
    expect(bad.status).toBe(200);
    expect(bad.json).toMatchObject({ response_action: "errors", errors: { quantity1: expect.any(String) } });
    expect((await counts()).orders).toBe(before.orders);

    const good = await s.send(
      viewSubmission(s.who, view as any, { account: accountOption, product1: productOption, quantity1: "12", requestedOn: "2030-01-15", poRef: "PO-77" }),
      "payload",
    );
    expect(good.status).toBe(200);
    expect(good.text).toBe("");
    expect((await counts()).orders).toBe(before.orders + 1);
    const order = await s.kam.db.prisma.order.findFirstOrThrow({ orderBy: { number: "desc" } });
    expect(order.poRef).toBe("PO-77");
    const [confirmation] = await s.fake.waitFor("response:modal");
    expect(confirmation!.args.response_type).toBe("in_channel");
  });

  it("opens valid modals for /kam invoice, contract and project", async () => {
    for (const word of ["invoice", "contract", "project"]) {
      const before = s.fake.callsOf("views.open").length;
      expect((await s.send(slashCommand(s.who, word), "form")).status).toBe(200);
      const open = (await s.fake.waitFor("views.open", before + 1)).at(-1)!;
      const view = open.args.view as View;
      expect({ word, type: view.type, problems: checkView(view) }).toEqual({ word, type: "modal", problems: [] });
      expect(JSON.parse(view.private_metadata!).formId).toBe(`${word}.add`);
    }
  });

  it("answers an @mention in the thread and a DM in the DM; an event retry posts nothing twice", async () => {
    const mention = appMention(s.who, "help", s.fake.botUserId);
    expect((await s.send(mention, "json")).status).toBe(200);
    const [eph] = await s.fake.waitFor("chat.postEphemeral");
    expect(eph!.args).toMatchObject({ channel: s.who.channelId, user: s.who.userId, thread_ts: mention.event.ts });

    const dm = directMessage(s.who, "help");
    expect((await s.send(dm, "json")).status).toBe(200);
    const posts = await s.fake.waitFor("chat.postMessage");
    expect(posts.some((p) => p.args.channel === "D0KAMDM01")).toBe(true);
    const count = s.fake.callsOf("chat.postMessage").length;
    expect((await s.send(dm, "json", { retryNum: 1 })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(s.fake.callsOf("chat.postMessage")).toHaveLength(count);
  });

  it("acknowledges a flag from the button on its alert message and updates that message", async () => {
    const db = s.kam.db.prisma;
    const account = await db.account.findFirstOrThrow({ where: { organizationId: s.actor.organizationId } });
    const number = 1 + ((await db.flag.aggregate({ where: { organizationId: s.actor.organizationId }, _max: { number: true } }))._max.number ?? 0);
    await db.flag.create({
      data: {
        organizationId: s.actor.organizationId,
        number,
        accountId: account.id,
        rule: "case.sla",
        severity: "WARNING",
        subjectType: "Case",
        subjectId: "case-1",
        dedupeKey: `case.sla:case-1:${number}`,
        params: {},
      },
    });
    // The alert as the outbox dispatcher would post it, through the Slack notifier.
    const { alertsReply } = await import("../../src/core/messages/index.ts");
    const sent = await s.kam.slack.notifier!.send({
      organizationId: s.actor.organizationId,
      platform: "SLACK",
      target: s.who.channelId,
      reply: alertsReply({ accountName: account.name, items: [{ flagNumber: number, severity: "WARNING", message: "rule.caseSla", params: {} }] }, "en", "UTC"),
      mentions: [],
    });
    expect(sent.ok).toBe(true);
    const posted = s.fake.callsOf("chat.postMessage").at(-1)!.args as { blocks: any[]; text: string };
    const actions = posted.blocks.find((b) => b.type === "actions" && b.elements.some((e: any) => e.value === `flag ack ${number}`));
    const ack = actions.elements.find((e: any) => e.value === `flag ack ${number}`);
    const click = buttonClick(s.who, ack.value, { messageTs: (sent as { externalId: string }).externalId, blocks: posted.blocks, text: posted.text });
    click.actions = [{ ...click.actions[0], action_id: ack.action_id, block_id: actions.block_id, value: ack.value }];

    const updatesBefore = s.fake.callsOf("chat.update").length;
    const res = await s.send(click, "payload");
    expect(res.status).toBe(200);
    const [update] = (await s.fake.waitFor("chat.update", updatesBefore + 1)).slice(-1);
    expect(update!.args).toMatchObject({ channel: s.who.channelId, ts: (sent as { externalId: string }).externalId });
    const blocks = update!.args.blocks as { block_id?: string; type: string }[];
    // The used buttons become the outcome, in their place, with who did it.
    const at = posted.blocks.findIndex((b) => b.block_id === actions.block_id);
    expect(blocks).toHaveLength(posted.blocks.length);
    expect(blocks[at]).toMatchObject({ type: "context", block_id: actions.block_id });
    expect(JSON.stringify(blocks[at])).toContain(String(number));
    expect(JSON.stringify(blocks[at])).toMatch(/by \S/);
    expect((await db.flag.findFirstOrThrow({ where: { organizationId: s.actor.organizationId, number } })).status).toBe("ACKNOWLEDGED");

    // A read-only button (show details) answers only the clicker and leaves the message alone.
    const show = buttonClick(s.who, `flag show ${number}`, { messageTs: (sent as { externalId: string }).externalId, responseUrl: s.fake.responseUrl("show") });
    expect((await s.send(show, "payload")).status).toBe(200);
    const [details] = await s.fake.waitFor("response:show");
    expect(details!.args).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(s.fake.callsOf("chat.update")).toHaveLength(updatesBefore + 1);
  });

  it("publishes the App Home when it is opened", async () => {
    expect((await s.send(appHomeOpened(s.who), "json")).status).toBe(200);
    const [publish] = await s.fake.waitFor("views.publish");
    expect(publish!.args.user_id).toBe(s.who.userId);
    const view = publish!.args.view as View;
    expect(view.type).toBe("home");
    expect(JSON.stringify(view.blocks)).toContain("ACME Holding GmbH");
  });

  it("offers the form as a button in a DM, and the button opens the modal", async () => {
    const dm = directMessage(s.who, "order");
    const postsBefore = s.fake.callsOf("chat.postMessage").length;
    expect((await s.send(dm, "json")).status).toBe(200);
    const posted = (await s.fake.waitFor("chat.postMessage", postsBefore + 1)).at(-1)!.args as { channel: string; blocks: any[] };
    expect(posted.channel).toBe("D0KAMDM01");
    const actions = posted.blocks.find((b) => b.type === "actions");
    const button = actions.elements[0];
    expect(button).toMatchObject({ action_id: "kam.form.open", value: "order" });
    const opensBefore = s.fake.callsOf("views.open").length;
    const click = buttonClick({ ...s.who, channelId: "D0KAMDM01" }, "order", { blocks: posted.blocks });
    click.actions = [{ ...click.actions[0], action_id: button.action_id, block_id: actions.block_id, value: button.value }];
    expect((await s.send(click, "payload")).status).toBe(200);
    const open = (await s.fake.waitFor("views.open", opensBefore + 1)).at(-1)!;
    expect(open.args.trigger_id).toBe(click.trigger_id);
    expect((open.args.view as View).type).toBe("modal");
  });

  it("runs a button on the Home tab and publishes the Home tab again", async () => {
    const publishes = s.fake.callsOf("views.publish").length;
    const click: Record<string, any> = buttonClick(s.who, "flags");
    delete click.message;
    delete click.channel;
    click.container = { type: "view", view_id: "V0HOME01" };
    click.view = { id: "V0HOME01", type: "home", callback_id: "kam.home", blocks: [], state: { values: {} }, hash: "h" };
    expect((await s.send(click, "payload")).status).toBe(200);
    await s.fake.waitFor("views.publish", publishes + 1);
  });

  it("answers signed bodies that are not objects (null, a list, a null payload) with 400 and changes nothing", async () => {
    const before = await counts();
    const callsBefore = s.fake.calls.length;
    const bodies: [string, string][] = [
      ["null", "application/json"],
      ["[]", "application/json"],
      ["42", "application/json"],
      ["payload=null", "application/x-www-form-urlencoded"],
      ["payload=%5B%5D", "application/x-www-form-urlencoded"],
      ["payload=%7Bnope", "application/x-www-form-urlencoded"],
    ];
    for (const [body, type] of bodies) {
      const request = signedRequest(SIGNING_SECRET, {}, "json");
      const timestamp = request.headers["x-slack-request-timestamp"]!;
      const { slackSignature } = await import("../support/slack-signing.ts");
      const res = await postSigned(s.eventsUrl, { body, headers: { ...request.headers, "content-type": type, "x-slack-signature": slackSignature(SIGNING_SECRET, Number(timestamp), body) } });
      expect(res.status, body).toBe(400);
    }
    expect(await counts()).toEqual(before);
    expect(s.fake.calls.length).toBe(callsBefore);
  });

  it("refuses events and interactions whose user is null (mention, DM, App Home, button) with 400, and answers nobody", async () => {
    const before = await counts();
    const callsBefore = s.fake.calls.length;
    const nullUser = (payload: Record<string, any>) => ({ ...payload, event: { ...payload.event, user: null } });
    for (const payload of [appMention(s.who, "help", "U0KAMBOT1"), directMessage(s.who, "help"), appHomeOpened(s.who)].map(nullUser)) {
      const res = await s.send(payload, "json");
      expect(res.status, payload.event.type).toBe(400);
    }
    const click = { ...buttonClick(s.who, "help"), user: null };
    expect((await s.send(click, "payload")).status).toBe(400);
    expect((await s.send({ ...appMention(s.who, "help", "U0KAMBOT1"), event: null }, "json")).status).toBe(400);
    await new Promise((r) => setTimeout(r, 200));
    expect(await counts()).toEqual(before);
    expect(s.fake.calls.slice(callsBefore).filter((c) => c.method !== "auth.test")).toEqual([]);
  });

  it("refuses a DM holding a NUL character with a clear answer and writes nothing", async () => {
    const before = await counts();
    const posted = s.fake.callsOf("chat.postMessage").length;
    const res = await s.send(directMessage(s.who, "order log ACME 10 BOLT\u0000-10"), "json");
    expect(res.status).toBe(200);
    const answer = (await s.fake.waitFor("chat.postMessage", posted + 1))[posted];
    expect(JSON.stringify(answer!.args)).toContain(translator("en")("error.nulCharacter").slice(0, 40));
    expect(await counts()).toEqual(before);
  });

  it("refuses a /kam command holding a NUL character with a clear answer, and notes and writes nothing", async () => {
    const before = await counts();
    const res = await s.send(slashCommand(s.who, "order log ACME 10 BOLT-10 po PO\u00001", { responseUrl: s.fake.responseUrl("nul") }), "form");
    expect(res.status).toBe(200);
    const [answer] = await s.fake.waitFor("response:nul");
    expect(JSON.stringify(answer!.args)).toContain(translator("en")("error.nulCharacter").slice(0, 40));
    expect(await counts()).toEqual(before);
    expect(await s.kam.db.prisma.deferredCommand.count()).toBe(0);
  });

  it("keeps every message and view it sent within the Block Kit limits", () => {
    const out = renderedOutput(s);
    expect(out.length).toBeGreaterThan(5);
    expect(out.filter((o) => o.problems.length)).toEqual([]);
  });
});

describe("Slack request timestamps, against the app's clock", () => {
  // A fixed clock: neither kam's check nor the test depends on today's date.
  const CLOCK = new Date("2031-03-14T12:00:00Z");
  const at = Math.floor(CLOCK.getTime() / 1000);
  let fake: FakeSlack;
  let kam: Awaited<ReturnType<typeof startKam>>;
  const log = captureLogger();
  beforeAll(async () => {
    fake = await new FakeSlack().start();
    const config = loadConfig({
      PORT: "0",
      DATA_DIR: "memory",
      SLACK_BOT_TOKEN: fake.token,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      KAM_SCHEDULER: "off",
      KAM_TEAMS: "off",
      NODE_ENV: "test",
    });
    kam = await startKam(config, log.logger, { now: () => CLOCK });
  });
  afterAll(async () => {
    await kam?.stop();
    await fake?.stop();
  });

  it("accepts a timestamp within five minutes either way, refuses one further in the past or the future with 401 and one log line", async () => {
    const challenge = { token: "x", challenge: "c0ffee", type: "url_verification" };
    const send = (timestamp: number) => postSigned(`${kam.http.url}/slack/events`, signedRequest(SIGNING_SECRET, challenge, "json", { timestamp }));
    for (const offset of [0, -299, 299, -60, 60]) {
      const res = await send(at + offset);
      expect(res.status, `${offset}`).toBe(200);
      expect(res.json).toEqual({ challenge: "c0ffee" });
    }
    const refused: [number, string][] = [
      [10 * 60, "timestamp in the future"],
      [365 * 24 * 3600, "timestamp in the future"],
      [-6 * 60, "timestamp too old"],
      [-365 * 24 * 3600, "timestamp too old"],
    ];
    for (const [offset, reason] of refused) {
      const mark = log.lines.length;
      expect((await send(at + offset)).status, `${offset}`).toBe(401);
      expect(log.since(mark).map((l) => [l.msg, l.reason])).toEqual([["slack: request refused", reason]]);
    }
  });
});

describe("Slack degraded", () => {
  it("runs with Slack degraded when auth.test fails at start", async () => {
    const s = await startSlackKam({}, (fake) => fake.failNext("auth.test", { kind: "error", error: "invalid_auth" }, 2));
    try {
      const health = (await (await fetch(`${s.kam.http.url}/healthz`)).json()) as { status: string; slack: { status: string; detail: string } };
      expect(health.slack).toMatchObject({ status: "degraded", detail: expect.stringContaining("invalid_auth") });
      expect(health.status).toBe("degraded");
    } finally {
      await s.stop();
    }
  });
});

describe("Slack not configured", () => {
  it("serves without Slack settings and says so in /healthz", async () => {
    const { loadConfig } = await import("../../src/config.ts");
    const { startKam } = await import("../../src/runtime.ts");
    const { createLogger } = await import("../../src/logger.ts");
    const kam = await startKam(
      loadConfig({ PORT: "0", DATA_DIR: "memory", KAM_SCHEDULER: "off", KAM_TEAMS: "off", NODE_ENV: "test" }),
      createLogger({ level: "silent", pretty: false }),
    );
    try {
      const health = (await (await fetch(`${kam.http.url}/healthz`)).json()) as { slack: { status: string } };
      expect(health.slack.status).toBe("not_configured");
      const res = await fetch(`${kam.http.url}/slack/events`, { method: "POST", body: "x" });
      expect(res.status).toBe(404);
    } finally {
      await kam.stop();
    }
  });
});
