import { closeCase, listCases, listCasesInput, openCase, openCaseInput } from "../../domain/cases.ts";
import { clauses, isWord, joinTokens } from "../grammar/tokens.ts";
import { fields, heading, reply, table, text } from "../replies.ts";
import { accountAndText, oneOf, pastMoment, rejectExtra } from "./args.ts";
import { defineCommand, UsageError } from "./command.ts";
import { z } from "zod";
import * as limits from "../../domain/limits.ts";

export const PRIORITIES = { low: "LOW", normal: "NORMAL", high: "HIGH", urgent: "URGENT", niedrig: "LOW", hoch: "HIGH", dringend: "URGENT" } as const;

export const caseOpen = defineCommand({
  name: "case.open",
  words: ["case", "open"],
  topic: "cases",
  writes: true,
  schema: openCaseInput,
  parse(args, ctx) {
    const { head, parts } = clauses(args, ["priority", "opened"]);
    const { account, text: subject } = accountAndText(head, ctx, "subject");
    return { account, subject, now: parts.has("opened") ? pastMoment(parts.get("opened"), ctx) : ctx.now, ...(parts.has("priority") ? { priority: oneOf(parts.get("priority")![0], PRIORITIES, "priority") } : {}) };
  },
  async run(ctx, input) {
    const c = await openCase(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("case.opened", { ref: `C-${c.number}`, subject: c.subject, account: c.account.name });
    return reply(summary, [
      text(summary, "success"),
      fields([
        { label: ctx.t("field.priority"), value: ctx.t(`priority.${c.priority}`) },
        { label: ctx.t("field.slaDueAt"), value: ctx.fmt.dateTime(c.slaDueAt) },
      ]),
    ], [{ label: ctx.t("button.closeCase"), command: `case close C-${c.number}` }]);
  },
});

export const caseClose = defineCommand({
  name: "case.close",
  words: ["case", "close"],
  topic: "cases",
  writes: true,
  schema: z.object({ case: limits.reference }),
  parse(args) {
    if (args.length === 0) throw new UsageError("usage.missing", { what: "case" });
    rejectExtra(args.slice(1));
    return { case: args[0]!.text };
  },
  async run(ctx, input) {
    const c = await closeCase(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("case.closed", { ref: `C-${c.number}`, subject: c.subject });
    return reply(summary, [text(summary, "success")]);
  },
});

export const caseList = defineCommand({
  name: "case.list",
  words: ["case", "list"],
  topic: "cases",
  writes: false,
  schema: listCasesInput,
  parse(args, ctx) {
    const all = isWord(args.at(-1), "all");
    const rest = all ? args.slice(0, -1) : args;
    const account = joinTokens(rest) || ctx.boundAccount?.id;
    return { scope: all ? "all" : "open", ...(account ? { account } : {}) };
  },
  async run(ctx, input) {
    const cases = await listCases(ctx.deps.db, ctx.actor, input);
    const title = ctx.t("case.listTitle", { count: cases.length });
    if (cases.length === 0) return reply(title, [heading(title), text(ctx.t("case.none"), "muted")]);
    return reply(title, [
      heading(title),
      table(
        [ctx.t("field.case"), ctx.t("field.account"), ctx.t("field.priority"), ctx.t("field.slaDueAt"), ctx.t("field.status")],
        cases.map((c) => [`C-${c.number}${c.externalRef ? ` · ${c.externalRef}` : ""} ${c.subject}`, c.account.name, ctx.t(`priority.${c.priority}`), ctx.fmt.dateTime(c.slaDueAt), ctx.t(`status.${c.status}`)]),
      ),
    ]);
  },
});
