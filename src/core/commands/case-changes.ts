import { addCaseNote, assignCase, assignCaseInput, caseNoteInput, casePriorityInput, editCase, editCaseInput, reopenCase, reopenCaseInput, setCasePriority, showCase } from "../../domain/case-changes.ts";
import { CASE_PRIORITIES } from "../../domain/cases.ts";
import type { CommandContext } from "../context.ts";
import type { Form } from "../reply.ts";
import { takeVersion } from "./corrections.ts";
import { value } from "./form-helpers.ts";
import * as limits from "../../domain/limits.ts";
import { clauses, isWord, joinProse, joinTokens } from "../grammar/tokens.ts";
import { fields, heading, list, reply, text } from "../replies.ts";
import type { Button } from "../reply.ts";
import { oneOf, rejectExtra } from "./args.ts";
import { PRIORITIES } from "./cases.ts";
import { defineCommand, UsageError, type FormValues } from "./command.ts";
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
    const buttons: Button[] = [
      { label: ctx.t("button.edit"), command: `case edit ${ref} version ${c.version}` },
      c.status === "OPEN" ? { label: ctx.t("button.closeCase"), command: `case close ${ref}` } : { label: ctx.t("button.reopenCase"), command: `case reopen ${ref}` },
    ];
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

const NOBODY = ["none", "nobody", "niemand", "-"];

/** The Edit form of `case show`: priority and assignee, on the case's version (hidden). */
async function caseEditForm(ctx: CommandContext, values: FormValues = {}): Promise<Form> {
  const ref = formValue(values, "case");
  if (!ref) throw new UsageError("usage.missing", { what: "case" }, "case");
  const { case: c } = await showCase(ctx.deps.db, ctx.actor, { case: ref });
  const members = await ctx.deps.db.member.findMany({
    where: { organizationId: ctx.organization.id },
    orderBy: { displayName: "asc" },
    take: 100,
    select: { id: true, displayName: true },
  });
  return {
    id: "case.edit",
    title: ctx.t("form.caseEditTitle", { ref: `C-${c.number}`, subject: c.subject }),
    submitLabel: ctx.t("form.submitChange"),
    errors: {},
    fields: [
      { name: "case", label: "case", type: "hidden", required: false, value: `C-${c.number}` },
      { name: "version", label: "version", type: "hidden", required: false, value: formValue(values, "version") || String(c.version) },
      {
        name: "priority", label: ctx.t("field.priority"), type: "select", required: true,
        options: CASE_PRIORITIES.map((p) => ({ value: p, label: ctx.t(`priority.${p}`) })),
        ...value(values, "priority", c.priority),
      },
      {
        name: "assignee", label: ctx.t("field.assignee"), type: "select", required: false,
        options: [{ value: "none", label: ctx.t("form.nobody") }, ...members.map((m) => ({ value: m.id, label: m.displayName }))],
        ...value(values, "assignee", c.assigneeId ?? "none"),
      },
    ],
  };
}

function formValue(values: FormValues, name: string): string {
  const v = values[name];
  return String((Array.isArray(v) ? v[0] : v) ?? "").trim();
}

export const caseEdit = defineCommand({
  name: "case.edit",
  words: ["case", "edit"],
  topic: "cases",
  writes: true,
  schema: editCaseInput,
  parse(all) {
    const { tokens, expectedVersion } = takeVersion(all);
    const ref = caseRef(tokens);
    const { head, parts } = clauses(tokens.slice(1), ["priority", "assignee", "to"]);
    rejectExtra(head);
    const assignee = parts.get("assignee") ?? parts.get("to");
    if (assignee && assignee.length === 0) throw new UsageError("usage.missing", { what: "member" });
    return {
      case: ref,
      ...(expectedVersion ? { expectedVersion } : {}),
      ...(parts.has("priority") ? { priority: oneOf(parts.get("priority")![0], PRIORITIES, "priority") } : {}),
      ...(assignee ? { assignee: assignee.length === 1 && isWord(assignee[0], ...NOBODY) ? null : joinTokens(assignee) } : {}),
    };
  },
  form: caseEditForm,
  fromForm(values) {
    const ref = formValue(values, "case");
    if (!ref) throw new UsageError("usage.missing", { what: "case" }, "case");
    const version = formValue(values, "version");
    const assignee = formValue(values, "assignee");
    return {
      case: ref,
      ...(/^\d{1,9}$/.test(version) ? { expectedVersion: Number(version) } : {}),
      priority: formValue(values, "priority"),
      assignee: !assignee || assignee === "none" ? null : assignee,
    };
  },
  async run(ctx, input) {
    // `case edit C-5` alone (the Edit button) opens the form filled in with the case as it is now.
    if (input.priority === undefined && input.assignee === undefined) {
      const form = await caseEditForm(ctx, { case: input.case, ...(input.expectedVersion ? { version: String(input.expectedVersion) } : {}) });
      return { ok: true, visibility: "caller", summary: form.title, blocks: [{ kind: "form", form }] };
    }
    const c = await editCase(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("case.edited", { ref: `C-${c.number}`, subject: c.subject });
    return reply(summary, [
      text(summary, "success"),
      fields([
        { label: ctx.t("field.priority"), value: ctx.t(`priority.${c.priority}`) },
        { label: ctx.t("field.assignee"), value: c.assignee?.displayName ?? "–" },
        { label: ctx.t("field.slaDueAt"), value: ctx.fmt.dateTime(c.slaDueAt) },
      ]),
    ]);
  },
});
