import { z } from "zod";
import { addMilestone, addMilestoneInput, addProject, addProjectInput, completeMilestone, completeMilestoneInput, listDeadlines, listMilestones } from "../../domain/projects.ts";
import * as limits from "../../domain/limits.ts";
import { clauses, isWord, joinTokens } from "../grammar/tokens.ts";
import type { Form } from "../reply.ts";
import { fields, heading, reply, table, text } from "../replies.ts";
import type { CommandContext } from "../context.ts";
import { accountAndText, comingDay, integer, rejectExtra } from "./args.ts";
import { weekdayDay } from "../messages/format.ts";
import { defineCommand, UsageError, type FormValues } from "./command.ts";
import { accountOptions, value } from "./form-helpers.ts";

const DAY_MS = 86_400_000;

/** "due in 3 days", "overdue by 2 days", "due today" relative to the caller's today. */
export function dueText(ctx: CommandContext, dueOn: Date, formatDay: (date: Date) => string = ctx.fmt.day): string {
  const days = Math.round((dueOn.getTime() - limits.dayToDate(ctx.today).getTime()) / DAY_MS);
  const date = formatDay(dueOn);
  if (days < 0) return ctx.t("deadline.overdue", { date, count: -days });
  if (days === 0) return ctx.t("deadline.today", { date });
  return ctx.t("deadline.inDays", { date, count: days });
}

function projectForm(ctx: CommandContext, values: FormValues = {}): Promise<Form> {
  return accountOptions(ctx).then((accounts) => ({
    id: "project.add",
    title: ctx.t("form.projectTitle"),
    submitLabel: ctx.t("form.submitProject"),
    errors: {},
    fields: [
      { name: "account", label: ctx.t("field.account"), type: "select", required: true, options: accounts, ...value(values, "account", ctx.boundAccount?.id) },
      { name: "name", label: ctx.t("field.name"), type: "text", required: true, ...value(values, "name") },
      { name: "dueOn", label: ctx.t("field.dueOn"), type: "date", required: true, ...value(values, "dueOn") },
      { name: "owner", label: ctx.t("field.owner"), type: "text", required: false, ...value(values, "owner") },
    ],
  }));
}

export const projectAdd = defineCommand({
  name: "project.add",
  words: ["project", "add"],
  topic: "projects",
  writes: true,
  schema: addProjectInput,
  parse(args, ctx) {
    const { head, parts } = clauses(args, ["due", "owner"]);
    if (!parts.has("due")) throw new UsageError("usage.missing", { what: "dueOn" });
    const { account, text: name } = accountAndText(head, ctx, "name");
    return { account, name, dueOn: comingDay(parts.get("due"), ctx), ...(parts.has("owner") ? { owner: joinTokens(parts.get("owner")!) } : {}) };
  },
  form: projectForm,
  fromForm(values, ctx) {
    const s = (k: string) => String(values[k] ?? "").trim();
    if (!s("account")) throw new UsageError("usage.missing", { what: "account" }, "account");
    if (!s("name")) throw new UsageError("usage.missing", { what: "name" }, "name");
    return {
      account: s("account"),
      name: s("name"),
      dueOn: comingDay([{ text: s("dueOn"), quoted: false }], ctx, "dueOn", "dueOn"),
      ...(s("owner") ? { owner: s("owner") } : {}),
    };
  },
  async run(ctx, input) {
    const project = await addProject(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("project.added", { ref: `P-${project.number}`, name: project.name, account: project.account.name });
    return reply(summary, [
      text(summary, "success"),
      fields([
        { label: ctx.t("field.due"), value: dueText(ctx, project.dueOn, (d) => weekdayDay(ctx.locale, d)) },
        project.owner && { label: ctx.t("field.owner"), value: project.owner.displayName },
      ]),
      text(ctx.t("project.milestoneHint", { ref: `P-${project.number}` }), "muted"),
    ]);
  },
});

export const milestoneAdd = defineCommand({
  name: "milestone.add",
  words: ["milestone", "add"],
  topic: "projects",
  writes: true,
  schema: addMilestoneInput,
  parse(args, ctx) {
    const { head, parts } = clauses(args, ["due", "owner"]);
    if (!parts.has("due")) throw new UsageError("usage.missing", { what: "dueOn" });
    if (head.length < 2) throw new UsageError("usage.missing", { what: head.length ? "name" : "project" });
    return {
      project: head[0]!.text,
      name: joinTokens(head.slice(1)),
      dueOn: comingDay(parts.get("due"), ctx),
      ...(parts.has("owner") ? { owner: joinTokens(parts.get("owner")!) } : {}),
    };
  },
  async run(ctx, input) {
    const m = await addMilestone(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("milestone.added", { ref: `M-${m.number}`, name: m.name, project: m.project.name });
    return reply(summary, [
      text(summary, "success"),
      fields([
        { label: ctx.t("field.account"), value: m.project.account.name },
        { label: ctx.t("field.due"), value: dueText(ctx, m.dueOn, (d) => weekdayDay(ctx.locale, d)) },
        m.owner && { label: ctx.t("field.owner"), value: m.owner.displayName },
      ]),
    ]);
  },
});

export const milestoneDone = defineCommand({
  name: "milestone.done",
  words: ["milestone", "done"],
  topic: "projects",
  writes: true,
  schema: completeMilestoneInput,
  parse(args) {
    if (args.length === 0) throw new UsageError("usage.missing", { what: "milestone" });
    rejectExtra(args.slice(1));
    return { milestone: args[0]!.text };
  },
  async run(ctx, input) {
    const m = await completeMilestone(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("milestone.done", { ref: `M-${m.number}`, name: m.name, project: m.project.name });
    return reply(summary, [text(summary, "success")]);
  },
});

export const milestoneList = defineCommand({
  name: "milestone.list",
  words: ["milestone", "list"],
  topic: "projects",
  writes: false,
  schema: z.object({ project: limits.reference.optional(), account: limits.reference.optional(), scope: z.enum(["open", "all"]) }),
  parse(args, ctx) {
    const all = isWord(args.at(-1), "all");
    const rest = all ? args.slice(0, -1) : args;
    const project = joinTokens(rest);
    return {
      scope: all ? "all" : "open",
      ...(project ? { project } : ctx.boundAccount ? { account: ctx.boundAccount.id } : {}),
    };
  },
  async run(ctx, input) {
    const milestones = await listMilestones(ctx.deps.db, ctx.actor, input);
    const title = ctx.t("milestone.listTitle", { count: milestones.length });
    if (milestones.length === 0) return reply(title, [heading(title), text(ctx.t("milestone.none"), "muted")]);
    return reply(title, [
      heading(title),
      table(
        [ctx.t("field.milestone"), ctx.t("field.project"), ctx.t("field.account"), ctx.t("field.due"), ctx.t("field.owner"), ctx.t("field.status")],
        milestones.map((m) => [
          `M-${m.number} ${m.name}`,
          `P-${m.project.number} ${m.project.name}`,
          m.project.account.name,
          dueText(ctx, m.dueOn),
          m.owner?.displayName ?? "–",
          ctx.t(`status.${m.status}`),
        ]),
      ),
    ]);
  },
});

export const deadlines = defineCommand({
  name: "deadlines",
  words: ["deadlines"],
  topic: "projects",
  writes: false,
  schema: z.object({ account: limits.reference.optional(), withinDays: z.number().int().min(1).max(365) }),
  parse(args, ctx) {
    const { head, parts } = clauses(args, ["within"]);
    let withinDays = 14;
    if (parts.has("within")) {
      const w = parts.get("within")!;
      withinDays = integer(w[0]?.text, "days", 1, 365);
      rejectExtra(w.slice(1).filter((t) => !isWord(t, "days", "day", "tage", "tagen", "d")));
    }
    const account = joinTokens(head) || ctx.boundAccount?.id;
    return { withinDays, ...(account ? { account } : {}) };
  },
  async run(ctx, input) {
    const { projects, milestones } = await listDeadlines(ctx.deps.db, ctx.actor, { ...input, today: ctx.today });
    const title = ctx.t("deadline.title", { count: input.withinDays });
    const rows = [
      ...projects.map((p) => ({ due: p.dueOn, row: [`P-${p.number} ${p.name}`, p.account.name, dueText(ctx, p.dueOn), p.owner?.displayName ?? "–"] })),
      ...milestones.map((m) => ({
        due: m.dueOn,
        row: [`M-${m.number} ${m.name} (${m.project.name})`, m.project.account.name, dueText(ctx, m.dueOn), m.owner?.displayName ?? "–"],
      })),
    ].sort((a, b) => a.due.getTime() - b.due.getTime());
    if (rows.length === 0) return reply(title, [heading(title), text(ctx.t("deadline.none"), "muted")]);
    return reply(title, [
      heading(title),
      table([ctx.t("field.milestone"), ctx.t("field.account"), ctx.t("field.due"), ctx.t("field.owner")], rows.map((r) => r.row)),
    ]);
  },
});
