import type { AlertSummary } from "../../domain/notifications.ts";
import type { Locale } from "../i18n/index.ts";
import type { Block, Reply } from "../reply.ts";
import { alertLine } from "./alerts.ts";
import { messageContext, ruleName, severityTone } from "./format.ts";

/**
 * Many new flags of an account new to the checks as one message: how many of each check, the most
 * serious few with their buttons, and a button listing them all (`flags <account>`).
 */
export function alertSummaryReply(input: Omit<AlertSummary, "kind">, locale: Locale, timeZone: string): Reply {
  const ctx = messageContext(locale, timeZone);
  const headingKey = input.offline ? "scheduler:summary.offlineHeading" : input.imported ? "scheduler:summary.importedHeading" : "scheduler:summary.heading";
  const heading = ctx.t(headingKey, { account: input.accountName, count: input.total }) as string;
  const blocks: Block[] = [{ kind: "heading", text: heading }];
  if (input.mentionMemberIds.length) blocks.push({ kind: "mention", memberIds: input.mentionMemberIds, text: ctx.t("scheduler:alerts.attention") as string });
  blocks.push({ kind: "text", text: ctx.t("scheduler:summary.byCheck") as string });
  blocks.push({
    kind: "list",
    items: input.counts.map((c) => ctx.t("scheduler:summary.count", { check: ruleName(ctx, c.rule), severity: ctx.t(`scheduler:severity.${c.severity}`), count: c.count }) as string),
  });
  blocks.push({ kind: "text", text: ctx.t("scheduler:summary.top", { count: input.top.length }) as string });
  for (const item of input.top) blocks.push({ kind: "text", text: alertLine(ctx, item), tone: severityTone(item.severity) });
  blocks.push({
    kind: "actions",
    buttons: [{ label: ctx.t("scheduler:summary.listAll", { count: input.total }) as string, command: `flags "${input.accountName}"`, style: "primary" }],
  });
  blocks.push({ kind: "text", text: ctx.t("scheduler:summary.note", { account: input.accountName }) as string, tone: "muted" });
  return { ok: true, visibility: "channel", summary: heading, blocks, locale };
}
