import { z } from "zod";
import { listInbox } from "../../domain/inbox.ts";
import type { Block, Reply } from "../reply.ts";
import { heading, reply, text } from "../replies.ts";
import { rejectExtra } from "./args.ts";
import { defineCommand } from "./command.ts";

/** `inbox`: the latest notifications kept for the caller (reminders and alerts for `kam chat` users). */
export const inbox = defineCommand({
  name: "inbox",
  words: ["inbox"],
  topic: "inbox",
  // Marks messages read, which is the caller's own business (like settings language).
  writes: false,
  changesContext: false,
  schema: z.object({}),
  parse(args) {
    rejectExtra(args);
    return {};
  },
  async run(ctx) {
    const { entries, total } = await listInbox(ctx.deps.db, ctx.actor);
    if (entries.length === 0) {
      const none = ctx.t("inbox.none");
      return reply(none, [text(none, "muted")]);
    }
    const title = ctx.t("inbox.title", { count: total });
    const blocks: Block[] = [heading(title)];
    for (const e of entries) {
      blocks.push(text(`${ctx.fmt.dateTime(e.createdAt)}${e.readAt ? "" : ` (${ctx.t("inbox.new")})`} — ${e.summary}`, e.readAt ? "muted" : "normal"));
      // The message itself, without its heading (that is the summary) and its mention line.
      blocks.push(...(e.reply as Reply).blocks.filter((b) => b.kind !== "heading" && b.kind !== "mention"));
    }
    if (total > entries.length) blocks.push(text(ctx.t("inbox.older", { count: total - entries.length }), "muted"));
    return reply(title, blocks);
  },
});
