import { expect, it } from "vitest";
import { deliverPending, localIdentity, newNotifications, runOnce } from "../../src/adapters/terminal/chat.ts";
import { renderText } from "../../src/adapters/terminal/render.ts";
import type { PrismaClient } from "../../src/generated/prisma/client.ts";
import { listJobs, runJobsNow, zonedStamp } from "../../src/scheduler/cli.ts";
import { silentLogger } from "../support/chat.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { addMilestone, scene } from "../support/scheduler-fixtures.ts";

/** Tuesday 2 June 2026, 08:00 UTC (10:00 in Berlin): outside quiet hours, a working day. */
const NOW = new Date("2026-06-02T08:00:00Z");

function printer() {
  const lines: string[] = [];
  return { lines, print: (line: string) => lines.push(line), text: () => lines.join("\n") };
}

/** An account in the terminal's local organization managed by the `kam chat` user, with no channel. */
async function terminalScene(db: PrismaClient, user: string, number: number) {
  const deps = { db, logger: silentLogger, now: () => NOW };
  const { org, member } = await localIdentity(deps, user);
  const account = await db.account.create({ data: { organizationId: org.id, name: `Terminal Kunde ${number} GmbH`, currency: "EUR" } });
  await db.accountTeamMember.create({ data: { accountId: account.id, memberId: member.id, role: "ACCOUNT_MANAGER" } });
  const project = await db.project.create({ data: { organizationId: org.id, number: number + 400, accountId: account.id, name: "Rollout", dueOn: new Date("2026-06-30T00:00:00Z"), ownerId: member.id } });
  const milestone = await db.milestone.create({ data: { organizationId: org.id, number, projectId: project.id, name: "Pilot", dueOn: new Date("2026-06-03T00:00:00Z"), ownerId: member.id } });
  return { deps, org, member, account, milestone };
}

describeEachDatabase("kam jobs, reminders and the kam chat inbox", (get) => {
  it("`kam jobs run reminders` names each due reminder: milestone, account, stage and where it went", async () => {
    const db = get().prisma;
    const s = await scene(db, { timeZone: "Europe/Berlin" });
    const tomorrow = await addMilestone(s, { dueOn: "2026-06-03" });
    const today = await addMilestone(s, { dueOn: "2026-06-02" });
    const out = printer();
    await runJobsNow(db, "reminders", out.print, { organization: s.organizationId, now: NOW });
    const account = (await db.account.findUniqueOrThrow({ where: { id: s.accountId } })).name;
    expect(out.text()).toMatch(/reminders: 2 due; 2 announced/);
    expect(out.text()).not.toMatch(/\b(INFO|WARNING|CRITICAL)\b/);
    const lines = out.lines.filter((l) => l.trim().startsWith("M-"));
    expect(lines).toHaveLength(2);
    expect(lines.find((l) => l.includes(`M-${tomorrow.number} `))).toMatch(new RegExp(`${account}: Milestone M-${tomorrow.number} “Pilot” of project P-\\d+ Rollout is due in 1 day.*\\[d1\\] → SLACK ${s.channelId}`));
    expect(lines.find((l) => l.includes(`M-${today.number} `))).toMatch(new RegExp(`${account}: Milestone M-${today.number} “Pilot”.*due today.*\\[today\\] → SLACK ${s.channelId}`));

    // Run again: nothing is due any more, and it says so rather than counting the old stages.
    const again = printer();
    await runJobsNow(db, "reminders", again.print, { organization: s.organizationId, now: new Date(NOW.getTime() + 60_000) });
    expect(again.text()).toMatch(/reminders: 0 due; 0 announced/);
  });

  it("delivers a reminder meant for a kam chat user to their inbox: shown once at the next prompt, and by `inbox`", async () => {
    const db = get().prisma;
    const user = "terminal-user";
    const { deps, org, member, milestone } = await terminalScene(db, user, 77);
    const out = printer();
    await runJobsNow(db, "all", out.print, { organization: org.id, now: NOW });
    expect(out.text()).toMatch(new RegExp(`M-${milestone.number} .*Terminal Kunde 77 GmbH: Milestone M-77 “Pilot” of project P-\\d+ Rollout is due in 1 day.*\\[d1\\] → TERMINAL ${member.id}`));
    expect(out.text()).toMatch(/dispatch: [1-9]\d* sent/);
    expect(await db.inboxMessage.count({ where: { memberId: member.id } })).toBe(1);

    const arrived = await newNotifications(deps, await localIdentity(deps, user));
    expect(arrived).toMatch(/1 new notification for you:/);
    expect(arrived).toMatch(/Milestone M-77 “Pilot” of project P-\d+ Rollout is due in 1 day/);
    // Shown once.
    expect(await newNotifications(deps, await localIdentity(deps, user))).toBeNull();

    const inbox = renderText(await runOnce(deps, await localIdentity(deps, user), "inbox"));
    expect(inbox).toMatch(/Your inbox \(1 message\)/);
    expect(inbox).toMatch(/Milestone M-77 “Pilot”/);
    expect(inbox).toMatch(/\[.*\] → milestone done 77/);

    await runOnce(deps, await localIdentity(deps, user), "settings language de");
    expect(renderText(await runOnce(deps, await localIdentity(deps, user), "inbox"))).toMatch(/Dein Posteingang \(1 Nachricht\)/);
    expect(renderText(await runOnce(deps, await localIdentity(deps, user), "help inbox"))).toMatch(/inbox/);
  });

  it("kam chat delivers what waits in the outbox itself (no kam serve beside it on the embedded database)", async () => {
    const db = get().prisma;
    const user = "second-terminal-user";
    const { deps: base, org, member } = await terminalScene(db, user, 78);
    const at = new Date(NOW.getTime() + 120_000);
    const deps = { ...base, now: () => at };
    // The job runs (as the scheduler would), but nothing dispatches.
    await runJobsNow(db, "reminders", () => {}, { organization: org.id, now: at });
    expect(await db.notification.count({ where: { platform: "TERMINAL", target: member.id, status: "PENDING" } })).toBe(1);
    await deliverPending(deps);
    expect(await db.notification.count({ where: { platform: "TERMINAL", target: member.id, status: "SENT" } })).toBe(1);
    expect(await newNotifications(deps, await localIdentity(deps, user))).toMatch(/Milestone M-78 “Pilot”/);
  });

  it("`kam jobs list` shows the next run in the organization's time, with its offset", async () => {
    const db = get().prisma;
    const s = await scene(db, { timeZone: "Europe/Berlin" });
    const name = (await db.organization.findUniqueOrThrow({ where: { id: s.organizationId } })).name;
    const out = printer();
    await listJobs(db, out.print, new Date("2026-11-26T10:30:00Z"));
    const reminders = out.lines.find((l) => l.startsWith("reminders") && l.includes(name));
    // Reminders at 09:00 Berlin on working days: Friday 27 Nov, 09:00 +01:00 (08:00 UTC).
    expect(reminders).toMatch(/next 2026-11-27 09:00 \+01:00/);
    expect(reminders).not.toMatch(/T\d\d:\d\d:\d\d/);
    expect(zonedStamp(new Date("2026-07-01T12:00:00Z"), "America/New_York")).toBe("2026-07-01 08:00 -04:00");
    expect(zonedStamp(new Date("2026-07-01T12:00:00Z"), "UTC")).toBe("2026-07-01 12:00 +00:00");
  });
});
