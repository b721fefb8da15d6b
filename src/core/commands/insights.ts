import { z } from "zod";
import { suggestForAccount } from "../../domain/suggestions.ts";
import { buildDigest } from "../../domain/digest.ts";
import { resolveAccount } from "../../domain/references.ts";
import { digestReply } from "../messages/digest.ts";
import { joinTokens } from "../grammar/tokens.ts";
import * as limits from "../../domain/limits.ts";
import { heading, list, reply, text } from "../replies.ts";
import { accountRef } from "./args.ts";
import { defineCommand } from "./command.ts";

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
    const s = await suggestForAccount(ctx.deps.db, ctx.actor, { account: input.account, today: ctx.today });
    const title = ctx.t("suggest.title", { account: s.account.name });
    const blocks = [heading(title)];
    if (s.products.length) {
      blocks.push(text(ctx.t("suggest.products")));
      blocks.push(list(s.products.map((p) => ctx.t("suggest.productLine", { sku: p.product.sku, name: p.product.name, count: p.buyers, share: Math.round(p.share * 100) }))));
    }
    if (s.dueReorders.length) {
      blocks.push(text(ctx.t("suggest.reorders")));
      blocks.push(list(s.dueReorders.map((r) => ctx.t("suggest.reorderLine", { sku: r.product.sku, name: r.product.name, last: ctx.fmt.day(r.lastOrderedOn), interval: r.usualIntervalDays, overdue: r.overdueDays }))));
    }
    if (!s.products.length && !s.dueReorders.length) blocks.push(text(ctx.t("suggest.none"), "muted"));
    return reply(title, blocks, s.dueReorders.length ? [{ label: ctx.t("button.reorder"), command: `order reorder "${s.account.name}"` }] : []);
  },
});

export const digest = defineCommand({
  name: "digest",
  words: ["digest"],
  topic: "insights",
  writes: false,
  schema: z.object({ account: limits.reference.optional() }),
  parse(args, ctx) {
    const account = joinTokens(args) || ctx.boundAccount?.id;
    return account ? { account } : {};
  },
  async run(ctx, input) {
    const account = input.account
      ? await ctx.deps.db.$transaction((tx) => resolveAccount(tx, ctx.organization.id, input.account!))
      : null;
    const data = await buildDigest(ctx.deps.db, ctx.organization.id, { ...(account ? { accountId: account.id } : {}), now: ctx.now });
    return digestReply(data, ctx.locale, ctx.timeZone);
  },
});
