import { archiveAccount, archiveAccountInput, editAccount, editAccountInput, renameAccount, renameAccountInput, unarchiveAccount } from "../../domain/account-changes.ts";
import { clauses, indexOfWord, isWord, joinTokens } from "../grammar/tokens.ts";
import { fields, reply, text } from "../replies.ts";
import { accountRef, oneOf } from "./args.ts";
import { TIERS } from "./accounts.ts";
import { defineCommand, UsageError } from "./command.ts";

export const accountRename = defineCommand({
  name: "account.rename",
  words: ["account", "rename"],
  topic: "accounts",
  writes: true,
  schema: renameAccountInput,
  parse(args, ctx) {
    const to = indexOfWord(args, ["to"]);
    if (to < 0) throw new UsageError("usage.missing", { what: "name" });
    const name = joinTokens(args.slice(to + 1));
    if (!name) throw new UsageError("usage.missing", { what: "name" });
    return { account: accountRef(args.slice(0, to), ctx), name };
  },
  async run(ctx, input) {
    const { account, previous } = await renameAccount(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("account.renamed", { from: previous, to: account.name });
    return reply(summary, [text(summary, "success")]);
  },
});

export const accountEdit = defineCommand({
  name: "account.edit",
  words: ["account", "edit"],
  topic: "accounts",
  writes: true,
  schema: editAccountInput,
  parse(args, ctx) {
    const { head, parts } = clauses(args, ["tier", "region", "currency"]);
    if (parts.size === 0) throw new UsageError("usage.missing", { what: "change" });
    const region = parts.get("region");
    if (region && region.length === 0) throw new UsageError("usage.missing", { what: "region" });
    return {
      account: accountRef(head, ctx),
      ...(parts.has("tier") ? { tier: oneOf(parts.get("tier")![0], TIERS, "tier") } : {}),
      ...(region ? { region: region.length === 1 && isWord(region[0], "none", "-", "keine") ? null : joinTokens(region) } : {}),
      ...(parts.has("currency") ? { currency: joinTokens(parts.get("currency")!).toUpperCase() } : {}),
    };
  },
  async run(ctx, input) {
    const account = await editAccount(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("account.edited", { account: account.name });
    return reply(summary, [
      text(summary, "success"),
      fields([
        { label: ctx.t("field.tier"), value: ctx.t(`tier.${account.tier}`) },
        { label: ctx.t("field.region"), value: account.region ?? "–" },
        { label: ctx.t("field.currency"), value: account.currency },
      ]),
    ]);
  },
});

export const accountArchive = defineCommand({
  name: "account.archive",
  words: ["account", "archive"],
  topic: "accounts",
  writes: true,
  schema: archiveAccountInput,
  parse(args, ctx) {
    return { account: accountRef(args, ctx) };
  },
  async run(ctx, input) {
    const { account, resolvedFlags } = await archiveAccount(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("account.archived", { account: account.name });
    return reply(summary, [
      text(summary, "success"),
      text(ctx.t("account.archivedHint", { count: resolvedFlags, account: account.name }), "muted"),
    ]);
  },
});

export const accountUnarchive = defineCommand({
  name: "account.unarchive",
  words: ["account", "unarchive"],
  topic: "accounts",
  writes: true,
  schema: archiveAccountInput,
  parse(args, ctx) {
    return { account: accountRef(args, ctx) };
  },
  async run(ctx, input) {
    const account = await unarchiveAccount(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("account.unarchived", { account: account.name });
    return reply(summary, [text(summary, "success")]);
  },
});
