import type { RunCoordinator as NodeCronRunCoordinator } from "node-cron";
import type { PrismaClient } from "../generated/prisma/client.ts";

/**
 * Runs each fire of each job once across replicas: the JobRun table's unique key (job name and
 * fire time) is inserted or skipped atomically, so of several replicas firing the same schedule
 * exactly one wins. It is also node-cron's `RunCoordinator` (the `distributed` option), whose keys
 * have the same shape: "<task name>:<fire time ISO>".
 */
export class RunCoordinator implements NodeCronRunCoordinator {
  constructor(
    private readonly db: PrismaClient,
    readonly owner: string,
  ) {}

  static key(job: string, fireAt: Date): string {
    return `${job}:${fireAt.toISOString()}`;
  }

  static parse(key: string): { job: string; fireAt: Date } {
    // An ISO instant is 24 characters: 2026-11-26T23:00:00.000Z
    return { job: key.slice(0, -25), fireAt: new Date(key.slice(-24)) };
  }

  /** Claims one fire: true for exactly one caller per key. */
  async shouldRun(key: string): Promise<boolean> {
    const { job, fireAt } = RunCoordinator.parse(key);
    const rows = await this.db.$queryRaw<{ id: string }[]>`
      INSERT INTO "JobRun" (id, key, job, "fireAt", owner, "startedAt")
      VALUES (${crypto.randomUUID()}, ${key}, ${job}, ${fireAt}, ${this.owner}, now())
      ON CONFLICT (key) DO NOTHING
      RETURNING id`;
    return rows.length === 1;
  }

  async onComplete(_key: string): Promise<void> {}

  async finish(key: string, outcome: { summary?: unknown; error?: string }): Promise<void> {
    await this.db.jobRun.updateMany({
      where: { key, owner: this.owner },
      data: {
        finishedAt: new Date(),
        error: outcome.error ?? null,
        ...(outcome.summary !== undefined ? { summary: JSON.parse(JSON.stringify(outcome.summary, (_k, v) => (typeof v === "bigint" ? Number(v) : v))) } : {}),
      },
    });
  }

  /** Claims the fire and runs the work if this caller won it; records the outcome. */
  async run<T>(job: string, fireAt: Date, work: () => Promise<T>): Promise<{ ran: true; result: T } | { ran: false }> {
    const key = RunCoordinator.key(job, fireAt);
    if (!(await this.shouldRun(key))) return { ran: false };
    try {
      const result = await work();
      await this.finish(key, { summary: result });
      return { ran: true, result };
    } catch (error) {
      await this.finish(key, { error: (error as Error).message.slice(0, 500) });
      throw error;
    }
  }

  /** The latest recorded fire of a job (for catch-up and `kam jobs list`). */
  lastRun(job: string) {
    return this.db.jobRun.findFirst({ where: { job }, orderBy: { fireAt: "desc" } });
  }
}
