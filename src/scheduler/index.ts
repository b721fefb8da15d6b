import type { ScheduledTask } from "node-cron";
import type { Config } from "../config.ts";
import type { Notifier } from "../core/notifier.ts";
import type { Database } from "../db/client.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Logger } from "../logger.ts";
import type { ComponentStatus } from "../server.ts";
import type { Clock } from "../core/clock.ts";
import { inboxNotifier } from "./inbox-notifier.ts";
import { RunCoordinator } from "./coordinator.ts";
import { previousFire } from "./cron-time.ts";
import { nodeCron } from "../domain/node-cron.ts";
import { Dispatcher, type DispatcherOptions } from "./dispatcher.ts";
import { pruneBookkeeping } from "./housekeeping.ts";
import { loadJobSpecs, runJob, type JobSpec, type JobSummary } from "./jobs.ts";

export interface SchedulerDeps {
  config: Config;
  db: Database;
  logger: Logger;
  notifiers: Notifier[];
  /** The clock of the process (src/core/clock.ts); tests set it. */
  now: Clock;
}

export interface SchedulerHandle {
  status(): ComponentStatus;
  stop(): Promise<void>;
}

export interface SchedulerOptions {
  /** The clock (tests move it). */
  now?: () => Date;
  /** Name of this replica in JobRun.owner and Notification.claimedBy. */
  owner?: string;
  /** Run missed fires once at start (default true). */
  catchUp?: boolean;
  /** How often organization settings are re-read (ms). */
  resyncMs?: number;
  pollMs?: number;
  dispatcher?: Partial<DispatcherOptions>;
  /** Schedule node-cron tasks (default true; tests fire by hand). */
  cron?: boolean;
}

/** A fire that began this long after its scheduled time is a catch-up ("while kam was offline"). */
const LATE_MS = 2 * 60_000;
const CATCH_UP_WINDOW_MS: Record<JobSpec["kind"], number> = { checks: 86_400_000, reminders: 8 * 86_400_000, digest: 8 * 86_400_000 };

/**
 * node-cron tasks per organization and job, in the organization's time zone, coordinated through
 * the JobRun table so that each fire runs once across replicas; plus the outbox dispatcher.
 */
export class Scheduler {
  readonly coordinator: RunCoordinator;
  readonly dispatcher: Dispatcher;
  private readonly tasks = new Map<string, { task: ScheduledTask; signature: string; spec: JobSpec }>();
  private readonly now: () => Date;
  private resyncTimer: NodeJS.Timeout | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private lastError: string | null = null;
  private specs: JobSpec[] = [];

  constructor(
    private readonly db: PrismaClient,
    notifiers: Notifier[],
    private readonly logger: Logger | undefined,
    private readonly options: SchedulerOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    const owner = options.owner ?? `kam-${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
    this.coordinator = new RunCoordinator(db, owner);
    this.dispatcher = new Dispatcher({ db, notifiers, owner, now: this.now, ...(logger ? { logger } : {}), ...options.dispatcher });
  }

  /** Runs one job for one fire time if no replica ran that fire yet. */
  async fire(spec: JobSpec, fireAt: Date, options: { offline?: boolean } = {}): Promise<JobSummary | null> {
    const outcome = await this.coordinator.run(spec.name, fireAt, () => runJob(this.db, spec, { now: this.now(), offline: options.offline ?? false }));
    if (!outcome.ran) return null;
    this.dispatcher.wake();
    return outcome.result;
  }

  /** Reads the organizations' settings and (re)schedules their node-cron tasks. */
  async sync(): Promise<JobSpec[]> {
    this.specs = await loadJobSpecs(this.db);
    if (this.options.cron === false) return this.specs;
    const wanted = new Set(this.specs.map((s) => s.name));
    for (const [name, entry] of this.tasks) {
      if (!wanted.has(name)) {
        await entry.task.destroy();
        this.tasks.delete(name);
      }
    }
    for (const spec of this.specs) {
      const signature = `${spec.expression}|${spec.timeZone}`;
      const existing = this.tasks.get(spec.name);
      if (existing?.signature === signature) continue;
      if (existing) await existing.task.destroy();
      const task = nodeCron().schedule(
        spec.expression,
        async (ctx) => {
          // node-cron asked the coordinator (shouldRun) before calling: this replica won the fire.
          const key = RunCoordinator.key(spec.name, ctx.date);
          try {
            const summary = await runJob(this.db, spec, { now: this.now() });
            await this.coordinator.finish(key, { summary });
            this.lastError = null;
          } catch (error) {
            this.lastError = `${spec.name}: ${(error as Error).message}`;
            this.logger?.error({ err: error, job: spec.name }, "scheduled job failed");
            await this.coordinator.finish(key, { error: (error as Error).message.slice(0, 500) }).catch(() => {});
          }
          this.dispatcher.wake();
        },
        { name: spec.name, timezone: spec.timeZone, distributed: true, runCoordinator: this.coordinator, noOverlap: true },
      );
      this.tasks.set(spec.name, { task, signature, spec });
    }
    return this.specs;
  }

  /**
   * After downtime: for each job whose latest scheduled fire has no run yet, run that fire now,
   * once (state-based, so it covers every fire missed before it too).
   */
  async catchUp(): Promise<JobSummary[]> {
    const now = this.now();
    const results: JobSummary[] = [];
    for (const spec of this.specs.length ? this.specs : await loadJobSpecs(this.db)) {
      const missed = previousFire(spec.expression, spec.timeZone, now, CATCH_UP_WINDOW_MS[spec.kind]);
      if (!missed) continue;
      const last = await this.coordinator.lastRun(spec.name);
      if (last && last.fireAt.getTime() >= missed.getTime()) continue;
      const offline = last !== null && now.getTime() - missed.getTime() > LATE_MS;
      try {
        const result = await this.fire(spec, missed, { offline });
        if (result) results.push(result);
      } catch (error) {
        this.lastError = `${spec.name}: ${(error as Error).message}`;
        this.logger?.error({ err: error, job: spec.name }, "catch-up run failed");
      }
    }
    return results;
  }

  async start(): Promise<void> {
    await this.sync();
    if (this.options.catchUp !== false) await this.catchUp();
    this.dispatcher.start(this.options.pollMs ?? 1_000);
    const resync = this.options.resyncMs ?? 5 * 60_000;
    this.resyncTimer = setInterval(() => {
      this.sync()
        .then(() => this.catchUp())
        .catch((error) => this.logger?.error({ err: error }, "scheduler resync failed"));
    }, resync);
    this.resyncTimer.unref();
    // Every replica may prune: the deletes are idempotent, and hourly is plenty.
    const prune = () => {
      pruneBookkeeping(this.db, this.now())
        .then((pruned) => {
          if (Object.values(pruned).some((n) => n > 0)) this.logger?.info({ pruned }, "old bookkeeping rows removed");
        })
        .catch((error) => this.logger?.error({ err: error }, "pruning bookkeeping rows failed"));
    };
    prune();
    this.pruneTimer = setInterval(prune, 3_600_000);
    this.pruneTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    // As node-cron's shutdown() does, but for this scheduler's tasks alone: no new fires, and a
    // job that is running finishes (bounded) before the dispatcher and then the database stop.
    await Promise.all([...this.tasks.values()].map(({ task }) => settle(task, STOP_GRACE_MS)));
    for (const { task } of this.tasks.values()) await task.destroy();
    this.tasks.clear();
    await this.dispatcher.stop();
  }

  status(): ComponentStatus {
    const detail = `${this.specs.length} job(s) for ${new Set(this.specs.map((s) => s.organizationId)).size} organization(s); delivers ${this.dispatcher.platforms.join(", ") || "nothing"}`;
    return this.lastError ? { status: "degraded", detail: `${detail}; last error: ${this.lastError.slice(0, 200)}` } : { status: "ok", detail };
  }
}

const STOP_GRACE_MS = 20_000;

async function settle(task: ScheduledTask, graceMs: number): Promise<void> {
  const finished = new Promise<void>((resolve) => {
    task.once("execution:finished", () => resolve());
    task.once("execution:failed", () => resolve());
  });
  const busy = task.isBusy();
  await task.stop();
  if (!busy) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([finished, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
  clearTimeout(timer);
}

/** Starts the cron jobs and the outbox dispatcher (what `kam serve` runs). */
export async function startScheduler(deps: SchedulerDeps): Promise<SchedulerHandle> {
  // Messages for `kam chat` users (platform TERMINAL) go to their inbox, unless the runtime
  // passes a terminal notifier of its own.
  const logged = inboxNotifier(deps.db.prisma, deps.now);
  const notifiers = deps.notifiers.some((n) => n.platform === "TERMINAL") ? deps.notifiers : [...deps.notifiers, logged];
  const scheduler = new Scheduler(deps.db.prisma, notifiers, deps.logger, { now: deps.now, dispatcher: { leaseMs: deps.config.KAM_OUTBOX_LEASE_MS } });
  await scheduler.start();
  deps.logger.info({ status: scheduler.status().detail }, "scheduler started");
  return { status: () => scheduler.status(), stop: () => scheduler.stop() };
}
