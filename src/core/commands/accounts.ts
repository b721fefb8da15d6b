import { z } from "zod";
import { addAccount, addAccountInput, bindChannel, countAccounts, listAccounts, showAccount } from "../../domain/accounts.ts";
import * as limits from "../../domain/limits.ts";
import { clauses, joinTokens } from "../grammar/tokens.ts";
import { fields, heading, reply, table, text } from "../replies.ts";
import { accountRef, isWord, oneOf } from "./args.ts";
import { runningProgramBlocks } from "./programs.ts";
import { runningPrograms } from "../../domain/programs.ts";
import { defineCommand, UsageError } from "./command.ts";
import { upcomingTrainingBlocks } from "./trainings.ts";

export const TIERS = { national: "NATIONAL", international: "INTERNATIONAL", regional: "REGIONAL" } as const;

export const accountAdd = defineCommand({
  name: "account.add",
  words: ["account", "add"],
  topic: "accounts",
  writes: true,
  schema: addAccountInput,
  parse(args) {
    const { head, parts } = clauses(args, ["tier", "region", "currency"]);
    const name = joinTokens(head);
    if (!name) throw new UsageError("usage.missing", { what: "name" });
    return {
      name,
      ...(parts.has("tier") ? { tier: oneOf(parts.get("tier")![0], TIERS, "tier") } : {}),
      ...(parts.has("region") ? { region: joinTokens(parts.get("region")!) } : {}),
      ...(parts.has("currency") ? { currency: joinTokens(parts.get("currency")!).toUpperCase() } : {}),
    };
  },
  async run(ctx, input) {
    const account = await addAccount(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("account.added", { account: account.name });
    return reply(summary, [
      text(summary, "success"),
      fields([
        { label: ctx.t("field.tier"), value: ctx.t(`tier.${account.tier}`) },
        account.region && { label: ctx.t("field.region"), value: account.region },
        { label: ctx.t("field.currency"), value: account.currency },
      ]),
    ]);
  },
});

export const accountList = defineCommand({
  name: "account.list",
  words: ["account", "list"],
  topic: "accounts",
  writes: false,
  schema: z.object({ mine: z.boolean(), archived: z.boolean().optional() }),
  parse(args) {
    if (args.length > 1 || (args.length === 1 && !isWord(args[0], "mine", "archived"))) throw new UsageError("usage.unexpected", { text: joinTokens(args) });
    if (isWord(args[0], "archived")) return { mine: false, archived: true };
    return { mine: args.length === 1 };
  },
  async run(ctx, input) {
    const accounts = await listAccounts(ctx.deps.db, ctx.actor, input);
    if (input.archived) {
      const title = ctx.t("account.listArchivedTitle", { count: accounts.length });
      if (accounts.length === 0) return reply(title, [heading(title), text(ctx.t("account.noneArchived"), "muted")]);
      return reply(title, [
        heading(title),
        table([ctx.t("field.account"), ctx.t("field.archivedAt")], accounts.map((a) => [a.name, ctx.fmt.dayOf(a.archivedAt!)])),
      ]);
    }
    const title = ctx.t(input.mine ? "account.listMineTitle" : "account.listTitle", { count: accounts.length });
    if (accounts.length === 0) {
      const all = input.mine ? await countAccounts(ctx.deps.db, ctx.actor) : 0;
      const none = all > 0 ? ctx.t("account.noneMine", { count: all }) : ctx.t("account.none");
      return reply(title, [heading(title), text(none, "muted")], all > 0 ? [{ label: ctx.t("button.allAccounts"), command: "account list" }] : []);
    }
    return reply(title, [
      heading(title),
      table(
        [ctx.t("field.account"), ctx.t("field.tier"), ctx.t("field.region"), ctx.t("field.orders")],
        accounts.map((a) => [a.name, ctx.t(`tier.${a.tier}`), a.region ?? "–", String(a._count.orders)]),
      ),
    ]);
  },
});

export const accountShow = defineCommand({
  name: "account.show",
  words: ["account", "show"],
  topic: "accounts",
  writes: false,
  schema: z.object({ account: limits.reference }),
  parse(args, ctx) {
    return { account: accountRef(args, ctx) };
  },
  async run(ctx, input) {
    const account = await showAccount(ctx.deps.db, ctx.actor, input.account);
    const programs = await runningPrograms(ctx.deps.db, ctx.actor.organizationId, ctx.today, account.id);
    const c = account._count;
    return reply(account.name, [
      heading(account.name),
      ...(account.archivedAt ? [text(ctx.t("account.isArchived", { date: ctx.fmt.dayOf(account.archivedAt), account: account.name }), "warning")] : []),
      fields([
        { label: ctx.t("field.tier"), value: ctx.t(`tier.${account.tier}`) },
        account.region && { label: ctx.t("field.region"), value: account.region },
        { label: ctx.t("field.currency"), value: account.currency },
        { label: ctx.t("field.orders"), value: String(c.orders) },
        { label: ctx.t("field.projects"), value: String(c.projects) },
        { label: ctx.t("field.invoices"), value: String(c.invoices) },
        { label: ctx.t("field.contracts"), value: String(c.contracts) },
        { label: ctx.t("field.cases"), value: String(c.cases) },
        { label: ctx.t("field.channels"), value: String(account.bindings.length) },
      ]),
      ...(account.notes ? [text(account.notes)] : []),
      ...(account.team.length
        ? [text(account.team.map((m) => `${m.member.displayName} (${ctx.t(`role.${m.role}`)})`).join(", "), "muted")]
        : []),
      ...(await upcomingTrainingBlocks(ctx, account.id)),
      ...runningProgramBlocks(ctx, programs),
    ]);
  },
});

export const accountBind = defineCommand({
  name: "account.bind",
  words: ["account", "bind"],
  topic: "accounts",
  writes: true,
  schema: z.object({ account: limits.reference }),
  parse(args) {
    const name = joinTokens(args);
    if (!name) throw new UsageError("usage.missing", { what: "account" });
    return { account: name };
  },
  async run(ctx, input) {
    if (!ctx.request.channelId) throw new UsageError("account.bindNeedsChannel");
    const { account } = await bindChannel(ctx.deps.db, ctx.actor, {
      account: input.account,
      platform: ctx.request.platform,
      channelId: ctx.request.channelId,
    });
    const summary = ctx.t("account.bound", { account: account.name });
    return reply(summary, [text(summary, "success"), text(ctx.t("account.boundHint"), "muted")]);
  },
});
