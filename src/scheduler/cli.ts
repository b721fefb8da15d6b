import { renderPlain } from "../adapters/terminal/log-notifier.ts";
import type { OutgoingMessage } from "../core/notifier.ts";
import { inboxNotifier } from "./inbox-notifier.ts";
import { toLocale } from "../core/i18n/index.ts";
import { findingText, messageContext } from "../core/messages/format.ts";
import type { AnnouncedItem } from "../domain/checks.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";
import { RunCoordinator } from "./coordinator.ts";
import { nextFire } from "./cron-time.ts";
import { Dispatcher, type DispatchSummary } from "./dispatcher.ts";
import { JOB_KINDS } from "./job-kinds.ts";
import { loadJobSpecs, runJob, type JobSpec, type JobSummary } from "./jobs.ts";

type Print = (line: string) => void;

/** "2026-11-27 09:00 +01:00": the moment as the organization's clock shows it, with its offset. */
export function zonedStamp(at: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "longOffset" })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const offset = parts.timeZoneName === "GMT" ? "+00:00" : String(parts.timeZoneName).replace("GMT", "");
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${offset}`;
}

/** `kam jobs list`: every job of every organization with its schedule, next and last run. */
export async function listJobs(db: PrismaClient, print: Print, now = new Date()): Promise<void> {
  const specs = await loadJobSpecs(db);
  if (specs.length === 0) print("No organizations yet, so no jobs.");
  const coordinator = new RunCoordinator(db, "cli");
  for (const spec of specs) {
    const next = nextFire(spec.expression, spec.timeZone, now);
    const last = await coordinator.lastRun(spec.name);
    print(
      `${spec.kind.padEnd(9)} ${spec.organizationName} · "${spec.expression}" ${spec.timeZone} · next ${next ? zonedStamp(next, spec.timeZone) : "—"}` +
        ` · last ${last ? `${zonedStamp(last.fireAt, spec.timeZone)}${last.error ? ` (failed: ${last.error})` : last.finishedAt ? "" : " (running)"}` : "never"}`,
    );
  }
  const outbox = await db.$queryRaw<{ status: string; platform: string; count: number }[]>`
    SELECT status::text AS status, platform::text AS platform, count(*)::int AS count FROM "Notification"
    WHERE status IN ('PENDING', 'SENDING', 'FAILED') GROUP BY 1, 2 ORDER BY 1, 2`;
  print(`dispatch  continuous (every second while kam serve runs) · outbox: ${outbox.length ? outbox.map((o) => `${o.count} ${o.status.toLowerCase()} ${o.platform}`).join(", ") : "empty"}`);
}

async function printSummary(db: PrismaClient, spec: JobSpec, summary: JobSummary, print: Print) {
  const org = await db.organization.findUnique({ where: { id: spec.organizationId }, select: { locale: true, timeZone: true } });
  const ctx = messageContext(toLocale(org?.locale) ?? "en", org?.timeZone ?? "UTC");
  const items = (list: AnnouncedItem[]) => list.forEach((i) => print(`    ${i.ref} ${ctx.t(`core:severity.${i.severity}`).padEnd(8)} ${i.accountName}: ${findingText(ctx, i.message, i.params)}`));
  if (summary.kind === "checks") {
    const r = summary.result;
    print(`  checks: ${r.findings} finding(s); ${r.opened} new, ${r.reopened} reopened, ${r.resolved} resolved; ${r.announced.length} announced${r.muted ? `, ${r.muted} muted` : ""}; ${r.notifications} message(s) queued`);
    items(r.announced);
    const silent = r.openedItems.filter((o) => !r.announced.some((a) => a.ref === o.ref));
    if (silent.length) {
      const names = new Map((await db.account.findMany({ where: { id: { in: [...new Set(silent.map((o) => o.accountId))] } }, select: { id: true, name: true } })).map((a) => [a.id, a.name]));
      print(`  new flags not sent (account muted, or no channel bound and no direct chat with its managers):`);
      items(silent.map((o) => ({ ...o, accountName: names.get(o.accountId) ?? "" })));
    }
  } else if (summary.kind === "reminders") {
    const r = summary.result;
    print(`  reminders: ${r.due} due; ${r.announced.length} announced${r.muted ? `, ${r.muted} muted` : ""}; ${r.notifications} message(s) queued`);
    for (const i of r.dueItems) {
      const where =
        i.delivery === "sent" ? `→ ${i.to.join(", ")}`
        : i.delivery === "muted" ? "→ not sent: account muted"
        : "→ not sent: no channel bound and no direct chat with its owner or managers";
      print(`    ${i.ref} ${ctx.t(`core:severity.${i.severity}`).padEnd(8)} ${i.accountName}: ${findingText(ctx, i.message, i.params)} [${i.stage}] ${where}`);
    }
  } else {
    const r = summary.result;
    print(`  digest: ${r.accounts} account(s) → ${r.targets.length ? r.targets.join(", ") : "no digest channel bound"}; ${r.notifications} message(s) queued`);
  }
}

/** Dispatches what the terminal can deliver; messages for Slack/Teams wait for `kam serve`. */
async function dispatchNow(db: PrismaClient, print: Print, now: () => Date): Promise<DispatchSummary> {
  // Messages for `kam chat` users go to their inbox, and are printed here as well.
  const echo = (message: OutgoingMessage) => print(renderPlain(message).replace(/^/gm, "    ").trimEnd());
  const dispatcher = new Dispatcher({ db, notifiers: [inboxNotifier(db, now, echo)], owner: `cli-${process.pid}`, now, channelIntervalMs: 0 });
  const summary = await dispatcher.drain();
  const waiting = await db.$queryRaw<{ platform: string; count: number }[]>`
    SELECT platform::text AS platform, count(*)::int AS count FROM "Notification" WHERE status IN ('PENDING', 'SENDING') GROUP BY 1 ORDER BY 1`;
  print(`  dispatch: ${summary.sent} sent, ${summary.retried} to retry, ${summary.failed} failed` +
    (waiting.length ? `; waiting for kam serve: ${waiting.map((w) => `${w.count} ${w.platform}`).join(", ")}` : ""));
  for (const o of summary.outcomes.filter((x) => x.outcome !== "sent")) print(`    ${o.outcome} ${o.platform} ${o.target}: ${o.error ?? ""}`);
  return summary;
}

/** `kam jobs run <job>|all`: runs now, for every organization (or one), and prints what it did. */
export async function runJobsNow(db: PrismaClient, job: string, print: Print, options: { organization?: string; now?: Date } = {}): Promise<void> {
  const kinds = job === "all" ? [...JOB_KINDS, "dispatch"] : [job];
  const unknown = kinds.filter((k) => k !== "dispatch" && !(JOB_KINDS as readonly string[]).includes(k));
  if (unknown.length) throw new Error(`unknown job "${job}": use one of ${[...JOB_KINDS, "dispatch", "all"].join(", ")}`);
  const now = options.now ?? new Date();
  const specs = (await loadJobSpecs(db, options.organization)).filter((s) => kinds.includes(s.kind));
  const coordinator = new RunCoordinator(db, `cli-${process.pid}`);
  for (const spec of specs) {
    print(`${spec.kind} · ${spec.organizationName}`);
    const outcome = await coordinator.run(spec.name, now, () => runJob(db, spec, { now }));
    if (outcome.ran) await printSummary(db, spec, outcome.result, print);
    else print("  already run for this moment by another process");
  }
  if (kinds.includes("dispatch")) await dispatchNow(db, print, () => options.now ?? new Date());
}
