import type { Config } from "../config.ts";
import type { Notifier } from "../core/notifier.ts";
import type { Database } from "../db/client.ts";
import type { Logger } from "../logger.ts";
import type { ComponentStatus } from "../server.ts";

export interface SchedulerDeps {
  config: Config;
  db: Database;
  logger: Logger;
  notifiers: Notifier[];
}

export interface SchedulerHandle {
  status(): ComponentStatus;
  stop(): Promise<void>;
}

/** Starts the cron jobs and the outbox dispatcher. (Stub: lands with the scheduler issue.) */
export async function startScheduler(_deps: SchedulerDeps): Promise<SchedulerHandle> {
  return { status: () => ({ status: "not_configured" }), stop: async () => {} };
}
