import { closeProject, closeProjectInput, milestoneOwnerInput, moveMilestone, moveMilestoneInput, reopenMilestone, reopenMilestoneInput, setMilestoneOwner } from "../../domain/project-changes.ts";
import { weekdayDay } from "../messages/format.ts";
import { isWord, joinTokens } from "../grammar/tokens.ts";
import { fields, reply, text } from "../replies.ts";
import { comingDay, rejectExtra } from "./args.ts";
import { defineCommand, UsageError } from "./command.ts";
import { dueText } from "./projects.ts";

export const milestoneMove = defineCommand({
  name: "milestone.move",
  words: ["milestone", "move"],
  topic: "projects",
  writes: true,
  schema: moveMilestoneInput,
  parse(args, ctx) {
    if (args.length === 0) throw new UsageError("usage.missing", { what: "milestone" });
    const rest = args.slice(1);
    if (!isWord(rest[0], "due", "to")) throw new UsageError("usage.missing", { what: "dueOn" });
    return { milestone: args[0]!.text, dueOn: comingDay(rest.slice(1), ctx, "dueOn") };
  },
  async run(ctx, input) {
    const { milestone: m, previous } = await moveMilestone(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("milestone.moved", { ref: `M-${m.number}`, name: m.name, from: ctx.fmt.day(previous), to: ctx.fmt.day(m.dueOn) });
    return reply(summary, [
      text(summary, "success"),
      fields([
        { label: ctx.t("field.project"), value: `P-${m.project.number} ${m.project.name}` },
        { label: ctx.t("field.due"), value: dueText(ctx, m.dueOn, (d) => weekdayDay(ctx.locale, d)) },
      ]),
    ]);
  },
});

export const milestoneOwner = defineCommand({
  name: "milestone.owner",
  words: ["milestone", "owner"],
  topic: "projects",
  writes: true,
  schema: milestoneOwnerInput,
  parse(args) {
    if (args.length === 0) throw new UsageError("usage.missing", { what: "milestone" });
    const owner = joinTokens(args.slice(1));
    if (!owner) throw new UsageError("usage.missing", { what: "owner" });
    return { milestone: args[0]!.text, owner };
  },
  async run(ctx, input) {
    const m = await setMilestoneOwner(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("milestone.ownerSet", { ref: `M-${m.number}`, name: m.name, owner: m.owner!.displayName });
    return reply(summary, [text(summary, "success")]);
  },
});

export const milestoneReopen = defineCommand({
  name: "milestone.reopen",
  words: ["milestone", "reopen"],
  topic: "projects",
  writes: true,
  schema: reopenMilestoneInput,
  parse(args) {
    if (args.length === 0) throw new UsageError("usage.missing", { what: "milestone" });
    rejectExtra(args.slice(1));
    return { milestone: args[0]!.text };
  },
  async run(ctx, input) {
    const m = await reopenMilestone(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("milestone.reopened", { ref: `M-${m.number}`, name: m.name });
    return reply(summary, [text(summary, "success"), fields([{ label: ctx.t("field.due"), value: dueText(ctx, m.dueOn) }])], [
      { label: ctx.t("button.markDone"), command: `milestone done M-${m.number}` },
    ]);
  },
});

export const projectClose = defineCommand({
  name: "project.close",
  words: ["project", "close"],
  topic: "projects",
  writes: true,
  schema: closeProjectInput,
  parse(args) {
    const project = joinTokens(args);
    if (!project) throw new UsageError("usage.missing", { what: "project" });
    return { project };
  },
  async run(ctx, input) {
    const { project, cancelled } = await closeProject(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("project.closed", { ref: `P-${project.number}`, name: project.name, account: project.account.name });
    return reply(summary, [
      text(summary, "success"),
      ...(cancelled.length
        ? [text(ctx.t("project.milestonesCancelled", { count: cancelled.length, refs: cancelled.map((m) => `M-${m.number}`).join(", ") }), "muted")]
        : []),
    ]);
  },
});
