import { z } from "zod";
import { suggestForAccount } from "../../domain/suggestions.ts";
import { bindDigestChannel, buildDigest, unbindDigestChannel } from "../../domain/digest.ts";
import { resolveAccount } from "../../domain/references.ts";
import { digestReply } from "../messages/digest.ts";
import * as limits from "../../domain/limits.ts";
import { heading, list, reply, text } from "../replies.ts";
import { accountRef, optionalAccount, rejectExtra } from "./args.ts";
import { defineCommand, UsageError } from "./command.ts";
import { plainQuantity } from "./orders.ts";

const MAX_REORDER_BUTTONS = 5;

export const suggest = defineCommand({
  name: "suggest",
  words: ["suggest"],
  topic: "insights",
  writes: false,
  schema: z.object({ account: limits.reference }),
  parse(args, ctx) {
    return { account: accountRef(args, ctx) };
  },
  async run(ctx, input) {
    // The organization's today, as the reorder check counts (an order's day is the organization's).
    const s = await suggestForAccount(ctx.deps.db, ctx.actor, { account: input.account, today: ctx.organizationToday });
    const title = ctx.t("suggest.title", { account: s.account.name });
    const blocks = [heading(title)];
    if (s.products.length) {
      blocks.push(text(ctx.t("suggest.products")));
      blocks.push(list(s.products.map((p) => ctx.t("suggest.productLine", { sku: p.product.sku, name: p.product.name, count: p.buyers, share: Math.round(p.share * 100) }))));
    }
    if (s.dueReorders.length) {
      blocks.push(text(ctx.t("suggest.reorders")));
      blocks.push(list(s.dueReorders.map((r) => ctx.t("suggest.reorderLine", { sku: r.product.sku, name: r.product.name, last: ctx.fmt.day(r.lastOrderedOn), interval: ctx.t("scheduler:unit.interval", { count: r.usualIntervalDays, n: ctx.fmt.number(r.usualIntervalDays) }), overdue: ctx.fmt.number(r.overdueDays), count: r.overdueDays, quantity: ctx.fmt.number(r.usualQuantity), unit: r.product.unit }))));
    }
    if (!s.products.length && !s.dueReorders.length) blocks.push(text(ctx.t("suggest.none"), "muted"));
    // Each due product gets its own button: the order form filled in with that product in the
    // account's usual quantity, to check and send (never a copy of whatever was ordered last).
    const buttons = s.dueReorders.slice(0, MAX_REORDER_BUTTONS).map((r) => ({
      label: ctx.t("button.reorderProduct", { sku: r.product.sku, quantity: ctx.fmt.number(r.usualQuantity) }),
      command: `order draft "${s.account.name}" ${plainQuantity(ctx, r.usualQuantity)} ${r.product.sku}`,
    }));
    return reply(title, blocks, buttons);
  },
});

export const digest = defineCommand({
  name: "digest",
  words: ["digest"],
  topic: "insights",
  writes: false,
  schema: z.object({ account: limits.reference.optional() }),
  parse: optionalAccount,
  async run(ctx, input) {
    const account = input.account
      ? await ctx.deps.db.$transaction((tx) => resolveAccount(tx, ctx.organization.id, input.account!))
      : null;
    const data = await buildDigest(ctx.deps.db, ctx.organization.id, { ...(account ? { accountId: account.id } : {}), now: ctx.now });
    // A read: only the caller sees it (the weekly digest itself goes to the digest channels).
    return { ...digestReply(data, ctx.locale, ctx.timeZone), visibility: "caller" };
  },
});

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/** `digest bind`, typed in the channel (Slack or Teams) that is to receive the managers' weekly digest. */
export const digestBind = defineCommand({
  name: "digest.bind",
  words: ["digest", "bind"],
  topic: "insights",
  writes: true,
  schema: z.object({}),
  parse(args) {
    rejectExtra(args);
    return {};
  },
  async run(ctx) {
    if (!ctx.request.channelId || ctx.request.platform === "TERMINAL") throw new UsageError("digest.bindNeedsChannel");
    const bound = await bindDigestChannel(ctx.deps.db, ctx.actor, { platform: ctx.request.platform, channelId: ctx.request.channelId });
    const when = ctx.t("digest.schedule", {
      weekday: ctx.t(`digest.weekday.${WEEKDAYS[(bound.weekday + 6) % 7]}`),
      hour: `${String(bound.hour).padStart(2, "0")}:00`,
      zone: bound.timeZone,
    });
    const summary = ctx.t(bound.created ? "digest.bound" : "digest.alreadyBound", { when });
    return reply(summary, [
      text(summary, "success"),
      ...(bound.switchedFromDirect ? [text(ctx.t("digest.switchedToChannel"), "warning")] : []),
      text(ctx.t("digest.boundHint", { count: bound.channels }), "muted"),
    ]);
  },
});

/** `digest unbind`: this channel no longer receives the weekly digest. */
export const digestUnbind = defineCommand({
  name: "digest.unbind",
  words: ["digest", "unbind"],
  topic: "insights",
  writes: true,
  schema: z.object({}),
  parse(args) {
    rejectExtra(args);
    return {};
  },
  async run(ctx) {
    if (!ctx.request.channelId || ctx.request.platform === "TERMINAL") throw new UsageError("digest.bindNeedsChannel");
    const { removed } = await unbindDigestChannel(ctx.deps.db, ctx.actor, { platform: ctx.request.platform, channelId: ctx.request.channelId });
    const summary = ctx.t(removed ? "digest.unbound" : "digest.notBound");
    return reply(summary, [text(summary, removed ? "success" : "muted")]);
  },
});
