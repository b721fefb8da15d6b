import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { announcementReply } from "../../src/core/messages/announcement.ts";
import { addAccount } from "../../src/domain/accounts.ts";
import type { OutboxPayload } from "../../src/domain/notifications.ts";
import { runTrainingReminders } from "../../src/domain/training-reminders.ts";
import { planTraining } from "../../src/domain/trainings.ts";
import { createLogger } from "../../src/logger.ts";
import { startKam, type Kam } from "../../src/runtime.ts";
import { cardSubmit, channelMention, newTenant, newUser, personalInstall, personalMessage, teamInstall, type Where } from "../adapters/teams/activities.ts";
import { cardErrors, cardText, cardsOf } from "../adapters/teams/card-schema.ts";
import { TEST_NOW } from "../support/clock.ts";
import { startFakeConnector, type ConnectorCall, type FakeConnector } from "../support/fake-connector.ts";
import { uniqueId } from "../support/fixtures.ts";

type Action = { type: string; title: string; data?: Record<string, unknown>; card?: { actions: Action[] } };

/**
 * A training reminder as the outbox delivers it to a Teams channel (an Adaptive Card through the
 * notifier against the fake connector), and its Done, Move and Cancel actions submitted as Teams
 * sends them, each running the training command.
 */
describe("the training reminder's actions in Teams", () => {
  let kam: Kam;
  let connector: FakeConnector;
  let w: Where;
  let channel: Where;
  let actor: { organizationId: string; memberId: string; platform: "TEAMS"; now: Date };

  async function exchange(activity: Record<string, unknown>): Promise<ConnectorCall[]> {
    const before = connector.activities().length;
    const res = await fetch(`${kam.http.url}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(activity) });
    expect(res.status).toBe(200);
    return connector.activities().slice(before);
  }

  beforeAll(async () => {
    vi.useFakeTimers({ now: TEST_NOW, toFake: ["Date"], shouldAdvanceTime: true });
    connector = await startFakeConnector();
    kam = await startKam(loadConfig({ PORT: "0", DATA_DIR: "memory", KAM_SCHEDULER: "off", LOG_LEVEL: "silent", NODE_ENV: "test" }), createLogger({ level: "silent", pretty: false }));
    const user = newUser("Tina Trainer");
    w = { serviceUrl: connector.url, tenantId: newTenant(), user };
    const channelId = `19:${uniqueId("ch").toLowerCase()}@thread.tacv2`;
    channel = { ...w, conversationId: channelId };
    await exchange(personalInstall(w));
    await exchange(personalMessage(w, "help"));
    await exchange(teamInstall(w, channelId));
    const identity = await kam.db.prisma.memberIdentity.findFirstOrThrow({ where: { platform: "TEAMS", externalId: user.aadObjectId }, include: { member: true } });
    actor = { organizationId: identity.member.organizationId, memberId: identity.member.id, platform: "TEAMS", now: TEST_NOW };
    await kam.db.prisma.organization.update({ where: { id: actor.organizationId }, data: { timeZone: "Europe/Berlin" } });
    await addAccount(kam.db.prisma, actor, { name: "ACME Holding GmbH" });
    const bound = await exchange(channelMention(w, channelId, 'account bind "ACME Holding GmbH"'));
    expect(cardText(cardsOf(bound[0]!.body)[0])).toMatch(/ACME Holding GmbH/);
  });

  afterAll(async () => {
    const invalid = connector.activities().flatMap((c) => cardsOf(c.body).map((card) => cardErrors(card))).filter((e) => e.length);
    await kam?.stop();
    await connector?.close();
    vi.useRealTimers();
    expect(invalid).toEqual([]);
  });

  /** Plans a training for Tuesday 1 Dec, runs Monday's reminders and delivers the queued card. */
  async function remindedTraining(topic: string) {
    const db = kam.db.prisma;
    const t = await planTraining(db, actor, { account: "ACME", topic, startsAt: new Date("2026-12-01T09:00:00Z"), trainer: "Tina" });
    await runTrainingReminders(db, actor.organizationId, { now: new Date("2026-11-30T08:00:00Z") });
    const row = await db.notification.findFirstOrThrow({ where: { dedupeKey: { contains: t.id }, platform: "TEAMS" } });
    const payload = row.payload as unknown as OutboxPayload;
    expect(payload.target).toBe(channel.conversationId);
    const before = connector.activities().length;
    expect(await kam.teams.notifier!.send({ ...payload, reply: announcementReply(payload.announcement!, "en", "Europe/Berlin") })).toMatchObject({ ok: true });
    const [posted] = connector.activities().slice(before);
    // The trainer is mentioned with a Teams mention entity.
    expect(posted!.body).toMatchObject({ text: expect.stringContaining("<at>Tina Trainer</at>") });
    const card = cardsOf(posted!.body)[0]!;
    expect(cardText(card)).toContain(`T-${t.number} ${topic} starts Tue, 1 Dec 2026, 10:00`);
    const actions = JSON.stringify(card);
    const set = (card.body as { type: string; actions?: Action[] }[]).find((e) => e.type === "ActionSet")!;
    expect(actions).toContain(`training done T-${t.number}`);
    return { t, actions: set.actions! };
  }

  it("Done marks the training done", async () => {
    const { t, actions } = await remindedTraining("Onboarding");
    const done = actions.find((a) => a.title === "Done")!;
    const calls = await exchange(cardSubmit(channel, done.data!, "reminder-1"));
    expect(cardText(cardsOf(calls[0]!.body)[0])).toMatch(/is done/);
    expect(await kam.db.prisma.training.findUniqueOrThrow({ where: { id: t.id } })).toMatchObject({ status: "DONE" });
  });

  it("Move answers with a form card; submitting it moves the training", async () => {
    const { t, actions } = await remindedTraining("Refresher");
    const move = actions.find((a) => a.title === "Move")!;
    const formCall = await exchange(cardSubmit(channel, move.data!, "reminder-2"));
    const form = cardsOf(formCall[0]!.body)[0]!;
    expect(JSON.stringify(form)).toContain('"kamForm":"training.move"');
    const inputs = (form.body as { id?: string; value?: string }[]).filter((e) => e.id);
    expect(Object.fromEntries(inputs.map((e) => [e.id, e.value]))).toMatchObject({ date: "2026-12-01", time: "10:00" });
    const submit = (form.body as { type: string; actions?: Action[] }[]).find((e) => e.type === "ActionSet")!.actions![0]!;
    const calls = await exchange(cardSubmit(channel, { ...submit.data, date: "2026-12-04", time: "11:15" }, "form-1"));
    expect(cardText(cardsOf(calls[0]!.body)[0])).toMatch(/to Fri, 4 Dec 2026, 11:15/);
    const moved = await kam.db.prisma.training.findUniqueOrThrow({ where: { id: t.id } });
    expect(moved.startsAt.toISOString()).toBe("2026-12-04T10:15:00.000Z");
    // A bad time comes back on the form, and nothing changes.
    const bad = await exchange(cardSubmit(channel, { ...submit.data, version: "2", date: "2026-12-05", time: "26:00" }, "form-1"));
    expect(JSON.stringify(cardsOf(bad[0]!.body)[0])).toMatch(/no time I can read/);
    expect((await kam.db.prisma.training.findUniqueOrThrow({ where: { id: t.id } })).version).toBe(2);
  });

  it("Cancel opens a confirmation whose Yes cancels the training", async () => {
    const { t, actions } = await remindedTraining("Dropped");
    const cancel = actions.find((a) => a.title === "Cancel training")!;
    expect(cancel.type).toBe("Action.ShowCard");
    const yes = cancel.card!.actions[0]!;
    expect(yes.title).toBe("Yes, cancel it");
    await exchange(cardSubmit(channel, yes.data!, "reminder-3"));
    expect(await kam.db.prisma.training.findUniqueOrThrow({ where: { id: t.id } })).toMatchObject({ status: "CANCELLED" });
  });
});
