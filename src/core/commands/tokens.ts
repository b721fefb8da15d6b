import { z } from "zod";
import { createApiToken, listApiTokens, revokeApiToken, tokenName } from "../../domain/api-tokens.ts";
import { ForbiddenError } from "../../domain/errors.ts";
import { joinTokens, type Token } from "../grammar/tokens.ts";
import { heading, reply, table, text } from "../replies.ts";
import { rejectExtra } from "./args.ts";
import { defineCommand, UsageError } from "./command.ts";

/** Admins only: say so rather than the generic "ask the account manager". */
function adminsOnly(error: unknown): never {
  throw error instanceof ForbiddenError ? new UsageError("token.forbidden") : error;
}

function nameOf(args: Token[]): { name: string } {
  const name = joinTokens(args);
  if (!name) throw new UsageError("usage.missing", { what: "tokenName" });
  return { name };
}

/**
 * `token create <name>`: the token is in this reply and nowhere else. `sensitive` keeps the reply
 * out of the idempotency store, and it stays with the caller (ephemeral in Slack) although it writes.
 */
export const tokenCreate = defineCommand({
  name: "token.create",
  words: ["token", "create"],
  topic: "tokens",
  writes: true,
  sensitive: true,
  schema: z.object({ name: tokenName }),
  parse: nameOf,
  async run(ctx, input) {
    // The token must not be shown to a whole Teams channel: refused before anything is written.
    if (ctx.request.privateReplies === false) throw new UsageError("token.notHere");
    const created = await createApiToken(ctx.deps.db, ctx.actor, input).catch(adminsOnly);
    const summary = ctx.t("token.created", { name: created.name });
    return { ...reply(summary, [text(summary, "success"), heading(created.token), text(ctx.t("token.howTo", { name: created.name }), "muted")]), visibility: "caller" };
  },
});

export const tokenList = defineCommand({
  name: "token.list",
  words: ["token", "list"],
  topic: "tokens",
  writes: false,
  schema: z.object({}),
  parse(args) {
    rejectExtra(args);
    return {};
  },
  async run(ctx) {
    const tokens = await listApiTokens(ctx.deps.db, ctx.actor).catch(adminsOnly);
    const title = ctx.t("token.listTitle", { count: tokens.length });
    if (tokens.length === 0) return reply(title, [heading(title), text(ctx.t("token.none"), "muted")]);
    return reply(title, [
      heading(title),
      table(
        [ctx.t("field.name"), ctx.t("field.prefix"), ctx.t("field.createdAt"), ctx.t("field.lastUsedAt"), ctx.t("field.status")],
        tokens.map((t) => [
          t.name,
          t.prefix,
          ctx.fmt.dateTime(t.createdAt),
          t.lastUsedAt ? ctx.fmt.dateTime(t.lastUsedAt) : ctx.t("token.never"),
          t.revokedAt ? ctx.t("token.revokedOn", { date: ctx.fmt.dateTime(t.revokedAt) }) : ctx.t("token.active"),
        ]),
      ),
    ]);
  },
});

export const tokenRevoke = defineCommand({
  name: "token.revoke",
  words: ["token", "revoke"],
  topic: "tokens",
  writes: true,
  schema: z.object({ name: tokenName }),
  parse: nameOf,
  async run(ctx, input) {
    const revoked = await revokeApiToken(ctx.deps.db, ctx.actor, input).catch(adminsOnly);
    const summary = ctx.t("token.revoked", { name: revoked.name });
    return reply(summary, [text(summary, "success")]);
  },
});
