import { addCaseNote, assignCase, assignCaseInput, caseNoteInput, casePriorityInput, reopenCase, reopenCaseInput, setCasePriority, showCase } from "../../domain/case-changes.ts";
import * as limits from "../../domain/limits.ts";
import { joinProse, joinTokens } from "../grammar/tokens.ts";
import { fields, heading, list, reply, text } from "../replies.ts";
import type { Button } from "../reply.ts";
import { oneOf, rejectExtra } from "./args.ts";
import { PRIORITIES } from "./cases.ts";
import { defineCommand, UsageError } from "./command.ts";
import { z } from "zod";

function caseRef(args: { text: string }[]): string {
  if (args.length === 0) throw new UsageError("usage.missing", { what: "case" });
  return args[0]!.text;
}

export const caseShow = defineCommand({
  name: "case.show",
  words: ["case", "show"],
  topic: "cases",
  writes: false,
  schema: z.object({ case: limits.reference }),
  parse(args) {
    const ref = caseRef(args);
    rejectExtra(args.slice(1));
    return { case: ref };
  },
  async run(ctx, input) {
    const { case: c, changes } = await showCase(ctx.deps.db, ctx.actor, input);
    const ref = `C-${c.number}`;
    const title = `${ref} ${c.subject}`;
    const buttons: Button[] =
      c.status === "OPEN"
        ? [{ label: ctx.t("button.closeCase"), command: `case close ${ref}` }]
        : [{ label: ctx.t("button.reopenCase"), command: `case reopen ${ref}` }];
    return reply(title, [
      heading(title),
      fields([
        { label: ctx.t("field.account"), value: c.account.name },
        { label: ctx.t("field.status"), value: ctx.t(`status.${c.status}`) },
        { label: ctx.t("field.priority"), value: ctx.t(`priority.${c.priority}`) },
        { label: ctx.t("field.assignee"), value: c.assignee?.displayName ?? "–" },
        { label: ctx.t("field.openedAt"), value: ctx.fmt.dateTime(c.openedAt) },
        c.status === "OPEN" ? { label: ctx.t("field.slaDueAt"), value: ctx.fmt.dateTime(c.slaDueAt) } : c.closedAt && { label: ctx.t("field.closedAt"), value: ctx.fmt.dateTime(c.closedAt) },
      ]),
      ...(c.notes.length
        ? [text(ctx.t("case.notesTitle", { count: c.notes.length })), list(c.notes.map((n) => `${ctx.fmt.dateTime(n.createdAt)} · ${n.author?.displayName ?? "kam"}: ${n.text}`))]
        : [text(ctx.t("case.noNotes", { ref }), "muted")]),
      text(ctx.t("case.historyHint", { count: changes, ref }), "muted"),
    ], buttons);
  },
});

export const caseAssign = defineCommand({
  name: "case.assign",
  words: ["case", "assign"],
  topic: "cases",
  writes: true,
  schema: assignCaseInput,
  parse(args) {
    const ref = caseRef(args);
    const assignee = joinTokens(args.slice(1).filter((t, i) => i > 0 || t.quoted || t.text.toLowerCase() !== "to"));
    if (!assignee) throw new UsageError("usage.missing", { what: "member" });
    return { case: ref, assignee };
  },
  async run(ctx, input) {
    const c = await assignCase(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("case.assigned", { ref: `C-${c.number}`, subject: c.subject, member: c.assignee!.displayName });
    return reply(summary, [text(summary, "success")]);
  },
});

export const caseNote = defineCommand({
  name: "case.note",
  words: ["case", "note"],
  topic: "cases",
  writes: true,
  schema: caseNoteInput,
  parse(args) {
    const ref = caseRef(args);
    const note = joinProse(args.slice(1));
    if (!note) throw new UsageError("usage.missing", { what: "text" });
    return { case: ref, text: note };
  },
  async run(ctx, input) {
    const { case: c } = await addCaseNote(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("case.noted", { ref: `C-${c.number}`, subject: c.subject });
    return reply(summary, [text(summary, "success")], [{ label: ctx.t("button.details"), command: `case show C-${c.number}` }]);
  },
});

export const casePriority = defineCommand({
  name: "case.priority",
  words: ["case", "priority"],
  topic: "cases",
  writes: true,
  schema: casePriorityInput,
  parse(args) {
    const ref = caseRef(args);
    if (args.length < 2) throw new UsageError("usage.missing", { what: "priority" });
    rejectExtra(args.slice(2));
    return { case: ref, priority: oneOf(args[1], PRIORITIES, "priority") };
  },
  async run(ctx, input) {
    const c = await setCasePriority(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("case.prioritySet", { ref: `C-${c.number}`, subject: c.subject, priority: ctx.t(`priority.${c.priority}`) });
    return reply(summary, [text(summary, "success"), fields([{ label: ctx.t("field.slaDueAt"), value: ctx.fmt.dateTime(c.slaDueAt) }])]);
  },
});

export const caseReopen = defineCommand({
  name: "case.reopen",
  words: ["case", "reopen"],
  topic: "cases",
  writes: true,
  schema: reopenCaseInput,
  parse(args) {
    const ref = caseRef(args);
    rejectExtra(args.slice(1));
    return { case: ref };
  },
  async run(ctx, input) {
    const c = await reopenCase(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("case.reopened", { ref: `C-${c.number}`, subject: c.subject });
    return reply(summary, [text(summary, "success"), fields([{ label: ctx.t("field.slaDueAt"), value: ctx.fmt.dateTime(c.slaDueAt) }])], [
      { label: ctx.t("button.closeCase"), command: `case close C-${c.number}` },
    ]);
  },
});
