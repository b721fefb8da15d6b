import cron from "node-cron";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/client.ts";
import { RunCoordinator } from "../../src/scheduler/coordinator.ts";
import { Scheduler } from "../../src/scheduler/index.ts";
import { jobsFor } from "../../src/scheduler/jobs.ts";
import { createPostgresDatabase, TEST_DATABASE_URL } from "../support/databases.ts";
import { FakeClock, RecordingNotifier } from "../support/recording-notifier.ts";
import { addInvoice, addMilestone, scene } from "../support/scheduler-fixtures.ts";

/** Three replicas: separate database clients on one PostgreSQL database. */
(TEST_DATABASE_URL ? describe : describe.skip)("three replicas on one PostgreSQL database", () => {
  let drop: () => Promise<void>;
  const dbs: Database[] = [];
  beforeAll(async () => {
    const pg = await createPostgresDatabase();
    drop = pg.drop;
    for (let i = 0; i < 3; i++) dbs.push(await openDatabase({ kind: "postgres", url: pg.url, poolSize: 4 }));
    await dbs[0]!.migrate();
  });
  afterAll(async () => {
    for (const db of dbs) await db.close();
    await drop?.();
  });

  it("run each fire once and deliver each notification once", async () => {
    const s = await scene(dbs[0]!.prisma);
    await addInvoice(s, { issuedOn: "2026-05-01", dueOn: "2026-05-31" });
    await addMilestone(s, { dueOn: "2026-06-03", ownerId: s.managerId });
    const org = await dbs[0]!.prisma.organization.findUniqueOrThrow({ where: { id: s.organizationId } });
    const clock = new FakeClock(new Date("2026-06-02T07:00:00Z"));
    const notifiers = dbs.map(() => new RecordingNotifier("SLACK", clock.now));
    const replicas = dbs.map((db, i) => new Scheduler(db.prisma, [notifiers[i]!], undefined, { now: clock.now, owner: `replica-${i}`, cron: false, dispatcher: { sleep: clock.sleep } }));
    const fireAt = new Date("2026-06-02T07:00:00Z");
    for (const spec of jobsFor(org).filter((j) => j.kind !== "digest")) {
      const results = await Promise.all(replicas.map((r) => r.fire(spec, fireAt)));
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      // The same replicas firing again (a second tick of the same minute) do nothing.
      expect((await Promise.all(replicas.map((r) => r.fire(spec, fireAt)))).filter((r) => r !== null)).toHaveLength(0);
    }
    await Promise.all(replicas.map((r) => r.dispatcher.drain()));
    await Promise.all(replicas.map((r) => r.dispatcher.drain()));
    const delivered = notifiers.flatMap((n) => n.delivered);
    const rows = await dbs[0]!.prisma.notification.findMany({ where: { organizationId: s.organizationId } });
    expect(rows).toHaveLength(2); // one alert message, one reminder message
    expect(rows.every((r) => r.status === "SENT")).toBe(true);
    expect(delivered).toHaveLength(2);
    expect(new Set(delivered.map((m) => m.reply.summary)).size).toBe(2);
    expect(await dbs[0]!.prisma.jobRun.count({ where: { job: { endsWith: s.organizationId } } })).toBe(2);
  });

  it("coordinate node-cron's own distributed ticks through the JobRun table", async () => {
    const name = `probe-${crypto.randomUUID().slice(0, 8)}`;
    const runs: string[] = [];
    const tasks = dbs.map((db, i) =>
      cron.schedule("* * * * * *", (ctx) => void runs.push(`${i}@${ctx.date.toISOString()}`), {
        name,
        distributed: true,
        runCoordinator: new RunCoordinator(db.prisma, `replica-${i}`),
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    for (const t of tasks) await t.destroy();
    const slots = runs.map((r) => r.split("@")[1]);
    expect(slots.length).toBeGreaterThanOrEqual(1);
    expect(new Set(slots).size).toBe(slots.length);
    expect(await dbs[0]!.prisma.jobRun.count({ where: { job: name } })).toBe(slots.length);
  });
});
