import type { Command } from "commander";
import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import type { Logger } from "../logger.ts";

export type OpenForCli = () => Promise<{ config: Config; db: Database; logger: Logger }>;

/** `kam jobs list`, `kam jobs run <job>|all`. (Stub: lands with the scheduler issue.) */
export function registerJobCommands(program: Command, _open: OpenForCli): void {
  program.command("jobs").description("scheduled jobs (not available yet)");
}
