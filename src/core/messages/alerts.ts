import type { Locale } from "../i18n/index.ts";
import type { Block, Reply } from "../reply.ts";
import type { AlertItem } from "../../domain/notifications.ts";
import { SEVERITY_RANK } from "../../domain/rules/types.ts";
import { findingText, messageContext, severityTone, type MessageContext } from "./format.ts";

export type { AlertItem };

/** Items shown with their own buttons; the rest are listed and counted (Block Kit allows 50 blocks). */
export const MAX_ITEMS_WITH_BUTTONS = 10;
export const MAX_ITEMS_LISTED = 40;


/** Buttons of one flag: acknowledge, snooze a day or a week, details. */
export function flagButtons(ctx: MessageContext, number: number): Block {
  return {
    kind: "actions",
    buttons: [
      { label: ctx.t("scheduler:button.ack"), command: `flag ack ${number}`, style: "primary" },
      { label: ctx.t("scheduler:button.snoozeDay"), command: `flag snooze ${number} 1d` },
      { label: ctx.t("scheduler:button.snoozeWeek"), command: `flag snooze ${number} 1w` },
      { label: ctx.t("scheduler:button.show"), command: `flag show ${number}` },
    ],
  };
}

export function alertLine(ctx: MessageContext, item: AlertItem): string {
  return ctx.t("scheduler:alerts.line", {
    number: item.flagNumber,
    severity: ctx.t(`scheduler:severity.${item.severity}`),
    text: findingText(ctx, item.message, item.params),
  }) as string;
}

/** One message with all alerts of one run for one account (noise control: never one message per flag). */
export function alertsReply(
  input: { accountName: string; items: AlertItem[]; offline?: boolean; mentionMemberIds?: string[] },
  locale: Locale,
  timeZone: string,
): Reply {
  const ctx = messageContext(locale, timeZone);
  const items = [...input.items].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.flagNumber - b.flagNumber);
  const heading = ctx.t(input.offline ? "scheduler:alerts.offlineHeading" : "scheduler:alerts.heading", { account: input.accountName, count: items.length }) as string;
  const blocks: Block[] = [{ kind: "heading", text: heading }];
  if (input.mentionMemberIds?.length) blocks.push({ kind: "mention", memberIds: input.mentionMemberIds, text: ctx.t("scheduler:alerts.attention") as string });
  for (const item of items.slice(0, MAX_ITEMS_WITH_BUTTONS)) {
    blocks.push({ kind: "text", text: alertLine(ctx, item), tone: severityTone(item.severity) });
    blocks.push(flagButtons(ctx, item.flagNumber));
  }
  const rest = items.slice(MAX_ITEMS_WITH_BUTTONS);
  if (rest.length) {
    const listed = rest.slice(0, MAX_ITEMS_LISTED);
    blocks.push({ kind: "list", items: listed.map((i) => alertLine(ctx, i)), ...(rest.length > listed.length ? { more: rest.length - listed.length } : {}) });
    if (rest.length > listed.length) blocks.push({ kind: "text", text: ctx.t("scheduler:alerts.more", { count: rest.length - listed.length, account: input.accountName }) as string, tone: "muted" });
  }
  return { ok: true, visibility: "channel", summary: heading, blocks, locale };
}
