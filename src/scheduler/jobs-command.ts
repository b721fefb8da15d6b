import type { Command } from "commander";
import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import type { Logger } from "../logger.ts";
import { JOB_KINDS } from "./job-kinds.ts";

// The commands only: what they run (cli.ts, the jobs, the checks) loads when one of them runs.
export type OpenForCli = () => Promise<{ config: Config; db: Database; logger: Logger }>;

/** `kam jobs list`, `kam jobs run <job>|all`. */
export function registerJobCommands(program: Command, open: OpenForCli): void {
  const jobs = program.command("jobs").description("scheduled jobs: checks, reminders, digest, dispatch");
  const print = (line: string) => process.stdout.write(line + "\n");
  jobs
    .command("list")
    .description("list the jobs of every organization with their next run")
    .action(async () => {
      const { db } = await open();
      try {
        const { listJobs } = await import("./cli.ts");
        await listJobs(db.prisma, print);
      } finally {
        await db.close();
      }
    });
  jobs
    .command("run <job>")
    .description(`run a job now: ${[...JOB_KINDS, "dispatch"].join(", ")}, or all`)
    .option("--org <organization>", "only this organization (id or name)")
    .action(async (job: string, options: { org?: string }) => {
      const { db } = await open();
      try {
        const { runJobsNow } = await import("./cli.ts");
        await runJobsNow(db.prisma, job, print, options.org ? { organization: options.org } : {});
      } catch (error) {
        process.stderr.write(`kam: ${(error as Error).message}\n`);
        process.exitCode = 1;
      } finally {
        await db.close();
      }
    });
}
