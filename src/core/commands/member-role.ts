import { changeMemberRole } from "../../domain/members.ts";
import * as limits from "../../domain/limits.ts";
import { joinTokens } from "../grammar/tokens.ts";
import { reply, text } from "../replies.ts";
import { oneOf } from "./args.ts";
import { defineCommand, UsageError } from "./command.ts";
import { z } from "zod";

const ORG_ROLE_WORDS = { admin: "ADMIN", manager: "MANAGER", member: "MEMBER", mitglied: "MEMBER" } as const;

export const memberRole = defineCommand({
  name: "member.role",
  words: ["member", "role"],
  topic: "team",
  writes: true,
  schema: z.object({ member: limits.reference, role: z.enum(["ADMIN", "MANAGER", "MEMBER"]) }),
  parse(args) {
    if (args.length < 2) throw new UsageError("usage.missing", { what: args.length ? "role" : "member" });
    return { member: joinTokens(args.slice(0, -1)), role: oneOf(args.at(-1), ORG_ROLE_WORDS, "role") };
  },
  async run(ctx, input) {
    const m = await changeMemberRole(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("team.orgRoleSet", { member: m.displayName, role: ctx.t(`orgRole.${m.orgRole}`) });
    return reply(summary, [text(summary, "success")]);
  },
});
