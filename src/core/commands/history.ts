import { z } from "zod";
import { HISTORY_PAGE_SIZE, historyInput, recordHistory, type HistoryEntry } from "../../domain/history.ts";
import { undoLastChange } from "../../domain/undo.ts";
import type { CommandContext } from "../context.ts";
import { isWord, joinTokens } from "../grammar/tokens.ts";
import { changeLines } from "../messages/changes.ts";
import type { Block } from "../reply.ts";
import { heading, reply, text } from "../replies.ts";
import { integer, rejectExtra } from "./args.ts";
import { defineCommand, UsageError } from "./command.ts";

export function actionLabel(ctx: CommandContext, action: string): string {
  return ctx.t(`history.action.${action}`, { defaultValue: action });
}

function entryBlocks(ctx: CommandContext, e: HistoryEntry, labels: Record<string, string>, withRef: boolean): Block[] {
  const platform = e.platform ? ctx.t(`history.platform.${e.platform}`, { defaultValue: e.platform }) : ctx.t("history.platform.system");
  const line = ctx.t("history.entry", { at: ctx.fmt.dateTime(e.at), by: e.by, platform, action: actionLabel(ctx, e.action), ref: withRef ? ` ${e.ref}` : "" });
  const currency = typeof e.extra.currency === "string" ? e.extra.currency : ctx.organization.currency;
  const details = changeLines(ctx, e.changes, currency, labels);
  if (typeof e.extra.reason === "string" && !("voidReason" in e.changes)) details.push(ctx.t("history.reason", { reason: e.extra.reason }));
  // The range is the entry's ref: on an account's history the line shows it already.
  if (e.imported) details.push(ctx.t(withRef ? "history.importedRecords" : "history.importedRecordsRange", { n: ctx.fmt.number(e.imported.count), range: e.ref }));
  if (typeof e.extra.amountMinor === "number" && e.action === "invoice.credit") details.push(ctx.t("history.creditNote", { amount: ctx.fmt.money(e.extra.amountMinor, currency) }));
  return [text(line), ...(details.length ? [{ kind: "list" as const, items: details }] : [])];
}

/**
 * `history <reference> [page <n>]`: who changed what and when, field by field, newest first; an
 * account (or `history` alone in a bound channel) shows the changes across all its records.
 */
export const history = defineCommand({
  name: "history",
  words: ["history"],
  topic: "history",
  writes: false,
  schema: historyInput,
  parse(args, ctx) {
    let tokens = args;
    let page = 1;
    const at = tokens.findIndex((t) => isWord(t, "page", "seite"));
    if (at >= 0) {
      page = integer(tokens[at + 1]?.text, "page", 1, 1000);
      if (tokens.length > at + 2) throw new UsageError("usage.unexpected", { text: joinTokens(tokens.slice(at + 2)) });
      tokens = tokens.slice(0, at);
    }
    const ref = joinTokens(tokens);
    if (ref) return { ref, page };
    if (ctx.boundAccount) return { ref: ctx.boundAccount.id, page, scope: "account" };
    throw new UsageError("usage.missing", { what: "ref" });
  },
  async run(ctx, input) {
    const result = await recordHistory(ctx.deps.db, ctx.actor, input);
    const accountWide = result.scope === "account";
    const title = ctx.t(accountWide ? "history.accountTitle" : "history.title", { ref: result.subject.label, page: result.page });
    if (result.entries.length === 0) return reply(title, [heading(title), text(ctx.t("history.none"), "muted")]);
    const blocks: Block[] = [heading(title)];
    for (const e of result.entries) blocks.push(...entryBlocks(ctx, e, result.labels, accountWide));
    const buttons = [];
    if (result.more) {
      const next = `history ${/\s/.test(input.ref) ? `"${input.ref}"` : input.ref} page ${result.page + 1}`;
      blocks.push(text(ctx.t("history.more", { command: next, count: HISTORY_PAGE_SIZE }), "muted"));
      buttons.push({ label: ctx.t("history.nextPage"), command: next });
    }
    return reply(title, blocks, buttons);
  },
});

/** `undo`: takes back your own last change, if it is recent and nothing was changed on it since. */
export const undo = defineCommand({
  name: "undo",
  words: ["undo"],
  topic: "history",
  writes: true,
  schema: z.object({}),
  parse(args) {
    rejectExtra(args);
    return {};
  },
  async run(ctx) {
    const done = await undoLastChange(ctx.deps.db, ctx.actor);
    const summary = ctx.t("undo.done", { action: actionLabel(ctx, done.action), ref: done.ref });
    return reply(summary, [text(summary, "success"), { kind: "list", items: changeLines(ctx, done.changes, done.currency ?? ctx.organization.currency) }]);
  },
});
