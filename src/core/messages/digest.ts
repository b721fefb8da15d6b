import { isQuiet, type DigestAccount, type DigestData, type MoneyTotal } from "../../domain/digest.ts";
import type { Locale } from "../i18n/index.ts";
import type { Block, Reply } from "../reply.ts";
import { messageContext, type MessageContext } from "./format.ts";
import { trainingDigestBlocks } from "./training-digest.ts";

const MAX_ACCOUNTS = 15;
const MAX_DEADLINES = 8;

function money(ctx: MessageContext, totals: MoneyTotal[]): string {
  if (totals.length === 0) return ctx.t("scheduler:digest.zero") as string;
  return totals.map((m) => `${ctx.f.money(m.minor, m.currency)} (${m.count})`).join(", ");
}

function deadlineText(ctx: MessageContext, d: DigestAccount["deadlines"][number]): string {
  const text =
    d.kind === "milestone" && d.overdueDays > 0 ? ctx.t("scheduler:digest.milestoneOverdue", { number: d.number, name: d.name, project: d.project ?? "", days: d.overdueDays, count: d.overdueDays })
    : d.kind === "milestone" ? ctx.t("scheduler:digest.milestone", { number: d.number, name: d.name, project: d.project ?? "" })
    : d.kind === "project" ? ctx.t("scheduler:digest.project", { number: d.number, name: d.name })
    : d.kind === "contract" ? ctx.t("scheduler:digest.contractEnd", { number: d.number, name: d.name })
    : ctx.t("scheduler:digest.invoiceDue", { number: d.number, amount: ctx.f.money(d.amountMinor ?? 0, d.currency ?? "EUR") });
  return ctx.t("scheduler:digest.deadline", { day: ctx.f.day(new Date(`${d.day}T00:00:00Z`)), text }) as string;
}

/** The marketing programs running today, one line each. */
function programBlocks(ctx: MessageContext, programs: DigestData["programs"]): Block[] {
  if (programs.length === 0) return [];
  const day = (d: string) => ctx.f.day(new Date(`${d}T00:00:00Z`));
  return [
    { kind: "heading", text: ctx.t("scheduler:digest.programsHeading", { count: programs.length }) as string },
    {
      kind: "list",
      items: programs.slice(0, MAX_DEADLINES * 2).map((p) => ctx.t("scheduler:digest.program", { ref: `MP-${p.number}`, name: p.name, account: p.accountName, from: day(p.fromDay), to: day(p.toDay) }) as string),
      ...(programs.length > MAX_DEADLINES * 2 ? { more: programs.length - MAX_DEADLINES * 2 } : {}),
    },
  ];
}

/**
 * The weekly digest (and the chat `digest` command's answer) as one platform-neutral Reply. Its
 * visibility is "channel" (it is posted to the managers' channel); the chat command answers only
 * the caller.
 */
export function digestReply(data: DigestData, locale: Locale, timeZone: string): Reply {
  const ctx = messageContext(locale, timeZone);
  const heading = ctx.t("scheduler:digest.heading", { date: ctx.f.day(new Date(`${data.today}T00:00:00Z`)) }) as string;
  const blocks: Block[] = [{ kind: "heading", text: heading }];
  const shown = data.accounts.filter((a) => !isQuiet(a));
  if (shown.length === 0) blocks.push({ kind: "text", text: ctx.t("scheduler:digest.none") as string, tone: "muted" });
  for (const a of shown.slice(0, MAX_ACCOUNTS)) {
    blocks.push({ kind: "heading", text: ctx.t("scheduler:digest.accountHeading", { account: a.name }) as string });
    const flags = a.openFlags.total === 0 ? "0"
      : `${a.openFlags.total} (${(["CRITICAL", "WARNING", "INFO"] as const).filter((s) => a.openFlags.bySeverity[s] > 0).map((s) => `${a.openFlags.bySeverity[s]} ${ctx.t(`scheduler:severity.${s}`)}`).join(", ")})`;
    blocks.push({
      kind: "fields",
      fields: [
        { label: ctx.t("scheduler:digest.openOrders") as string, value: a.openOrders.count === 0 ? "0" : `${a.openOrders.count} · ${a.openOrders.totals.map((m) => ctx.f.money(m.minor, m.currency)).join(", ")}` },
        { label: ctx.t("scheduler:digest.unpaid") as string, value: money(ctx, a.unpaid) },
        { label: ctx.t("scheduler:digest.overdue") as string, value: money(ctx, a.overdue) },
        { label: ctx.t("scheduler:digest.openFlags") as string, value: flags },
        ...(a.knownFlags > 0 ? [{ label: ctx.t("scheduler:digest.knownFlags") as string, value: String(a.knownFlags) }] : []),
        { label: ctx.t("scheduler:digest.openCases") as string, value: a.openCases.pastSla > 0 ? `${a.openCases.total} (${a.openCases.pastSla} SLA)` : String(a.openCases.total) },
      ],
    });
    if (a.deadlines.length) {
      const listed = a.deadlines.slice(0, MAX_DEADLINES);
      blocks.push({ kind: "text", text: ctx.t("scheduler:digest.deadlines") as string, tone: "muted" });
      blocks.push({ kind: "list", items: listed.map((d) => deadlineText(ctx, d)), ...(a.deadlines.length > listed.length ? { more: a.deadlines.length - listed.length } : {}) });
    }
  }
  blocks.push(...trainingDigestBlocks(ctx, locale, timeZone, data.trainings ?? []));
  blocks.push(...programBlocks(ctx, data.programs));
  if (shown.some((a) => a.knownFlags > 0)) blocks.push({ kind: "text", text: ctx.t("scheduler:digest.knownNote") as string, tone: "muted" });
  if (shown.length > MAX_ACCOUNTS) {
    blocks.push({ kind: "list", items: shown.slice(MAX_ACCOUNTS, MAX_ACCOUNTS + 20).map((a) => a.name), ...(shown.length > MAX_ACCOUNTS + 20 ? { more: shown.length - MAX_ACCOUNTS - 20 } : {}) });
  }
  return { ok: true, visibility: "channel", summary: heading, blocks, locale };
}
