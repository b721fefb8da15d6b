import { runChecks, runReminders, type CheckRunSummary, type ReminderRunSummary } from "../domain/checks.ts";
import { observers } from "../core/observers.ts";
import type { Organization, PrismaClient } from "../generated/prisma/client.ts";
import { isValidCron } from "./cron-time.ts";
import { runDigestJob, type DigestRunSummary } from "./digest-job.ts";
import { runTrainingReminders, withTrainingReminders } from "../domain/training-reminders.ts";
import { JOB_KINDS, type JobKind } from "./job-kinds.ts";
import { equalsIgnoringCase } from "../domain/ignoring-case.ts";

export { JOB_KINDS, type JobKind };

/** One scheduled job of one organization, with its cron expression in the organization's zone. */
export interface JobSpec {
  /** Unique: "<kind>:<organization id>" (also the JobRun job name and node-cron task name). */
  name: string;
  kind: JobKind;
  organizationId: string;
  organizationName: string;
  expression: string;
  timeZone: string;
}

export const DEFAULT_CHECK_CRON = "0 * * * *";

/** node-cron weekdays: 0–7 with Sunday 0 or 7; ours are ISO (1 = Monday … 7 = Sunday). */
const cronDays = (days: number[]) => (days.length ? [...new Set(days.map((d) => d % 7))].sort().join(",") : "*");

/**
 * The jobs of an organization: checks per `checkCron` (hourly by default), reminders at the
 * reminder hour on working days, the digest on the digest weekday and hour.
 */
export function jobsFor(org: Pick<Organization, "id" | "name" | "timeZone" | "checkCron" | "reminderHour" | "workingDays" | "digestWeekday" | "digestHour">): JobSpec[] {
  const base = { organizationId: org.id, organizationName: org.name, timeZone: org.timeZone };
  return [
    { ...base, name: `checks:${org.id}`, kind: "checks", expression: isValidCron(org.checkCron) ? org.checkCron : DEFAULT_CHECK_CRON },
    { ...base, name: `reminders:${org.id}`, kind: "reminders", expression: `0 ${org.reminderHour} * * ${cronDays(org.workingDays)}` },
    { ...base, name: `digest:${org.id}`, kind: "digest", expression: `0 ${org.digestHour} * * ${org.digestWeekday % 7}` },
  ];
}

export async function loadJobSpecs(db: PrismaClient, organization?: string): Promise<JobSpec[]> {
  const orgs = await db.organization.findMany({
    where: organization ? { OR: [{ id: organization }, { name: equalsIgnoringCase(organization) }] } : {},
    orderBy: { createdAt: "asc" },
  });
  return orgs.flatMap(jobsFor);
}

export type JobSummary =
  | { kind: "checks"; result: CheckRunSummary }
  | { kind: "reminders"; result: ReminderRunSummary }
  | { kind: "digest"; result: DigestRunSummary };

export async function runJob(db: PrismaClient, spec: JobSpec, options: { now: Date; offline?: boolean }): Promise<JobSummary> {
  switch (spec.kind) {
    case "checks": {
      const result = await runChecks(db, spec.organizationId, options);
      observers.sweep?.(result.timings);
      return { kind: "checks", result };
    }
    case "reminders": {
      const milestones = await runReminders(db, spec.organizationId, options);
      return { kind: "reminders", result: withTrainingReminders(milestones, await runTrainingReminders(db, spec.organizationId, options)) };
    }
    case "digest":
      return { kind: "digest", result: await runDigestJob(db, spec.organizationId, options) };
  }
}
