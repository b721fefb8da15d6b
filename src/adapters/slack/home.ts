import type { HomeView } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import { formats, toLocale, translator } from "../../core/i18n/index.ts";
import { findingText, messageContext, severityTone } from "../../core/messages/format.ts";
import { splitParams } from "../../domain/checks.ts";
import { dayToDate } from "../../domain/limits.ts";
import { localDay } from "../../domain/rules/time.ts";
import { SEVERITY_RANK } from "../../domain/rules/types.ts";
import type { Block, Reply } from "../../core/reply.ts";
import { renderReply } from "./blocks.ts";
import type { SlackContext } from "./context.ts";
import type { SlackIdentity } from "./identity.ts";
import { LIMITS } from "./limits.ts";

export const HOME_CALLBACK = "kam.home";

/**
 * The App Home of one member: their accounts, next deadlines, open flags (with an acknowledge
 * button) and recent orders. Read-only queries; every change goes through the core's commands.
 */
export async function homeReply(ctx: SlackContext, who: SlackIdentity, now: Date = ctx.core.now()): Promise<Reply> {
  const db = ctx.db;
  const member = await db.member.findUnique({ where: { id: who.memberId }, include: { organization: true } });
  const locale = toLocale(member?.locale ?? who.locale) ?? toLocale(member?.organization.locale) ?? "en";
  const t = translator(locale);
  const timeZone = member?.timeZone ?? member?.organization.timeZone ?? "UTC";
  const f = formats(locale, timeZone);
  const accounts = await db.account.findMany({
    where: { organizationId: who.organizationId, archivedAt: null, team: { some: { memberId: who.memberId } } },
    orderBy: { name: "asc" },
    take: 20,
  });
  const blocks: Block[] = [
    { kind: "heading", text: t("slack:home.title") },
    { kind: "text", text: t("slack:home.intro", { name: member?.displayName ?? who.displayName }), tone: "muted" },
    { kind: "heading", text: t("slack:home.accounts") },
  ];
  if (accounts.length === 0) {
    blocks.push({ kind: "text", text: t("slack:home.noAccounts") });
    return { ok: true, visibility: "caller", summary: t("slack:home.title"), blocks };
  }
  blocks.push({ kind: "list", items: accounts.map((a) => `${a.name}${a.region ? ` · ${a.region}` : ""}`) });
  const ids = accounts.map((a) => a.id);
  const names = new Map(accounts.map((a) => [a.id, a.name]));
  // Today where the member is, as the deadlines around it are shown (a due day is a date column: its UTC midnight).
  const today = dayToDate(localDay(now, timeZone));

  const [milestones, projects, flags, orders] = await Promise.all([
    db.milestone.findMany({
      where: { organizationId: who.organizationId, status: "OPEN", project: { accountId: { in: ids } } },
      include: { project: true },
      orderBy: { dueOn: "asc" },
      take: 5,
    }),
    db.project.findMany({ where: { accountId: { in: ids }, status: "OPEN" }, orderBy: { dueOn: "asc" }, take: 5 }),
    db.flag.findMany({ where: { accountId: { in: ids }, status: "OPEN" }, orderBy: { firstSeenAt: "desc" }, take: 20 }),
    db.order.findMany({ where: { accountId: { in: ids } }, orderBy: { orderedAt: "desc" }, take: 5 }),
  ]);

  const deadlines = [
    ...milestones.map((m) => ({ due: m.dueOn, what: `${m.project.name}: ${m.name}`, account: m.project.accountId })),
    ...projects.map((p) => ({ due: p.dueOn, what: p.name, account: p.accountId })),
  ]
    .sort((a, b) => a.due.getTime() - b.due.getTime())
    .slice(0, 5);
  blocks.push({ kind: "heading", text: t("slack:home.deadlines") });
  blocks.push(
    deadlines.length
      ? {
          kind: "list",
          items: deadlines.map((d) =>
            `${d.due < today ? "⚠️ " : ""}${t("slack:home.deadline", { due: f.day(d.due), what: d.what, account: names.get(d.account) ?? "" })}`,
          ),
        }
      : { kind: "text", text: t("slack:home.noDeadlines"), tone: "muted" },
  );

  blocks.push({ kind: "heading", text: t("slack:home.flags") });
  const openFlags = flags.sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]).slice(0, 5);
  if (openFlags.length === 0) blocks.push({ kind: "text", text: t("slack:home.noFlags"), tone: "muted" });
  const mctx = messageContext(locale, member?.timeZone ?? member?.organization.timeZone ?? "UTC");
  for (const flag of openFlags) {
    // The flag as alerts say it ("F-5 · Critical · …"), never its rule id or enum names.
    const { message, params } = splitParams(flag.params);
    const line = t("scheduler:alerts.line", { number: flag.number, severity: t(`scheduler:severity.${flag.severity}`), text: findingText(mctx, message, params) });
    const account = (flag.accountId && names.get(flag.accountId)) || "";
    blocks.push({
      kind: "text",
      text: account ? `${line} (${account})` : line,
      tone: severityTone(flag.severity),
    });
    blocks.push({ kind: "actions", buttons: [{ label: t("slack:home.acknowledge"), command: `flag ack ${flag.number}` }] });
  }

  blocks.push({ kind: "heading", text: t("slack:home.orders") });
  blocks.push(
    orders.length
      ? {
          kind: "list",
          items: orders.map((o) =>
            t("slack:home.order", {
              number: o.number,
              account: names.get(o.accountId) ?? "",
              total: f.money(o.totalMinor, o.currency),
              status: t(`status.${o.status}`),
            }),
          ),
        }
      : { kind: "text", text: t("slack:home.noOrders"), tone: "muted" },
  );
  blocks.push({ kind: "text", text: t("slack:home.updated", { when: f.dateTime(now) }), tone: "muted" });
  return { ok: true, visibility: "caller", summary: t("slack:home.title"), blocks };
}

export async function homeView(ctx: SlackContext, who: SlackIdentity): Promise<HomeView> {
  const reply = await homeReply(ctx, who);
  const t = translator(toLocale(who.locale) ?? "en");
  const { blocks } = renderReply(reply, { t, maxBlocks: LIMITS.home.blocks });
  return { type: "home", callback_id: HOME_CALLBACK, blocks };
}

export async function publishHome(ctx: SlackContext, client: WebClient, userId: string, who: SlackIdentity): Promise<void> {
  await client.views.publish({ user_id: userId, view: await homeView(ctx, who) });
}
