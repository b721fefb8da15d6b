import type { View } from "@slack/types";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { checkMessage, checkView } from "../../src/adapters/slack/limits.ts";
import { announcementReply } from "../../src/core/messages/announcement.ts";
import type { OutboxPayload } from "../../src/domain/notifications.ts";
import { runTrainingReminders } from "../../src/domain/training-reminders.ts";
import { planTraining } from "../../src/domain/trainings.ts";
import { startSlackKam, type SlackKam } from "../adapters/slack/harness.ts";
import { buttonClick, slashCommand, viewSubmission } from "../adapters/slack/payloads.ts";
import { TEST_NOW } from "../support/clock.ts";

type Element = { type: string; action_id: string; value?: string; confirm?: { title: { text: string } } };
type InputBlock = { type: string; block_id: string; element: { type: string; initial_value?: string; initial_date?: string } };

/**
 * A training reminder as the outbox delivers it to Slack (Block Kit through the notifier against
 * the fake Web API), and its Done, Move and Cancel buttons clicked as Slack sends them (signed
 * block_actions), each running the training command.
 */
describe("the training reminder's buttons in Slack", () => {
  let s: SlackKam;
  beforeAll(async () => {
    vi.useFakeTimers({ now: TEST_NOW, toFake: ["Date"], shouldAdvanceTime: true });
    s = await startSlackKam();
    const db = s.kam.db.prisma;
    await db.organization.update({ where: { id: s.actor.organizationId }, data: { timeZone: "Europe/Berlin" } });
    await s.send(slashCommand(s.who, 'account bind "ACME Holding GmbH"', { responseUrl: s.fake.responseUrl("bind") }), "form");
    await s.fake.waitFor("response:bind");
  });
  afterAll(async () => {
    await s?.stop();
    vi.useRealTimers();
  });

  /** Plans a training for Tuesday 1 Dec, runs the reminders on Monday, and posts the queued row. */
  async function remindedTraining(topic: string) {
    const db = s.kam.db.prisma;
    const t = await planTraining(db, s.actor, { account: "ACME", topic, startsAt: new Date("2026-12-01T09:00:00Z"), trainer: s.who.userId });
    const run = await runTrainingReminders(db, s.actor.organizationId, { now: new Date("2026-11-30T08:00:00Z") });
    expect(run.announced.map((a) => a.ref)).toContain(`T-${t.number}`);
    const row = await db.notification.findFirstOrThrow({ where: { dedupeKey: { contains: t.id } } });
    const payload = row.payload as unknown as OutboxPayload;
    expect(payload.target).toBe(s.who.channelId);
    const posts = s.fake.callsOf("chat.postMessage").length;
    const sent = await s.kam.slack.notifier!.send({ ...payload, reply: announcementReply(payload.announcement!, "en", "Europe/Berlin") });
    expect(sent.ok).toBe(true);
    const posted = (await s.fake.waitFor("chat.postMessage", posts + 1)).at(-1)!.args as { blocks: any[]; text: string };
    expect(checkMessage(posted as never)).toEqual([]);
    // The trainer is mentioned as a Slack user.
    expect(JSON.stringify(posted.blocks)).toContain(`<@${s.who.userId}>`);
    const actions = posted.blocks.find((b) => b.type === "actions");
    const button = (prefix: string) => (actions.elements as Element[]).find((e) => e.value?.startsWith(prefix))!;
    const click = (prefix: string, responseUrl?: string) => {
      const b = button(prefix);
      const payload = buttonClick(s.who, b.value!, { messageTs: (sent as { externalId: string }).externalId, blocks: posted.blocks, text: posted.text, ...(responseUrl ? { responseUrl } : {}) });
      payload.actions = [{ ...payload.actions[0], action_id: b.action_id, block_id: actions.block_id, value: b.value }];
      return payload;
    };
    return { t, button, click };
  }

  it("Done marks the training done and updates the reminder", async () => {
    const db = s.kam.db.prisma;
    const { t, click } = await remindedTraining("Onboarding");
    const updates = s.fake.callsOf("chat.update").length;
    expect((await s.send(click(`training done T-${t.number}`), "payload")).status).toBe(200);
    await s.fake.waitFor("chat.update", updates + 1);
    expect(await db.training.findUniqueOrThrow({ where: { id: t.id } })).toMatchObject({ status: "DONE", version: 2 });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { entityId: t.id, action: "training.done" } });
    expect(audit.platform).toBe("SLACK");
  });

  it("Move opens a modal with the date and time, and its submission moves the training", async () => {
    const db = s.kam.db.prisma;
    const { t, click } = await remindedTraining("Refresher");
    const views = s.fake.callsOf("views.open").length;
    expect((await s.send(click(`training move T-${t.number}`, s.fake.responseUrl("move")), "payload")).status).toBe(200);
    const view = (await s.fake.waitFor("views.open", views + 1)).at(-1)!.args.view as View & { blocks: InputBlock[]; private_metadata: string };
    expect(checkView(view)).toEqual([]);
    expect(JSON.parse(view.private_metadata).hidden).toEqual({ training: `T-${t.number}`, version: "1" });
    const dates = Object.fromEntries((view.blocks as InputBlock[]).filter((b) => b.type === "input").map((b) => [b.block_id, b.element.initial_date ?? b.element.initial_value]));
    expect(dates).toEqual({ date: "2026-12-01", time: "10:00" });
    const res = await s.send(viewSubmission(s.who, view as never, { date: "2026-12-03", time: "14:00" }), "payload");
    expect(res.status).toBe(200);
    const moved = await db.training.findUniqueOrThrow({ where: { id: t.id } });
    expect(moved.startsAt.toISOString()).toBe("2026-12-03T13:00:00.000Z");
    expect(moved.version).toBe(2);
    // Moving re-armed the reminder: it goes out again the working day before the new date.
    expect(await db.reminderLog.count({ where: { subjectId: t.id } })).toBe(0);
    const again = await runTrainingReminders(db, s.actor.organizationId, { now: new Date("2026-12-02T08:00:00Z") });
    expect(again.announced.map((a) => a.ref)).toContain(`T-${t.number}`);
  });

  it("Cancel asks first (Slack's confirm dialog), then cancels the training", async () => {
    const db = s.kam.db.prisma;
    const { t, button, click } = await remindedTraining("Dropped");
    expect(button(`training cancel T-${t.number}`).confirm?.title.text).toBe(`Cancel T-${t.number}?`);
    const updates = s.fake.callsOf("chat.update").length;
    expect((await s.send(click(`training cancel T-${t.number}`), "payload")).status).toBe(200);
    await s.fake.waitFor("chat.update", updates + 1);
    expect(await db.training.findUniqueOrThrow({ where: { id: t.id } })).toMatchObject({ status: "CANCELLED" });
  });
});
