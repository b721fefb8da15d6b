import { z } from "zod";
import { addToTeam, listTeam, removeFromTeam, teamChangeInput, TEAM_ROLES } from "../../domain/team.ts";
import * as limits from "../../domain/limits.ts";
import { isWord, joinTokens, type Token } from "../grammar/tokens.ts";
import { heading, reply, table, text } from "../replies.ts";
import { accountRef, oneOf } from "./args.ts";
import { defineCommand, UsageError } from "./command.ts";

export const ROLE_WORDS: Record<string, (typeof TEAM_ROLES)[number]> = {
  "account-manager": "ACCOUNT_MANAGER", account_manager: "ACCOUNT_MANAGER", am: "ACCOUNT_MANAGER", kam: "ACCOUNT_MANAGER",
  "project-manager": "PROJECT_MANAGER", project_manager: "PROJECT_MANAGER", pm: "PROJECT_MANAGER",
  "customer-service": "CUSTOMER_SERVICE", customer_service: "CUSTOMER_SERVICE", cs: "CUSTOMER_SERVICE", service: "CUSTOMER_SERVICE",
  sales: "SALES", viewer: "VIEWER",
};

/** "[<account>] <member> [as] <role>" — roles may be written "account manager" or "account-manager". */
function parseMembership(args: Token[]) {
  let tokens = [...args];
  let roleWord = tokens.at(-1)?.text.toLowerCase() ?? "";
  let used = 1;
  const two = tokens.length >= 2 ? `${tokens.at(-2)!.text.toLowerCase()}_${roleWord}` : "";
  if (ROLE_WORDS[two]) {
    roleWord = two;
    used = 2;
  }
  const role = oneOf({ text: roleWord, quoted: false }, ROLE_WORDS, "role");
  tokens = tokens.slice(0, tokens.length - used);
  if (isWord(tokens.at(-1), "as")) tokens = tokens.slice(0, -1);
  return { tokens, role };
}

export const teamAdd = defineCommand({
  name: "team.add",
  words: ["team", "add"],
  topic: "team",
  writes: true,
  schema: teamChangeInput,
  parse(args, ctx) {
    const { tokens, role } = parseMembership(args);
    if (tokens.length === 0) throw new UsageError("usage.missing", { what: "member" });
    const member = tokens.at(-1)!.text;
    return { account: accountRef(tokens.slice(0, -1), ctx), member, role };
  },
  async run(ctx, input) {
    const { account, member, membership } = await addToTeam(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("team.added", { member: member.displayName, account: account.name, role: ctx.t(`role.${membership.role}`) });
    return reply(summary, [text(summary, "success")]);
  },
});

export const teamRemove = defineCommand({
  name: "team.remove",
  words: ["team", "remove"],
  topic: "team",
  writes: true,
  schema: z.object({ account: limits.reference, member: limits.reference }),
  parse(args, ctx) {
    if (args.length === 0) throw new UsageError("usage.missing", { what: "member" });
    return { account: accountRef(args.slice(0, -1), ctx), member: args.at(-1)!.text };
  },
  async run(ctx, input) {
    const { account, member } = await removeFromTeam(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("team.removed", { member: member.displayName, account: account.name });
    return reply(summary, [text(summary, "success")]);
  },
});

export const teamList = defineCommand({
  name: "team.list",
  words: ["team", "list"],
  topic: "team",
  writes: false,
  schema: z.object({ account: limits.reference }),
  parse(args, ctx) {
    return { account: accountRef(args, ctx) };
  },
  async run(ctx, input) {
    const { account, team } = await listTeam(ctx.deps.db, ctx.actor, input.account);
    const title = ctx.t("team.title", { account: account.name });
    if (team.length === 0) return reply(title, [heading(title), text(ctx.t("team.none"), "muted")]);
    return reply(title, [
      heading(title),
      table(
        [ctx.t("field.member"), ctx.t("field.role"), ctx.t("field.email")],
        team.map((m) => [m.member.displayName, ctx.t(`role.${m.role}`), m.member.email ?? "–"]),
      ),
    ]);
  },
});

export { joinTokens };
