import type { DeliveryFailure, FlagView } from "../../domain/flags.ts";
import type { Locale } from "../i18n/index.ts";
import type { Block, Reply } from "../reply.ts";
import { flagButtons } from "./alerts.ts";
import { findingText, messageContext, ruleName, severityTone, type MessageContext } from "./format.ts";

function flagLine(ctx: MessageContext, f: FlagView): string {
  const status = f.status === "SNOOZED" && f.snoozedUntil ? (ctx.t("scheduler:flags.snoozedUntil", { until: ctx.f.dateTime(f.snoozedUntil) }) as string) : (ctx.t(`scheduler:status.${f.status}`) as string);
  return ctx.t("scheduler:flags.line", {
    number: f.number,
    severity: ctx.t(`scheduler:severity.${f.severity}`),
    status,
    account: f.account?.name ?? "—",
    text: findingText(ctx, f.message, f.params),
  }) as string;
}

/** The answer of `flags [account]`: the flags and, when there are any, the undeliverable messages. */
export function flagsReply(
  result: { account: { name: string } | null; flags: FlagView[]; deliveryFailures: DeliveryFailure[] },
  locale: Locale,
  timeZone: string,
): Reply {
  const ctx = messageContext(locale, timeZone);
  const heading = result.account
    ? (ctx.t("scheduler:flags.headingAccount", { account: result.account.name, count: result.flags.length }) as string)
    : (ctx.t("scheduler:flags.heading", { count: result.flags.length }) as string);
  const blocks: Block[] = [{ kind: "heading", text: heading }];
  if (result.flags.length === 0) blocks.push({ kind: "text", text: ctx.t("scheduler:flags.none") as string, tone: "muted" });
  else blocks.push({ kind: "list", items: result.flags.slice(0, 50).map((f) => flagLine(ctx, f)), ...(result.flags.length > 50 ? { more: result.flags.length - 50 } : {}) });
  if (result.deliveryFailures.length) {
    blocks.push({ kind: "text", text: ctx.t("scheduler:flags.deliveryFailures", { count: result.deliveryFailures.length }) as string, tone: "error" });
    blocks.push({
      kind: "list",
      items: result.deliveryFailures.map((d) => ctx.t("scheduler:flags.failure", { platform: d.platform, target: d.target, when: ctx.f.dateTime(d.createdAt), error: d.error }) as string),
    });
  }
  return { ok: true, visibility: "caller", summary: heading, blocks };
}

/** The answer of `flag show <n>`: the flag, its fields and its buttons. */
export function flagReply(flag: FlagView, locale: Locale, timeZone: string): Reply {
  const ctx = messageContext(locale, timeZone);
  const heading = ctx.t("scheduler:flags.detailHeading", { number: flag.number }) as string;
  const blocks: Block[] = [
    { kind: "heading", text: heading },
    { kind: "text", text: findingText(ctx, flag.message, flag.params), tone: severityTone(flag.severity) },
    {
      kind: "fields",
      fields: [
        { label: ctx.t("scheduler:flags.fieldRule") as string, value: ruleName(ctx, flag.rule) },
        { label: ctx.t("scheduler:flags.fieldSeverity") as string, value: ctx.t(`scheduler:severity.${flag.severity}`) as string },
        { label: ctx.t("scheduler:flags.fieldStatus") as string, value: flag.status === "SNOOZED" && flag.snoozedUntil ? (ctx.t("scheduler:flags.snoozedUntil", { until: ctx.f.dateTime(flag.snoozedUntil) }) as string) : (ctx.t(`scheduler:status.${flag.status}`) as string) },
        { label: ctx.t("scheduler:flags.fieldAccount") as string, value: flag.account?.name ?? "—" },
        { label: ctx.t("scheduler:flags.fieldFirstSeen") as string, value: ctx.f.dateTime(flag.firstSeenAt) },
        { label: ctx.t("scheduler:flags.fieldLastSeen") as string, value: ctx.f.dateTime(flag.lastSeenAt) },
        { label: ctx.t("scheduler:flags.fieldNotified") as string, value: flag.notifiedAt ? ctx.f.dateTime(flag.notifiedAt) : (ctx.t("scheduler:flags.never") as string) },
      ],
    },
  ];
  if (flag.status !== "RESOLVED") blocks.push(flagButtons(ctx, flag.number));
  return { ok: true, visibility: "caller", summary: `${heading}: ${findingText(ctx, flag.message, flag.params)}`, blocks };
}

/** Confirmations of `flag ack|resolve|snooze` and `flag mute`. */
export function flagChangedReply(
  change: { kind: "acknowledged" | "resolved" | "snoozed"; flag: FlagView } | { kind: "muted"; account: { name: string }; mutedUntil: Date | null },
  locale: Locale,
  timeZone: string,
): Reply {
  const ctx = messageContext(locale, timeZone);
  const text =
    change.kind === "muted" ? (ctx.t("scheduler:flags.muted", { account: change.account.name, until: change.mutedUntil ? ctx.f.dateTime(change.mutedUntil) : "—" }) as string)
    : change.kind === "snoozed" ? (ctx.t("scheduler:flags.snoozed", { number: change.flag.number, until: change.flag.snoozedUntil ? ctx.f.dateTime(change.flag.snoozedUntil) : "—" }) as string)
    : (ctx.t(`scheduler:flags.${change.kind}`, { number: change.flag.number }) as string);
  return { ok: true, visibility: "channel", summary: text, blocks: [{ kind: "text", text, tone: "success" }] };
}
