import type { ReminderItem } from "../../domain/notifications.ts";
import type { Locale } from "../i18n/index.ts";
import type { Block, Reply } from "../reply.ts";
import { findingText, messageContext, severityTone } from "./format.ts";

export type { ReminderItem };

const MAX_WITH_BUTTONS = 10;

/** One message with the reminders of one run for one account (or, direct, for one member). */
export function remindersReply(
  input: { accountName?: string; direct?: boolean; items: ReminderItem[]; offline?: boolean; mentionMemberIds?: string[] },
  locale: Locale,
  timeZone: string,
): Reply {
  const ctx = messageContext(locale, timeZone);
  const count = input.items.length;
  const heading =
    input.offline ? (ctx.t("scheduler:alerts.offlineHeading", { account: input.accountName ?? "", count }) as string)
    : input.direct || !input.accountName ? (ctx.t("scheduler:reminders.directHeading", { count }) as string)
    : (ctx.t("scheduler:reminders.heading", { account: input.accountName, count }) as string);
  const blocks: Block[] = [{ kind: "heading", text: heading }];
  if (input.mentionMemberIds?.length) blocks.push({ kind: "mention", memberIds: input.mentionMemberIds, text: ctx.t("scheduler:alerts.attention") as string });
  const items = [...input.items].sort((a, b) => String(a.params.dueOn ?? "").localeCompare(String(b.params.dueOn ?? "")));
  for (const [i, item] of items.entries()) {
    const text = findingText(ctx, item.message, item.params);
    if (i >= MAX_WITH_BUTTONS) {
      blocks.push({ kind: "list", items: items.slice(i).map((r) => findingText(ctx, r.message, r.params)) });
      break;
    }
    blocks.push({ kind: "text", text, tone: severityTone(item.severity) });
    if (item.milestoneNumber !== undefined) {
      blocks.push({
        kind: "actions",
        buttons: [{ label: ctx.t("scheduler:button.milestoneDone", { number: item.milestoneNumber }) as string, command: `milestone done ${item.milestoneNumber}`, style: "primary" }],
      });
    }
  }
  return { ok: true, visibility: "channel", summary: heading, blocks, locale };
}
