import { z } from "zod";
import { ForbiddenError } from "../../domain/errors.ts";
import { createLinkCode, normalizeLinkCode, redeemLinkCode } from "../../domain/linking.ts";
import { joinTokens } from "../grammar/tokens.ts";
import { heading, reply, text } from "../replies.ts";
import { defineCommand, UsageError } from "./command.ts";

/**
 * `link`        → an admin gets a one-time code (15 minutes) for joining another workspace;
 * `link <code>` → an admin of the other workspace (Slack or Teams) joins it into the code's organization.
 * The strings live in the "teams" catalog namespace (linking came with the Teams adapter).
 */
export const link = defineCommand({
  name: "link",
  words: ["link"],
  topic: "link",
  // It writes, but the code must stay with the caller (never announced to a channel), so the
  // handler's "writes are announced" rule is left out and the join reply sets its visibility itself.
  writes: false,
  sensitive: true,
  changesContext: true,
  schema: z.object({ code: z.string().trim().min(4).max(20).optional() }),
  parse(args) {
    const code = joinTokens(args);
    if (code && normalizeLinkCode(code).length === 0) throw new UsageError("teams:link.usage");
    return code ? { code } : {};
  },
  async run(ctx, input) {
    if (!input.code) {
      // A Teams channel shows every answer to everyone in it: the code would be anyone's to use.
      if (ctx.request.privateReplies === false) throw new UsageError("teams:link.notHere");
      const { code, expiresAt } = await createLinkCode(ctx.deps.db, ctx.actor).catch((error: unknown) => {
        throw error instanceof ForbiddenError ? new UsageError("teams:link.forbidden") : error;
      });
      const summary = ctx.t("teams:link.code", { code, expiresAt: ctx.fmt.dateTime(expiresAt) });
      return reply(summary, [heading(code), text(summary), text(ctx.t("teams:link.howTo", { code }), "muted")]);
    }
    const result = await redeemLinkCode(ctx.deps.db, ctx.actor, input.code).catch((error: unknown) => {
      // Say what linking needs rather than the generic "not allowed".
      throw error instanceof ForbiddenError ? new UsageError("teams:link.forbidden") : error;
    });
    const summary = ctx.t("teams:link.joined", { organization: result.organizationName, count: result.moved, merged: result.merged });
    return {
      ...reply(summary, [text(summary, "success")]),
      visibility: "channel",
    };
  },
});
